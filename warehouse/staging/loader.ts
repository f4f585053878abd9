import crypto from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Warehouse } from '../connection.js';
import {
  isEncodedRows,
  type BatchResult,
  type EncodedRows,
  type EngineAdapter,
  type LoadContext,
  type StageRow,
} from '../engines/adapter.js';
import type { StagingTableSpec } from '../tables.js';

export interface LoadStats {
  rows: number;
  /** New keys. */
  inserted: number;
  /** Existing keys whose content changed. */
  updated: number;
  /** Exact repeats of a row already loaded (same key, same content): nothing written. */
  unchanged: number;
}

/** Columns that say where a row came from or how it was read, not what it says: a re-import from another file is a repeat. */
const LINEAGE = new Set(['run_id', 'file', 'line', 'warnings']);
const SEP = '\u001f';
/**
 * Rows per batch at most, whatever the engine allows: two batches are held at once (one in the
 * database, one filling), and small batches keep that bounded and short-lived (cheap to collect)
 * while the per-batch round trips stay negligible (2,000 rather than 500: encoded batches of
 * 200k rows into PostgreSQL 15-20% faster, SQLite the same or better, RSS the same).
 */
const MAX_BATCH_ROWS = 2_000;
const YIELD_EVERY = 64;

// Per table: the columns the content hash covers, in spec order (computed once, not per row).
const hashedColumns = new WeakMap<StagingTableSpec, readonly string[]>();

/** The columns a table's content hash covers, in spec order. */
export function columnsToHash(spec: StagingTableSpec): readonly string[] {
  let cols = hashedColumns.get(spec);
  if (cols === undefined) {
    cols = spec.columns
      .map((c) => c.name)
      .filter((name) => name !== spec.hashColumn && !LINEAGE.has(name) && !spec.hashIgnore?.includes(name));
    hashedColumns.set(spec, cols);
  }
  return cols;
}

function hashPart(v: unknown): string {
  return v === null || v === undefined
    ? '\u0000'
    : typeof v === 'string'
      ? v
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);
}

// Per table: the text the hash is taken of, by a function generated once that reads each column
// as a fixed property (see tsv.ts lineEncoder: a direct load instead of a lookup by name).
const hashTexts = new WeakMap<StagingTableSpec, (row: StageRow) => string>();

function hashText(spec: StagingTableSpec): (row: StageRow) => string {
  let text = hashTexts.get(spec);
  if (text === undefined) {
    const whenSet = new Set(spec.hashOnlyWhenSet);
    const parts = columnsToHash(spec).map((c) => {
      const v = `row[${JSON.stringify(c)}]`;
      // A column added later counts only once it holds something, named (U+001D around its
      // name, so a value moved to another such column changes the hash): the hash of a row
      // staged before it existed stays what it was.
      return whenSet.has(c)
        ? `(${v} == null ? '' : ${JSON.stringify(`\u001d${c}\u001d`)} + part(${v}) + sep)`
        : `part(${v}) + sep`;
    });
    text = new Function('part', 'sep', `'use strict'; return (row) => ${parts.join(' + ')};`)(
      hashPart,
      SEP,
    ) as (row: StageRow) => string;
    hashTexts.set(spec, text);
  }
  return text;
}

/**
 * The text a row's content hash is taken of: its non-lineage columns (key included) in spec
 * order, each as a string (null as U+0000, objects as JSON), each followed by U+001F; a column
 * of `hashOnlyWhenSet` only when it holds a value, and then after its name.
 */
export function rowHashText(spec: StagingTableSpec, row: StageRow): string {
  return hashText(spec)(row);
}

/** The content hash of a row's hash text (rowHashText). */
export function hashOfText(text: string): string {
  return crypto.hash('sha1', text, 'base64');
}

/** Content hash of a row over its non-lineage columns (key included), in spec order. */
export function rowHash(spec: StagingTableSpec, row: StageRow): string {
  return hashOfText(hashText(spec)(row));
}

/**
 * Rows per batch the loader sends to this engine. Counts depend on where batches end (a key
 * repeated within a batch: the earlier row is a duplicate; in a later batch: an update), so a
 * reader that cuts batches itself (encoded rows) cuts them here too.
 */
export function loadBatchRows(adapter: EngineAdapter): number {
  return Math.min(adapter.batchRows, MAX_BATCH_ROWS);
}

export interface LoadOptions {
  /** Called after each batch with the running totals. */
  onBatch?: (stats: LoadStats) => void;
  /** Join this transaction (e.g. to commit quarantine rows with the load) instead of opening one. */
  trx?: Knex.Transaction;
  /**
   * Receives, when the load starts, a function that resolves once no batch of this load is in the
   * database (or rejects with that batch's error). A caller that issues statements of its own on
   * the same transaction from inside `rows` (quarantine rows) awaits it first: a batch's savepoint
   * released or rolled back in between would take the caller's savepoints and rows with it.
   */
  onStart?: (idle: () => Promise<void>) => void;
  /**
   * The caller has made sure no row's key is in the table yet (a push batch checked against it in
   * this transaction): the append path is taken without asking. A key there after all (another
   * writer's) makes the engine fall back to the merge, as for a repeated key.
   */
  keysAbsent?: boolean;
}

