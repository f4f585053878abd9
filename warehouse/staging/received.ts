/**
 * Staging a push source's batch (web-form submissions): one transaction, in which records marked
 * ifAbsent whose key is staged already (or one of their `sameAs` keys), or repeated within the
 * batch, are left out and counted as duplicates, with the records that come with them under the
 * same key (a lead's contact). A sender's retry thus never rewrites the first copy (its time, its
 * text) and is counted once as a duplicate, whether it comes in the same batch or a day later.
 *
 * A staged submission may have been quarantined before under the same key (sent first without an
 * e-mail or phone, then again with one). Its reject is filed under `rejectFileOf(key)` and is
 * removed in the same transaction when the submission is staged.
 *
 * An engine with appendAbsent (PostgreSQL) does all of it in one statement; the others take the
 * general path: the keys and earlier rejects looked up in one query, then the loader.
 */
import type { ConnectorItem, RejectedRecord, SourceRecord, StreamName } from '../../connectors/contract.js';
import type { Warehouse } from '../connection.js';
import type { AbsentBatch, QuarantineRow, StageRow } from '../engines/adapter.js';
import { STAGING_TABLES, type StagingTableSpec } from '../tables.js';
import { hashOfText } from './loader.js';
import { clearRecordRejects } from './quarantine.js';
import { stageItems, type StageCounts, type StageOptions } from './stage.js';
import { rowMaker, stagingRow } from './staging-row.js';
import { storableReject } from './storable-text.js';

const KEYS_PER_QUERY = 500;

export interface ReceivedOptions extends Omit<StageOptions, 'trx'> {
  /** Where the source files a reject of the record keyed `key` (stg_quarantine.file). */
  rejectFileOf?: (key: string) => string;
}

/** A batch with its repeats taken out: first copy of each key wins, its companions go with it. */
interface Sorted {
  kept: ConnectorItem[];
  /** Main records left out as repeats within the batch. */
  repeats: number;
}

/**
 * Takes out, first copy winning, main records whose key (or a sameAs key) came earlier in the
 * batch, and every record that came under the key of a main record so taken out.
 */
function withoutRepeats(items: readonly ConnectorItem[], stream: StreamName): Sorted {
  const seen = new Set<string>();
  const droppedMain = new Set<string>();
  const kept: ConnectorItem[] = [];
  let repeats = 0;
  for (const item of items) {
    if (item.kind === 'record' && item.record.ifAbsent) {
      const r = item.record;
      if (r.stream === stream) {
        const id = `${r.stream}\u001f${r.sourceKey}`;
        if (seen.has(id) || r.sameAs?.some((k) => seen.has(`${r.stream}\u001f${k}`))) {
          repeats++;
          droppedMain.add(r.sourceKey);
          seen.add(id);
          continue;
        }
        seen.add(id);
      } else {
        const id = `${r.stream}\u001f${r.sourceKey}`;
        if (seen.has(id) || droppedMain.has(r.sourceKey)) continue;
        seen.add(id);
      }
    }
    kept.push(item);
  }
  return { kept, repeats };
}

export async function stageReceived(
  wh: Warehouse,
  items: readonly ConnectorItem[],
  options: ReceivedOptions,
): Promise<StageCounts> {
  const sorted = withoutRepeats(items, options.stream);
  if (wh.adapter.appendAbsent) {
    const plan = absentPlan(sorted.kept, options);
    if (plan !== null) return appendPlanned(wh, plan, sorted.repeats, options);
  }
  return stageGeneral(wh, sorted, options);
}

interface Planned {
  batch: AbsentBatch;
  mainRows: number;
  withWarnings: number;
  companionRows: Array<{ stream: StreamName; rows: number }>;
  rejects: RejectedRecord[];
}

/**
 * The batch as appendAbsent takes it, or null when it is not such a batch: a record not marked
 * ifAbsent (to be merged), a companion under a key of its own, rejects filed by input.
 */
function absentPlan(items: readonly ConnectorItem[], options: ReceivedOptions): Planned | null {
  if (options.quarantineBy !== 'record') return null;
  const mainSpec = STAGING_TABLES[options.stream];
  const sourceKeyed = (spec: StagingTableSpec) =>
    spec.key.length === 2 && spec.key[0] === 'source' && spec.key[1] === 'source_key';
  if (!sourceKeyed(mainSpec)) return null;
  const main: SourceRecord[] = [];
  const companions = new Map<StreamName, SourceRecord[]>();
  const rejects: RejectedRecord[] = [];
  for (const item of items) {
    if (item.kind === 'reject') rejects.push(item.reject);
    else if (item.kind !== 'record' || !item.record.ifAbsent) return null;
    else if (item.record.stream === options.stream) main.push(item.record);
    else {
      if (!sourceKeyed(STAGING_TABLES[item.record.stream])) return null;
      companions.set(item.record.stream, [...(companions.get(item.record.stream) ?? []), item.record]);
    }
  }
  const mainKeys = new Set(main.map((r) => r.sourceKey));
  for (const list of companions.values()) if (list.some((r) => !mainKeys.has(r.sourceKey))) return null;

  let withWarnings = 0;
  const rows = (spec: StagingTableSpec, records: readonly SourceRecord[], isMain = false): StageRow[] => {
    const make = rowMaker(spec);
    return records.map((record) => {
      const { row, hashText, warned } = stagingRow(
        make,
        spec,
        record,
        options.source,
        options.runId,
        options.file,
      );
      if (warned && isMain) withWarnings++;
      row[spec.hashColumn] = hashOfText(hashText);
      return row;
    });
  };
  const mainRows = rows(mainSpec, main, true);
  const { rejectFileOf } = options;
  const clearFiles = new Set<string>();
  // Every record read replaces its earlier reject, whether it is rejected again or now staged.
  for (const r of main) if (r.lineage.file !== null) clearFiles.add(r.lineage.file);
  const fileOf = (r: RejectedRecord) => r.lineage.file ?? options.file;
  for (const r of rejects) clearFiles.add(fileOf(r));
  const rejectRows: QuarantineRow[] = rejects.map((given) => {
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
  });
  const companionList = [...companions.entries()].map(([stream, records]) => ({
    stream,
    spec: STAGING_TABLES[stream],
    rows: rows(STAGING_TABLES[stream], records),
  }));
  return {
    batch: {
      source: options.source,
      main: {
        spec: mainSpec,
        rows: mainRows,
        sameAs: main.flatMap((r) => (r.sameAs ?? []).map((k) => [r.sourceKey, k] as const)),
        rejectFiles: rejectFileOf ? main.map((r) => [r.sourceKey, rejectFileOf(r.sourceKey)] as const) : [],
      },
      companions: companionList.map(({ spec, rows: list }) => ({ spec, rows: list })),
      clearFiles: [...clearFiles],
      rejects: rejectRows,
    },
    mainRows: mainRows.length,
    withWarnings,
    companionRows: companionList.map((c) => ({ stream: c.stream, rows: c.rows.length })),
    rejects,
  };
}

