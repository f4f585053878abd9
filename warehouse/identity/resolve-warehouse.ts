import type { Logger } from '../../lib/logger.js';
import { resolve, type ResolveResult, type TrainedModel } from '../../transforms/identity/index.js';
import type { Warehouse } from '../connection.js';
import type { StageRow } from '../engines/adapter.js';
import { loadStaging } from '../staging/loader.js';
import { CUSTOMER_CROSSWALK, DIM_CUSTOMER } from '../tables.js';
import { goldenRecord, type ClusterMember, type GoldenOptions } from './golden.js';
import { overrideReasons, readOverrides } from './override-runs.js';
import { readIdentityInputs, recordKey } from './read-inputs.js';

export interface ResolveWarehouseOptions extends GoldenOptions {
  /** Re-resolve everything (retrain the model); ids of surviving clusters are still kept. */
  full?: boolean;
  runId?: number | null;
  defaultRegion?: string;
  logger?: Logger;
  /** Phases as they go, for a progress display (see ResolveProgress). */
  onProgress?: (event: ResolveProgress) => void;
}

/**
 * One step of a resolve: `read` (staged records), the in-memory phases of identity resolution
 * (prepare, blocking, compare, train, score, cluster, ids), `golden` (customers) and `write`
 * (rows). `ended` when the phase is over; otherwise `done` of `total` (null when not known).
 */
export interface ResolveProgress {
  phase: string;
  ended: boolean;
  seconds?: number;
  done: number;
  total: number | null;
  unit: string;
}

const UNITS: Readonly<Record<string, string>> = Object.freeze({
  prepare: 'records',
  blocking: 'candidate pairs',
  compare: 'pairs',
  train: 'pairs',
  score: 'links',
  cluster: 'clusters',
  ids: 'records',
});

export interface ResolveSummary {
  mode: 'full' | 'incremental';
  records: number;
  changedRecords: number;
  customers: number;
  newCustomers: number;
  merges: number;
  splits: number;
  candidatePairs: number;
  /** Compared records that no blocking rule covered (no key, or only keys of oversized blocks). */
  uncoveredRecords: number;
  blocking: ResolveResult['blockingStats'];
  guards: ResolveResult['guardStats'];
  overrideConflicts: number;
  seconds: Record<string, number>;
}

/**
 * `crm-etl resolve`: every staged contact (and every customer an order names without one) into
 * exactly one dim_customer, with the rule and score of each link. Incremental after the first
 * run: only records new or changed since the last resolve are compared, with the saved model.
 */
