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
 *
 * Two things keyset order alone would miss:
 * - Rows committed late. An ERP stamps `modified` when a document is saved, but commits when the
 *   request or job ends; a row stamped before a position already saved can become visible after
 *   it. So every run starts `lookback` before the saved cursor (seconds for a timestamp, units
 *   for a number) and reads that window again; rows read again are exact repeats, counted as
 *   duplicates.
 * - Rows whose cursor is empty. A first or full read takes them first, in key order.
 */
import { SourceError } from '../../lib/errors.js';
import type { SourceDb } from './source-db.js';
import type { ErpStreamSpec } from './spec.js';

/**
 * Where a stream's reading stopped: the last row's cursor value and key, saved as JSON. A null
 * cursor: still in the first read's pass over rows with an empty cursor.
 */
export interface StreamPosition {
  cursor: string | number | null;
  key: string | number;
}

export interface ReadBatch {
  rows: Array<Record<string, unknown>>;
  /** The position after this batch's last row. */
  position: StreamPosition;
}

/** Where a read starts: from scratch (null), or a saved position and the window before it. */
export type ReadStart = null | { after: StreamPosition; lookback: number };

const ALIAS = 'erp_q';

/** The stream's own SELECT, before pagination. */
export function baseSql(db: SourceDb, spec: ErpStreamSpec): string {
  if (spec.sql !== undefined) return spec.sql.trim().replace(/;\s*$/, '');
  return `SELECT * FROM ${db.quote(spec.table!)}${spec.where ? ` WHERE ${spec.where}` : ''}`;
}

/**
 * One batch's statement and bindings:
 * - `{ nulls, after }`: rows with an empty cursor, in key order after `after` (null: the first);
 * - `{ from }`: rows whose cursor is at least `from` (the start of a lookback window);
 * - `{ after }`: rows after a position in (cursor, key) order; nothing: every row with a cursor.
 */
export function batchSql(
  db: SourceDb,
  spec: ErpStreamSpec,
  page: { nulls?: boolean; after?: StreamPosition | null; from?: string | number },
  limit: number,
): { sql: string; bindings: unknown[] } {
  const cursor = db.quote(`${ALIAS}.${spec.cursor}`);
  const key = db.quote(`${ALIAS}.${spec.key}`);
  const select = `SELECT * FROM (${baseSql(db, spec)}) ${ALIAS}`;
  if (page.nulls) {
    return page.after
      ? {
          sql: `${select} WHERE ${cursor} IS NULL AND ${key} > ? ORDER BY ${key} LIMIT ?`,
          bindings: [page.after.key, limit],
        }
      : { sql: `${select} WHERE ${cursor} IS NULL ORDER BY ${key} LIMIT ?`, bindings: [limit] };
  }
  const order = `ORDER BY ${cursor}, ${key} LIMIT ?`;
  if (page.from !== undefined)
    return { sql: `${select} WHERE ${cursor} >= ? ${order}`, bindings: [page.from, limit] };
  const after = page.after;
  if (after && after.cursor !== null) {
    return {
      sql: `${select} WHERE ${cursor} >= ? AND (${cursor} > ? OR ${key} > ?) ${order}`,
      bindings: [after.cursor, after.cursor, after.key, limit],
    };
  }
  return { sql: `${select} WHERE ${cursor} IS NOT NULL ${order}`, bindings: [limit] };
}

/**
 * Batches from `start`, each with the position after it. The next batch is read while the
 * caller stages the current one (one batch ahead, no more: memory stays bounded).
 */
export async function* readBatches(
  db: SourceDb,
  spec: ErpStreamSpec,
  start: ReadStart,
  batchSize: number,
): AsyncGenerator<ReadBatch> {
  type Page = Parameters<typeof batchSql>[2];
  const read = async (page: Page): Promise<ReadBatch | null> => {
    const { sql, bindings } = batchSql(db, spec, page, batchSize);
    const rows = await db.select(sql, bindings);
    if (rows.length === 0) return null;
    const last = rows[rows.length - 1]!;
    const position = {
      cursor: page.nulls ? null : positionValue(last[spec.cursor]),
      key: positionValue(last[spec.key]),
    };
    const after = page.after;
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

  // Where to begin: the empty-cursor pass of a first read, a lookback window, or the position.
  let page: Page;
  if (start === null) page = { nulls: true, after: null };
  else if (start.after.cursor === null) page = { nulls: true, after: start.after };
  else {
    const from = start.lookback > 0 ? lookBack(start.after.cursor, start.lookback) : undefined;
    page = from === undefined ? { after: start.after } : { from };
  }
  let next = read(page);
  for (;;) {
    let batch = await next;
    if (batch === null && page.nulls) {
      // The empty-cursor pass is done: on to the rows with a cursor, from the beginning.
      page = { after: null };
      batch = await read(page);
    }
    if (batch === null) return;
    const full = batch.rows.length === batchSize;
    page = page.nulls ? { nulls: true, after: batch.position } : { after: batch.position };
    // A short batch ends the rows with a cursor: no need to ask again. (A short empty-cursor
    // batch still moves on to them.)
    next = full || page.nulls ? read(page) : Promise.resolve(null);
    // Keep the read-ahead's rejection from surfacing as unhandled if the caller stops early.
    next.catch(() => undefined);
    yield batch;
  }
}

/** Rows whose cursor is NULL: read by a first or full read only, so `check` counts them. */
export async function countNullCursor(db: SourceDb, spec: ErpStreamSpec): Promise<number> {
  const cursor = db.quote(`${ALIAS}.${spec.cursor}`);
  const rows = await db.select(
    `SELECT COUNT(*) AS n FROM (${baseSql(db, spec)}) ${ALIAS} WHERE ${cursor} IS NULL`,
    [],
  );
  return Number(rows[0]?.n ?? 0);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:([ T])(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(.*)$/;

/**
 * The cursor value `amount` earlier: seconds before a timestamp as the database writes it
 * ('2026-11-20 10:00:05.123456', with any zone suffix kept as it is), or `amount` less than a
 * number. Undefined when the value is neither.
 */
export function lookBack(cursor: string | number, amount: number): string | number | undefined {
  if (typeof cursor === 'number') return cursor - amount;
  const m = TIMESTAMP.exec(cursor);
  if (!m) return undefined;
  const [, y, mo, d, sep, h, mi, s, frac, rest] = m;
  const at = Date.UTC(+y!, +mo! - 1, +d!, +(h ?? 0), +(mi ?? 0), +(s ?? 0)) - amount * 1000;
  const iso = new Date(at).toISOString();
  if (sep === undefined) return iso.slice(0, 10); // a date cursor: whole days earlier
  // The fraction is kept: it sorts the same, and the window only needs to be at least `amount`.
  return `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}${frac === undefined ? '' : `.${frac}`}${rest ?? ''}`;
}

function positionValue(value: unknown): string | number {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  throw new Error(`cursor or key value ${String(value)} is neither text nor a number`);
}
