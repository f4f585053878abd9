import type { Knex } from 'knex';
import type { ConnectorItem, RejectedRecord, StreamName } from '../connectors/contract.js';
import type { Warehouse } from '../warehouse/connection.js';
import type { EncodedRows, StageRow } from '../warehouse/engines/adapter.js';
import { withBoundedHeapGrowth } from '../lib/heap-growth.js';
import { loadStaging } from '../warehouse/loader.js';
import { rowMaker, stagingRow } from '../warehouse/staging-row.js';
import { storableReject } from '../warehouse/storable-text.js';
import { STAGING_TABLES } from '../warehouse/tables.js';

/** What happened to every row of one input: rows = loaded + quarantined + duplicates. */
export interface StageCounts {
  rows: number;
  /** New or changed rows written (inserted + updated). */
  loaded: number;
  inserted: number;
  updated: number;
  quarantined: number;
  /** Exact repeats of rows already staged: nothing to write. */
  duplicates: number;
  /** Loaded rows that dropped an unusable optional value. */
  withWarnings: number;
}

export interface StageOptions {
  source: string;
  stream: StreamName;
  runId: number | null;
  /**
   * The input as the user named it: lineage of every staged and quarantined row. The input's
   * previous quarantine rows are replaced, so a re-import does not pile them up.
   */
  file: string;
  onReject?: (reject: RejectedRecord) => Promise<void> | void;
  onProgress?: (rowsSoFar: number) => void;
  /**
   * Stage inside the caller's transaction, e.g. one that also saves a connector's cursor, so the
   * batch and the cursor commit together.
   */
  trx?: Knex.Transaction;
  /**
   * `input` (default): the input's earlier quarantine rows are replaced, and rejects are filed
   * under `file`. `record`: for an input staged in several batches (a database table read
   * incrementally), each reject is filed under its own lineage (`table#key`), replacing only an
   * earlier reject of that same record.
   */
  quarantineBy?: 'input' | 'record';
}

const REJECT_BATCH = 1_000;
const PROGRESS_EVERY = 10_000;

/**
 * Stages one input's records and rejects in a single transaction: records upserted into the
 * stream's staging table, rejects into stg_quarantine with their reason. Either all of it lands
 * or none does, so a killed import re-run gives the same warehouse.
 */
export async function stageItems(
  wh: Warehouse,
  items: AsyncIterable<ConnectorItem>,
  options: StageOptions,
): Promise<StageCounts> {
  const spec = STAGING_TABLES[options.stream];
  const makeRow = rowMaker(spec);
  let records = 0;
  let rejects = 0;
  let withWarnings = 0;
  const work = async (trx: Knex.Transaction) => {
    const byRecord = options.quarantineBy === 'record';
    if (!byRecord) await trx('stg_quarantine').where({ source: options.source, file: options.file }).delete();
    let pending: RejectedRecord[] = [];
    const flushRejects = async (t: Knex.Transaction) => {
      if (pending.length === 0) return;
      const fileOf = (r: RejectedRecord) => (byRecord ? (r.lineage.file ?? options.file) : options.file);
      await t.batchInsert(
        'stg_quarantine',
        pending.map((given) => {
          // Made storable here, not before onReject: the rejects file keeps the row as it was read.
          const r = storableReject(given);
          return {
            source: options.source,
            stream: r.stream,
            run_id: options.runId,
            file: fileOf(r),
            line: r.lineage.line,
            reason: r.reason,
            raw: r.raw,
          };
        }),
        200,
      );
      pending = [];
    };
    // By record: every record read replaces its earlier reject, whether it is rejected again or
    // now staged (fixed at the source), so rejects wait until the batch's deletes are done.
    const touched = new Set<string>();
    let nextProgress = PROGRESS_EVERY;
    async function* rows(): AsyncGenerator<StageRow | EncodedRows> {
      for await (const item of items) {
        if (byRecord && item.kind !== 'encoded') {
          const file = item.kind === 'reject' ? item.reject.lineage.file : item.record.lineage.file;
          if (file !== null) touched.add(file);
        }
        if (item.kind === 'encoded') {
          // Made from the records by the reader for this very staging (StagingTarget): sent as they are.
          checkEncodedRows(item.rows, spec.name, options);
          records += item.rows.count;
          withWarnings += item.rows.withWarnings;
          yield item.rows;
        } else if (item.kind === 'reject') {
          rejects++;
          pending.push(item.reject);
          await options.onReject?.(item.reject);
          if (pending.length >= REJECT_BATCH && !byRecord) {
            await loadIdle(); // never interleaved with a batch in flight
            await flushRejects(trx);
          }
        } else {
          records++;
          const { row, warned } = stagingRow(
            makeRow,
            spec,
            item.record,
            options.source,
            options.runId,
            options.file,
          );
          if (warned) withWarnings++;
          yield row;
        }
        if (records + rejects >= nextProgress) {
          options.onProgress?.(records + rejects);
          nextProgress = (Math.floor((records + rejects) / PROGRESS_EVERY) + 1) * PROGRESS_EVERY;
        }
      }
    }
    let loadIdle = async (): Promise<void> => {};
    const stats = await loadStaging(wh, spec, rows(), { trx, onStart: (idle) => (loadIdle = idle) });
    const files = [...touched];
    for (let i = 0; i < files.length; i += 500) {
      const chunk = files.slice(i, i + 500);
      await trx('stg_quarantine').where({ source: options.source }).whereIn('file', chunk).delete();
    }
    await flushRejects(trx);
    return stats;
  };
  const result = await withBoundedHeapGrowth(() =>
    options.trx ? work(options.trx) : wh.knex.transaction(work),
  );
  options.onProgress?.(records + rejects);
  return {
    rows: records + rejects,
    loaded: result.inserted + result.updated,
    inserted: result.inserted,
    updated: result.updated,
    quarantined: rejects,
    duplicates: result.unchanged,
    withWarnings,
  };
}

/**
 * Encoded rows carry their lineage inside their text: they can only be staged where they were
 * encoded for. A mismatch is a caller's mistake (a reader given another StagingTarget than the
 * staging it feeds), not bad input.
 */
function checkEncodedRows(rows: EncodedRows, table: string, options: StageOptions): void {
  const expected = { table, source: options.source, runId: options.runId, file: options.file };
  const got = { table: rows.table, source: rows.source, runId: rows.runId, file: rows.file };
  if (options.quarantineBy === 'record' || JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new Error(
      `Rows encoded for ${JSON.stringify(got)} cannot be staged as ${JSON.stringify(expected)}` +
        (options.quarantineBy === 'record' ? ' by record' : ''),
    );
  }
}