async function appendPlanned(
  wh: Warehouse,
  plan: Planned,
  repeats: number,
  options: ReceivedOptions,
): Promise<StageCounts> {
  const result = await wh.adapter.appendAbsent!(wh.knex, plan.batch);
  for (const r of plan.rejects) await options.onReject?.(r);
  const counts = (rows: number, inserted: number, quarantined: number): StageCounts => ({
    rows: rows + quarantined,
    loaded: inserted,
    inserted,
    updated: 0,
    skipped: 0,
    quarantined,
    duplicates: rows - inserted,
    withWarnings: 0,
  });
  const companions: Partial<Record<StreamName, StageCounts>> = {};
  plan.companionRows.forEach((c, i) => (companions[c.stream] = counts(c.rows, result.companions[i]!, 0)));
  const main = counts(plan.mainRows, result.inserted, plan.rejects.length);
  options.onProgress?.(main.rows + repeats);
  return {
    ...main,
    rows: main.rows + repeats,
    duplicates: main.duplicates + repeats,
    withWarnings: plan.withWarnings,
    ...(plan.companionRows.length > 0 ? { companions } : {}),
  };
}

/** Every engine: the keys (own and sameAs) and earlier rejects looked up in one query, then the loader. */
async function stageGeneral(wh: Warehouse, sorted: Sorted, options: ReceivedOptions): Promise<StageCounts> {
  const { rejectFileOf, ...stageOptions } = options;
  const table = STAGING_TABLES[options.stream].name;
  return wh.knex.transaction(async (trx) => {
    const weak = new Set<string>();
    for (const item of sorted.kept)
      if (item.kind === 'record' && item.record.stream === options.stream && item.record.ifAbsent) {
        weak.add(item.record.sourceKey);
        for (const k of item.record.sameAs ?? []) weak.add(k);
      }
    const staged = new Set<string>();
    const rejected = new Set<string>();
    const keys = [...weak];
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY);
      const query = trx(table)
        .where({ source: options.source })
        .whereIn('source_key', chunk)
        .select({ k: 'source_key' }, trx.raw("'s' as t"));
      if (rejectFileOf)
        void query.unionAll((q) =>
          q
            .from('stg_quarantine')
            .where({ source: options.source })
            .whereIn('file', chunk.map(rejectFileOf))
            .select({ k: 'file' }, trx.raw("'q' as t")),
        );
      for (const r of (await query) as Array<{ k: string; t: string }>)
        (r.t === 's' ? staged : rejected).add(r.k);
    }
    const present = new Set<string>();
    const kept: ConnectorItem[] = [];
    let duplicates = sorted.repeats;
    for (const item of sorted.kept) {
      if (item.kind === 'record' && item.record.ifAbsent && item.record.stream === options.stream) {
        const r = item.record;
        if (staged.has(r.sourceKey) || r.sameAs?.some((k) => staged.has(k))) {
          duplicates++;
          present.add(r.sourceKey);
          continue;
        }
      }
      kept.push(item);
    }
    // What came with a main record found staged goes with it (the retry's contact).
    const list =
      present.size === 0
        ? kept
        : kept.filter((i) => i.kind !== 'record' || !i.record.ifAbsent || !present.has(i.record.sourceKey));
    // Every key left is new (checked above, in this transaction): appended, not merged.
    const checked = list.every(
      (i) => i.kind !== 'record' || i.record.stream !== options.stream || i.record.ifAbsent,
    );
    if (rejectFileOf && rejected.size > 0) {
      const now = list.flatMap((i) =>
        i.kind === 'record' && i.record.stream === options.stream ? [rejectFileOf(i.record.sourceKey)] : [],
      );
      const clear = now.filter((f) => rejected.has(f));
      if (clear.length > 0) await clearRecordRejects(trx, options.source, clear);
    }
    const counts = await stageItems(wh, fromList(list), { ...stageOptions, trx, keysAbsent: checked });
    return { ...counts, rows: counts.rows + duplicates, duplicates: counts.duplicates + duplicates };
  });
}

async function* fromList(items: readonly ConnectorItem[]): AsyncGenerator<ConnectorItem> {
  yield* items;
}
