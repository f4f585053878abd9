import type { Knex } from 'knex';
import type { ConnectorItem, RejectedRecord, SourceRecord, StreamName } from '../../connectors/contract.js';
import type { Warehouse } from '../connection.js';
import type { EncodedRows, StageRow } from '../engines/adapter.js';
import { withBoundedHeapGrowth } from '../../lib/heap-growth.js';
import { loadStaging } from './loader.js';
import { rowMaker, stagingRow } from './staging-row.js';
import { STAGING_TABLES } from '../tables.js';
import { clearInputRejects, clearRecordRejects, insertRejects } from './quarantine.js';

/** What happened to every row of one input: rows = loaded + skipped + quarantined + duplicates. */
export interface StageCounts {
  rows: number;
  /** New or changed rows written (inserted + updated). */
  loaded: number;
  inserted: number;
  updated: number;
  /** Rows the connector read and left out on purpose, with a reason (mail that is no conversation). */
  skipped: number;
  /** The skipped rows by reason. */
  skippedBy?: Record<string, number>;
  quarantined: number;
  /** Exact repeats of rows already staged: nothing to write. */
  duplicates: number;
  /** Loaded rows that dropped an unusable optional value. */
  withWarnings: number;
  /**
   * Records of other staging streams that came with the input's own (the contacts that a
   * mailbox's letters name), staged into their tables in the same transaction.
   */
  companions?: Partial<Record<StreamName, StageCounts>>;
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
  /** No record's key is staged yet (checked by the caller in this transaction): see LoadOptions. */
  keysAbsent?: boolean;
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
  let skipped = 0;
  const skippedBy: Record<string, number> = {};
  let withWarnings = 0;
  // Bounded by the batch: a connector that sends companions cuts its input into batches.
  const companions = new Map<StreamName, SourceRecord[]>();
  const companionCounts: Partial<Record<StreamName, StageCounts>> = {};
  const work = async (trx: Knex.Transaction) => {
    const byRecord = options.quarantineBy === 'record';
    if (!byRecord) await clearInputRejects(trx, options.source, options.file);
    let pending: RejectedRecord[] = [];
    const flushRejects = async (t: Knex.Transaction) => {
      if (pending.length === 0) return;
      const fileOf = (r: RejectedRecord) => (byRecord ? (r.lineage.file ?? options.file) : options.file);
      await insertRejects(t, options.source, options.runId, pending, fileOf);
      pending = [];
    };
    // By record: every record read replaces its earlier reject, whether it is rejected again or
    // now staged (fixed at the source), so rejects wait until the batch's deletes are done.
    const touched = new Set<string>();
    let nextProgress = PROGRESS_EVERY;
    async function* rows(): AsyncGenerator<StageRow | EncodedRows> {
      for await (const item of items) {
        if (item.kind === 'skip') {
          skipped++;
          skippedBy[item.skip.reason] = (skippedBy[item.skip.reason] ?? 0) + 1;
        } else if (item.kind === 'record' && item.record.stream !== options.stream) {
          const list = companions.get(item.record.stream) ?? [];
          list.push(item.record);
          companions.set(item.record.stream, list);
          continue;
        } else if (byRecord && item.kind !== 'encoded') {
          const file = item.kind === 'reject' ? item.reject.lineage.file : item.record.lineage.file;
          if (file !== null) touched.add(file);
        }
        if (item.kind === 'skip') {
          // counted above; nothing to write
        } else if (item.kind === 'encoded') {
          // Made from the records by the reader for this very staging (record-encoder.ts): sent as they are.
          const encoded = item.rows as EncodedRows;
          checkEncodedRows(encoded, spec.name, options);
          records += encoded.count;
          withWarnings += encoded.withWarnings;
          yield encoded;
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
        const seen = records + rejects + skipped;
        if (seen >= nextProgress) {
          options.onProgress?.(seen);
          nextProgress = (Math.floor(seen / PROGRESS_EVERY) + 1) * PROGRESS_EVERY;
        }
      }
    }
    let loadIdle = async (): Promise<void> => {};
    const stats = await loadStaging(wh, spec, rows(), {
      trx,
      onStart: (idle) => (loadIdle = idle),
      keysAbsent: options.keysAbsent,
    });
    await clearRecordRejects(trx, options.source, [...touched]);
    await flushRejects(trx);
    for (const [stream, all] of companions) {
      const { list, present } = await withoutPresent(trx, STAGING_TABLES[stream].name, options.source, all);
      companionCounts[stream] = await stageItems(wh, fromList(list), {
        source: options.source,
        stream,
        runId: options.runId,
        file: options.file,
        trx,
        quarantineBy: 'record',
        // Weaker sightings already present were left out above; the others are checked here.
        keysAbsent: options.keysAbsent === true && list.every((r) => r.ifAbsent),
      });
      const c = companionCounts[stream]!;
      c.rows += present;
      c.duplicates += present;
    }
    return stats;
  };
  const result = await withBoundedHeapGrowth(() =>
    options.trx ? work(options.trx) : wh.knex.transaction(work),
  );
  options.onProgress?.(records + rejects + skipped);
  return {
    rows: records + rejects + skipped,
    loaded: result.inserted + result.updated,
    inserted: result.inserted,
    updated: result.updated,
    skipped,
    ...(skipped > 0 ? { skippedBy } : {}),
    quarantined: rejects,
    duplicates: result.unchanged,
    withWarnings,
    ...(companions.size > 0 ? { companions: companionCounts } : {}),
  };
}

const KEYS_PER_QUERY = 500;

/**
 * The records to stage: those marked ifAbsent whose key is staged already are left out (counted
 * as duplicates), so a weaker sighting does not erase a fuller record.
 */
async function withoutPresent(
  trx: Knex.Transaction,
  table: string,
  source: string,
  records: readonly SourceRecord[],
): Promise<{ list: SourceRecord[]; present: number }> {
  const weak = [...new Set(records.filter((r) => r.ifAbsent).map((r) => r.sourceKey))];
  if (weak.length === 0) return { list: [...records], present: 0 };
  const staged = new Set<string>();
  for (let i = 0; i < weak.length; i += KEYS_PER_QUERY) {
    const rows = (await trx(table)
      .where({ source })
      .whereIn('source_key', weak.slice(i, i + KEYS_PER_QUERY))
      .select('source_key')) as Array<{ source_key: string }>;
    for (const r of rows) staged.add(r.source_key);
  }
  const list = records.filter((r) => !(r.ifAbsent && staged.has(r.sourceKey)));
  return { list, present: records.length - list.length };
}

async function* fromList(records: readonly SourceRecord[]): AsyncGenerator<ConnectorItem> {
  for (const record of records) yield { kind: 'record', record };
}

/**
 * Encoded rows carry their lineage inside their text: they can only be staged where they were
 * encoded for. A mismatch is a caller's mistake (a reader given another StagingEncoding than the
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