/**
 * Bulk-loads rows into a staging table through the engine's own bulk path, upserting on the
 * table's key, in one transaction: a load either lands whole or not at all. Loading the same
 * rows twice changes nothing; a changed row is updated. Rows stream through in batches sized
 * for the engine, so memory stays bounded whatever the input size.
 */
export async function loadStaging(
  wh: Warehouse,
  spec: StagingTableSpec,
  rows: AsyncIterable<StageRow | EncodedRows> | Iterable<StageRow | EncodedRows>,
  options: LoadOptions = {},
): Promise<LoadStats> {
  const stats: LoadStats = { rows: 0, inserted: 0, updated: 0, unchanged: 0 };
  const inTransaction = <T>(fn: (trx: Knex.Transaction) => Promise<T>) =>
    options.trx ? fn(options.trx) : wh.knex.transaction(fn);
  await inTransaction(async (trx) => {
    const ctx: LoadContext = { spec, appendFirst: false, state: {} };
    let decided = false;
    let batch: StageRow[] = [];
    // One batch is in the database while the next is read and hashed: Node's work and the
    // server's ingest overlap on two cores instead of taking turns. Drivers queue commands on a
    // connection, but a batch's savepoint must not interleave with the caller's own statements:
    // a caller writing from inside `rows` waits for the idle function given to onStart.
    let inflight: Promise<void> = Promise.resolve();
    const batchRows = loadBatchRows(wh.adapter);
    options.onStart?.(() => inflight);
    const send = async (rowsOut: StageRow[] | EncodedRows) => {
      const asValues = Array.isArray(rowsOut);
      if (!decided && options.keysAbsent) {
        ctx.appendFirst = true;
        decided = true;
      }
      if (!decided) {
        // A source with no rows yet can take the append path; a repeated key falls back to merge.
        // Encoded rows keep their keys in their text, but share their source.
        const keyCol = spec.key[0]!;
        const values = asValues
          ? ([...new Set(rowsOut.map((r) => r[keyCol]))] as string[])
          : keyCol === 'source'
            ? [rowsOut.source]
            : null; // keys unknown: merge, which is right whatever the table holds
        ctx.appendFirst = values !== null && !(await trx(spec.name).whereIn(keyCol, values).first(keyCol));
        decided = true;
      }
      let res: BatchResult;
      if (asValues) res = await wh.adapter.loadBatch(trx, ctx, rowsOut);
      else {
        res = await wh.adapter.loadEncoded(trx, ctx, rowsOut);
        // Only once loaded: after a failure the driver may still hold the bytes (and the load
        // is over anyway).
        rowsOut.release?.();
      }
      stats.rows += asValues ? rowsOut.length : rowsOut.count;
      stats.inserted += res.inserted;
      stats.updated += res.updated;
      stats.unchanged = stats.rows - stats.inserted - stats.updated;
      options.onBatch?.({ ...stats });
    };
    const dispatch = async (rowsOut: StageRow[] | EncodedRows) => {
      await inflight;
      inflight = send(rowsOut);
      inflight.catch(() => undefined); // surfaced by the next await, not as an unhandled rejection
    };
    const flush = async () => {
      if (batch.length === 0) return;
      const rowsOut = batch;
      batch = [];
      await dispatch(rowsOut);
    };
    try {
      let sinceYield = 0;
      for await (const row of rows) {
        // Rows that are already at hand arrive in promise jobs alone, which never let the event
        // loop run: the batch in flight would not reach the server (nor its answer come back)
        // until this batch is full, and the two would take turns instead of overlapping. A turn
        // of the loop every YIELD_EVERY rows lets the driver's I/O through (200k rows into
        // PostgreSQL: time waiting for the previous batch 5.3 -> 1.0 s).
        if (++sinceYield === YIELD_EVERY) {
          sinceYield = 0;
          await setImmediate();
        }
        if (isEncodedRows(row)) {
          // A batch encoded already (by the reader thread), sent as it is, after the rows before it.
          if (row.table !== spec.name || row.bulk !== wh.adapter.bulkFormat) {
            throw new Error(
              `Rows encoded as ${row.bulk} for ${row.table} cannot be loaded into ${spec.name} on ${wh.adapter.label}`,
            );
          }
          if (row.count > batchRows) {
            throw new Error(
              `An encoded batch of ${row.count} rows is over the ${batchRows} rows a batch holds`,
            );
          }
          await flush();
          await dispatch(row);
          continue;
        }
        if (row[spec.hashColumn] === undefined || row[spec.hashColumn] === null) {
          row[spec.hashColumn] = rowHash(spec, row);
        }
        batch.push(row);
        if (batch.length >= batchRows) await flush();
      }
      await flush();
      await inflight;
    } finally {
      await inflight.catch(() => undefined);
      await wh.adapter.endLoad(trx, ctx).catch(() => undefined);
    }
  });
  return stats;
}