export async function resolveWarehouse(
  wh: Warehouse,
  options: ResolveWarehouseOptions = {},
): Promise<ResolveSummary> {
  const t0 = performance.now();
  const report = options.onProgress ?? (() => undefined);
  const startedAt = wh.adapter.rows(await wh.knex.raw(`SELECT ${wh.adapter.now()} AS t`))[0]!.t;
  const staged = Number(
    ((await wh.knex('stg_contact').count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n ?? 0,
  );
  report({ phase: 'read', ended: false, done: 0, total: staged, unit: 'records' });
  const inputs = await readIdentityInputs(wh, (read) =>
    report({ phase: 'read', ended: false, done: read, total: Math.max(staged, read), unit: 'records' }),
  );
  const tRead = performance.now();
  report({
    phase: 'read',
    ended: true,
    seconds: (tRead - t0) / 1000,
    done: inputs.records.length,
    total: inputs.records.length,
    unit: 'records',
  });

  const existing = new Map<number, number>();
  for (const r of (await wh
    .knex('customer_crosswalk')
    .select('source', 'source_key', 'customer_id')) as Array<Record<string, unknown>>) {
    const id = inputs.idOf.get(recordKey(String(r.source), String(r.source_key)));
    if (id !== undefined) existing.set(id, Number(r.customer_id));
  }
  const last = (await wh
    .knex('identity_model')
    .orderBy('model_id', 'desc')
    .first('model', 'resolved_from')) as { model: unknown; resolved_from: unknown } | undefined;
  const incremental = !options.full && last !== undefined && existing.size > 0;
  let changedIds: Set<number> | undefined;
  if (incremental) {
    const since =
      last.resolved_from instanceof Date ? last.resolved_from.toISOString() : String(last.resolved_from);
    changedIds = new Set(
      inputs.records.filter((r) => !existing.has(r.id) || inputs.updatedAt[r.id]! >= since).map((r) => r.id),
    );
  }
  const overrides = await readOverrides(
    wh,
    inputs.idOf,
    incremental ? resolvedFrom(last.resolved_from) : null,
  );
  // Records an override names are compared on every run (resolve.ts), so they count as compared;
  // so are those of an override taken back since, not kept where it had put them.
  if (changedIds)
    for (const { a, b } of [...overrides.applied, ...overrides.removed]) changedIds.add(a).add(b);
  const maxId = Number(
    ((await wh.knex('dim_customer').max({ m: 'customer_id' })) as Array<{ m: unknown }>)[0]?.m ?? 0,
  );

  const result = resolve(inputs.records, {
    existing,
    overrides: overrides.pairs,
    changedIds,
    model: incremental ? (wh.adapter.parseJson(last.model) as TrainedModel) : undefined,
    nextCustomerId: maxId + 1,
    defaultRegion: options.defaultRegion,
    onProgress: (e) =>
      report({
        phase: e.phase,
        ended: e.ended,
        seconds: e.ms === undefined ? undefined : e.ms / 1000,
        done: e.done,
        total: e.total,
        unit: UNITS[e.phase] ?? 'items',
      }),
  });
  const tResolve = performance.now();

  // Write only what changed: customers whose membership changed, records whose link changed.
  const touched = new Set<number>(result.newCustomerIds);
  for (const m of result.merges) touched.add(m.survivingId);
  for (const s of result.splits) {
    touched.add(s.fromId);
    touched.add(s.newId);
  }
  const members = new Map<number, ClusterMember[]>();
  const linkRows: StageRow[] = [];
  const now = new Date().toISOString();
  for (const record of inputs.records) {
    const customerId = result.assignment.get(record.id)!;
    const before = existing.get(record.id);
    const moved = before !== customerId;
    // Both ends of a move get a new golden record: the one it joined and the one it left.
    if (moved && before !== undefined) touched.add(before);
    if (!incremental || moved || changedIds?.has(record.id)) touched.add(customerId);
    if (!incremental || moved || changedIds?.has(record.id)) {
      const link = result.links.get(record.id)!;
      const other = link.matchedWith === null ? null : inputs.records[link.matchedWith]!;
      linkRows.push({
        source: record.source,
        source_key: record.sourceKey,
        customer_id: customerId,
        match_rule: link.rule,
        match_score: Number(link.score.toFixed(6)),
        linked_at: now,
        matched_source: other?.source ?? null,
        matched_source_key: other?.sourceKey ?? null,
        match_detail: { weight: link.weight, comparisons: link.comparisons } as unknown as Record<
          string,
          unknown
        >,
      });
    }
  }
  for (const record of inputs.records) {
    const customerId = result.assignment.get(record.id)!;
    if (!touched.has(customerId)) continue;
    let list = members.get(customerId);
    if (!list) members.set(customerId, (list = []));
    list.push({
      source: record.source,
      sourceKey: record.sourceKey,
      fields: inputs.fields[record.id]!,
      updatedAt: inputs.updatedAt[record.id]!,
      firstSeen: inputs.firstSeen[record.id]!,
    });
  }
  const golden: StageRow[] = [];
  for (const [id, list] of members) {
    golden.push(goldenRecord(id, list, options) as StageRow);
    if (golden.length % 20_000 === 0)
      report({ phase: 'golden', ended: false, done: golden.length, total: members.size, unit: 'customers' });
  }
  const tGolden = performance.now();
  report({
    phase: 'golden',
    ended: true,
    seconds: (tGolden - tResolve) / 1000,
    done: golden.length,
    total: golden.length,
    unit: 'customers',
  });
  const written = golden.length + linkRows.length;
  report({ phase: 'write', ended: false, done: 0, total: written, unit: 'rows' });

  await wh.knex.transaction(async (trx) => {
    await loadStaging(wh, DIM_CUSTOMER, golden, { trx });
    await loadStaging(wh, CUSTOMER_CROSSWALK, linkRows, { trx });
    // Customers left without records (absorbed by a merge) go; their merge is logged below.
    await trx('dim_customer')
      .whereNotIn('customer_id', trx('customer_crosswalk').select('customer_id'))
      .delete();
    const reasons = overrideReasons(overrides, result, existing);
    const log = [
      ...result.merges.map((m) => ({
        surviving_id: m.survivingId,
        absorbed_id: m.absorbedId,
        kind: 'merge',
        reason: reasons.merge(m) ?? 'records matched across customers',
      })),
      ...result.splits.map((s) => ({
        surviving_id: s.fromId,
        absorbed_id: s.newId,
        kind: 'split',
        reason: reasons.split(s) ?? 'records no longer match',
      })),
    ].map((r) => ({ ...r, run_id: options.runId ?? null }));
    if (log.length) await trx.batchInsert('customer_merge', log, 500);
    await trx('identity_model').insert({
      model: JSON.stringify(result.model),
      resolved_from: wh.adapter.timestamp(
        startedAt instanceof Date ? startedAt : new Date(String(startedAt)),
      ),
      run_id: options.runId ?? null,
      full: incremental ? 0 : 1,
    });
  });
  const tWrite = performance.now();
  report({
    phase: 'write',
    ended: true,
    seconds: (tWrite - tGolden) / 1000,
    done: written,
    total: written,
    unit: 'rows',
  });
  const summary: ResolveSummary = {
    mode: incremental ? 'incremental' : 'full',
    records: inputs.records.length,
    changedRecords: changedIds?.size ?? inputs.records.length,
    customers: new Set(result.assignment.values()).size,
    newCustomers: result.newCustomerIds.length,
    merges: result.merges.length,
    splits: result.splits.length,
    candidatePairs: result.stats.candidatePairs,
    uncoveredRecords: result.stats.uncoveredRecords,
    blocking: result.blockingStats,
    guards: result.guardStats,
    overrideConflicts: result.overrideConflicts.length,
    seconds: {
      read: round((tRead - t0) / 1000),
      resolve: round((tResolve - tRead) / 1000),
      write: round((tWrite - tResolve) / 1000),
    },
  };
  options.logger?.info({ ...summary, blocking: undefined, guards: undefined }, 'resolve finished');
  return summary;
}

const round = (s: number) => Math.round(s * 100) / 100;
const resolvedFrom = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
