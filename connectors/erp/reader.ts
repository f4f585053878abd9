/**
 * Reads one stream incrementally, in bounded batches, by keyset pagination on (cursor, key):
 *
 *   SELECT * FROM (<the stream's SELECT>) AS erp_q
 *   WHERE erp_q.cursor >= :c AND (erp_q.cursor > :c OR erp_q.key > :k)
 *   ORDER BY erp_q.cursor, erp_q.key LIMIT :n
 *
 * The key breaks ties, so rows that share a cursor value across a batch boundary are neither
 * skipped nor read again, and the position after a batch is exactly its last row. The engine
 * compares and orders both columns itself (its own collation), so the position is consistent
 * with the order it returns. Each batch is one short statement: nothing is held open on the ERP
 * between batches, and a dropped connection loses at most the batch in flight.
 */
import { SourceError } from '../../lib/errors.js';
import type { SourceDb } from './source-db.js';
import type { ErpStreamSpec } from './spec.js';

/** Where a stream's reading stopped: the last row's cursor value and key. Saved as JSON. */
export interface StreamPosition {
  cursor: string | number;
  key: string | number;
}

export interface ReadBatch {
  rows: Array<Record<string, unknown>>;
  /** The position after this batch's last row. */
  position: StreamPosition;
}

const ALIAS = 'erp_q';

/** The stream's own SELECT, before pagination. */
export function baseSql(db: SourceDb, spec: ErpStreamSpec): string {
  if (spec.sql !== undefined) return spec.sql.trim().replace(/;\s*$/, '');
  return `SELECT * FROM ${db.quote(spec.table!)}${spec.where ? ` WHERE ${spec.where}` : ''}`;
}

/** The paginated statement and its bindings for the batch after `after` (null: from the start). */
export function batchSql(
  db: SourceDb,
  spec: ErpStreamSpec,
  after: StreamPosition | null,
  limit: number,
): { sql: string; bindings: unknown[] } {
  const cursor = db.quote(`${ALIAS}.${spec.cursor}`);
  const key = db.quote(`${ALIAS}.${spec.key}`);
  const where = after
    ? `WHERE ${cursor} IS NOT NULL AND ${cursor} >= ? AND (${cursor} > ? OR ${key} > ?)`
    : `WHERE ${cursor} IS NOT NULL`;
  return {
    sql: `SELECT * FROM (${baseSql(db, spec)}) ${ALIAS} ${where} ORDER BY ${cursor}, ${key} LIMIT ?`,
    bindings: after ? [after.cursor, after.cursor, after.key, limit] : [limit],
  };
}

/**
 * Batches after `from`, each with the position after it. The next batch is read while the
 * caller stages the current one (one batch ahead, no more: memory stays bounded).
 */
export async function* readBatches(
  db: SourceDb,
  spec: ErpStreamSpec,
  from: StreamPosition | null,
  batchSize: number,
): AsyncGenerator<ReadBatch> {
  const read = async (after: StreamPosition | null): Promise<ReadBatch | null> => {
    const { sql, bindings } = batchSql(db, spec, after, batchSize);
    const rows = await db.select(sql, bindings);
    if (rows.length === 0) return null;
    const last = rows[rows.length - 1]!;
    const position = { cursor: positionValue(last[spec.cursor]), key: positionValue(last[spec.key]) };
    if (after && position.cursor === after.cursor && position.key === after.key) {
      // Only possible when the engine's comparison disagrees with its own ordering (a key that is
      // not unique, or unique only under another collation): stop rather than loop.
      throw new SourceError(
        `Stream '${spec.name}' did not advance past ${spec.cursor}=${String(after.cursor)}, ${spec.key}=${String(after.key)}`,
        { hint: `Make ${spec.key} a unique key of the stream's rows` },
      );
    }
    return { rows, position };
  };
  let next: Promise<ReadBatch | null> = read(from);
  for (;;) {
    const batch = await next;
    if (batch === null) return;
    // A short batch is the last one: no need to ask again.
    next = batch.rows.length < batchSize ? Promise.resolve(null) : read(batch.position);
    // Keep the read-ahead's rejection from surfacing as unhandled if the caller stops early.
    next.catch(() => undefined);
    yield batch;
  }
}

/** Rows whose cursor is NULL are never read incrementally: counted so `check` can say so. */
export async function countNullCursor(db: SourceDb, spec: ErpStreamSpec): Promise<number> {
  const cursor = db.quote(`${ALIAS}.${spec.cursor}`);
  const rows = await db.select(
    `SELECT COUNT(*) AS n FROM (${baseSql(db, spec)}) ${ALIAS} WHERE ${cursor} IS NULL`,
    [],
  );
  return Number(rows[0]?.n ?? 0);
}

function positionValue(value: unknown): string | number {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  throw new Error(`cursor or key value ${String(value)} is neither text nor a number`);
}
