import type { Logger } from '../../lib/logger.js';
import {
  DEFAULT_CONFIG,
  resolve,
  type Population,
  type ResolveInput,
  type ResolveResult,
  type TrainedModel,
} from '../../transforms/identity/index.js';
import type { Warehouse } from '../connection.js';
import type { StageRow } from '../engines/adapter.js';
import { loadStaging } from '../staging/loader.js';
import { CUSTOMER_CROSSWALK, DIM_CUSTOMER } from '../tables.js';
import { goldenRecord, type ClusterMember, type GoldenOptions } from './golden.js';
import { overrideReasons, readOverrides } from './override-runs.js';
import { readIdentityInputs, recordKey, type IdentityInputs } from './read-inputs.js';
import { readNeighbourhood, type Neighbourhood } from './read-neighbourhood.js';
import { keysVersion, readKeyState, replaceAllKeys, type StoredRecord } from './record-keys.js';

export interface ResolveWarehouseOptions extends GoldenOptions {
  /** Re-resolve everything (retrain the model); ids of surviving clusters are still kept. */
  full?: boolean;
  /**
   * What an incremental run reads: `neighbourhood` (the default) the changed records and the
   * stored records their blocking keys reach; `all` every record, as before persisted keys.
   */
  scope?: 'neighbourhood' | 'all';
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
  /** Records in the warehouse. */
  records: number;
  /** Records this run read and held (all of them, or the changed records' neighbourhood). */
  readRecords: number;
  changedRecords: number;
  /** Whose match and blocking keys were computed and stored: all records, or the changed ones. */
  keys: 'all' | 'changed records' | 'all (key definition changed)';
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
  const last = (await wh
    .knex('identity_model')
    .orderBy('model_id', 'desc')
    .first('model', 'resolved_from')) as { model: unknown; resolved_from: unknown } | undefined;
  const linked = (await wh.knex('customer_crosswalk').first('customer_id')) !== undefined;
  const incremental = !options.full && last !== undefined && linked;
  const state = await readKeyState(wh);
  const keysCurrent = state !== null && state.version === keysVersion();
  // An incremental run reads only the changed records' neighbourhood when the stored keys are of
  // this release's definition; else it reads every record and stores all keys afresh.
  const narrow = incremental && keysCurrent && options.scope !== 'all';
  const keys: ResolveSummary['keys'] = narrow
    ? 'changed records'
    : state !== null && !keysCurrent
      ? 'all (key definition changed)'
      : 'all';
  const since = incremental ? resolvedFrom(last.resolved_from) : null;

  let inputs: RunRecords;
  let existing: Map<number, number>;
  let changedIds: Set<number> | undefined;
  let population: Population | undefined;
  let nb: Neighbourhood | null = null;
  if (narrow) {
    report({ phase: 'read', ended: false, done: 0, total: null, unit: 'records' });
    nb = await readNeighbourhood(wh, since!, DEFAULT_CONFIG, options.defaultRegion);
    inputs = neighbourhoodRecords(nb);
    existing = nb.existing;
    changedIds = nb.changedIds;
    population = nb.population;
  } else {
    const staged = Number(
      ((await wh.knex('stg_contact').count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n ?? 0,
    );
    report({ phase: 'read', ended: false, done: 0, total: staged, unit: 'records' });
    const all = await readIdentityInputs(wh, (read) =>
      report({ phase: 'read', ended: false, done: read, total: Math.max(staged, read), unit: 'records' }),
    );
    inputs = allRecords(all);
    existing = new Map<number, number>();
    for (const r of (await wh
      .knex('customer_crosswalk')
      .select('source', 'source_key', 'customer_id')) as Array<Record<string, unknown>>) {
      const id = all.idOf.get(recordKey(String(r.source), String(r.source_key)));
      if (id !== undefined) existing.set(id, Number(r.customer_id));
    }
    if (incremental) {
      const from = since!.toISOString();
      changedIds = new Set(
        all.records.filter((r) => !existing.has(r.id) || all.updatedAt[r.id]! >= from).map((r) => r.id),
      );
    }
  }
  const tRead = performance.now();
  report({
    phase: 'read',
    ended: true,
    seconds: (tRead - t0) / 1000,
    done: inputs.records.length,
    total: inputs.records.length,
    unit: 'records',
  });

  const overrides = await readOverrides(wh, inputs.idOf, since);
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
    population,
    returnBlockKeys: !narrow,
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
  /** Customers a record left: emptied ones go. */
  const left = new Set<number>();
  /** Records whose link is written: every one in a full run, else the moved and the changed. */
  const toLink: number[] = [];
  for (const record of inputs.records) {
    const customerId = result.assignment.get(record.id)!;
    const before = existing.get(record.id);
    const moved = before !== customerId;
    // Both ends of a move get a new golden record: the one it joined and the one it left.
    if (moved && before !== undefined) {
      touched.add(before);
      left.add(before);
    }
    if (!incremental || moved || changedIds?.has(record.id)) {
      touched.add(customerId);
      toLink.push(record.id);
    }
  }
  // Record ids by touched customer: the members of one customer are made when its golden record
  // is, and dropped after it, so a million of them are never held at once.
  const memberIds = new Map<number, number[]>();
  for (const record of inputs.records) {
    const customerId = result.assignment.get(record.id)!;
    if (!touched.has(customerId)) continue;
    const list = memberIds.get(customerId);
    if (list) list.push(record.id);
    else memberIds.set(customerId, [record.id]);
  }
  const golden: StageRow[] = [];
  for (const [id, ids] of memberIds) {
    golden.push(goldenRecord(id, ids.map(memberOf(inputs)), options) as StageRow);
    if (golden.length % 20_000 === 0)
      report({
        phase: 'golden',
        ended: false,
        done: golden.length,
        total: memberIds.size,
        unit: 'customers',
      });
  }
  memberIds.clear();
  const tGolden = performance.now();
  report({
    phase: 'golden',
    ended: true,
    seconds: (tGolden - tResolve) / 1000,
    done: golden.length,
    total: golden.length,
    unit: 'customers',
  });
  const written = golden.length + toLink.length;
  report({ phase: 'write', ended: false, done: 0, total: written, unit: 'rows' });

  let tKeys = 0;
  await wh.knex.transaction(async (trx) => {
    await loadStaging(wh, DIM_CUSTOMER, golden, { trx });
    // Made as they are loaded: a million link rows are never held at once.
    await loadStaging(wh, CUSTOMER_CROSSWALK, linkRows(inputs, result, toLink), { trx });
    // Customers left without records (absorbed by a merge) go; their merge is logged below.
    if (narrow) {
      const gone = [...left];
      for (let i = 0; i < gone.length; i += 1000)
        await trx('dim_customer')
          .whereIn('customer_id', gone.slice(i, i + 1000))
          .whereNotIn(
            'customer_id',
            trx('customer_crosswalk')
              .whereIn('customer_id', gone.slice(i, i + 1000))
              .select('customer_id'),
          )
          .delete();
    } else {
      // NOT EXISTS, an anti-join on crosswalk's customer_id index: a NOT IN over a million ids
      // too many for PostgreSQL's work_mem to hash is planned as a scan of them per customer.
      await trx('dim_customer')
        .whereNotExists(
          trx('customer_crosswalk')
            .select(trx.raw('1'))
            .whereRaw('?? = ??', ['customer_crosswalk.customer_id', 'dim_customer.customer_id']),
        )
        .delete();
    }
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
    if (!narrow) {
      // Every record was read and prepared: store all their match and blocking keys.
      const tk = performance.now();
      const blockKeys = result.blockKeys!;
      await replaceAllKeys(wh, trx, storedRecords(inputs, result), inputs.records.length, {
        recordId: blockKeys.record, // positions are the record ids in a run over all records
        rule: blockKeys.rule,
        key: blockKeys.key,
        length: blockKeys.key.length,
      });
      tKeys = (performance.now() - tk) / 1000;
    }
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
  const customers = narrow
    ? Number(((await wh.knex('dim_customer').count({ n: '*' })) as Array<{ n: unknown }>)[0]?.n ?? 0)
    : new Set(result.assignment.values()).size;
  const summary: ResolveSummary = {
    mode: incremental ? 'incremental' : 'full',
    records: nb ? nb.total : inputs.records.length,
    readRecords: inputs.records.length,
    changedRecords: changedIds?.size ?? inputs.records.length,
    keys,
    customers,
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
      ...(nb
        ? {
            readChanges: nb.seconds.changes,
            storeKeys: nb.seconds.keys,
            lookup: nb.seconds.lookup,
            readNeighbours: nb.seconds.read,
          }
        : {}),
      ...Object.fromEntries(
        Object.entries(result.timings)
          .filter(([k]) => k !== 'total')
          .map(([k, ms]) => [k, round(ms / 1000)]),
      ),
      resolve: round((tResolve - tRead) / 1000),
      golden: round((tGolden - tResolve) / 1000),
      write: round((tWrite - tGolden) / 1000),
      ...(narrow ? {} : { writeKeys: round(tKeys) }),
      total: round((tWrite - t0) / 1000),
    },
  };
  options.logger?.info({ ...summary, blocking: undefined, guards: undefined }, 'resolve finished');
  return summary;
}

/** The records of a run, and what the golden record and the crosswalk need of each by id. */
interface RunRecords {
  records: ResolveInput[];
  idOf: Map<string, number>;
  info(id: number): {
    source: string;
    sourceKey: string;
    fields: Record<string, string | null>;
    updatedAt: string;
    firstSeen: string;
  };
  /** Whether the record is a staged contact (else a customer only orders name). */
  contact(id: number): boolean;
}

function allRecords(all: IdentityInputs): RunRecords {
  return {
    records: all.records,
    idOf: all.idOf,
    info: (id) => ({
      source: all.records[id]!.source,
      sourceKey: all.records[id]!.sourceKey,
      fields: all.fields[id]!,
      updatedAt: all.updatedAt[id]!,
      firstSeen: all.firstSeen[id]!,
    }),
    contact: (id) => id < all.contacts,
  };
}

function neighbourhoodRecords(nb: Neighbourhood): RunRecords {
  return {
    records: nb.records,
    idOf: nb.idOf,
    info: (id) => nb.stored.get(id)!,
    contact: (id) => nb.stored.get(id)!.kind === 'contact',
  };
}

/** A record as survivorship reads it. */
const memberOf =
  (inputs: RunRecords) =>
  (id: number): ClusterMember => {
    const info = inputs.info(id);
    return {
      source: info.source,
      sourceKey: info.sourceKey,
      fields: info.fields,
      updatedAt: info.updatedAt,
      firstSeen: info.firstSeen,
    };
  };

/** customer_crosswalk rows of the given records: their customer, and the rule and score that linked them. */
function* linkRows(inputs: RunRecords, result: ResolveResult, ids: readonly number[]): Generator<StageRow> {
  const now = new Date().toISOString();
  for (const id of ids) {
    const link = result.links.get(id)!;
    const own = inputs.info(id);
    const other = link.matchedWith === null ? null : inputs.info(link.matchedWith);
    const shared = link.sharedIdentifiers;
    yield {
      source: own.source,
      source_key: own.sourceKey,
      customer_id: result.assignment.get(id)!,
      match_rule: link.rule,
      match_score: Number(link.score.toFixed(6)),
      linked_at: now,
      matched_source: other?.source ?? null,
      matched_source_key: other?.sourceKey ?? null,
      match_detail: {
        weight: link.weight,
        comparisons: link.comparisons,
        // Only where there is one: a million records' details stay as small as before.
        ...(shared.length ? { shared } : {}),
        ...(link.namesOnly ? { namesOnly: true } : {}),
      } as unknown as Record<string, unknown>,
    };
  }
}

function* storedRecords(inputs: RunRecords, result: ResolveResult): Generator<StoredRecord> {
  for (const r of inputs.records) {
    const info = inputs.info(r.id);
    yield {
      recordId: r.id,
      source: r.source,
      sourceKey: r.sourceKey,
      kind: inputs.contact(r.id) ? 'contact' : 'order',
      fields: info.fields,
      birthDate: r.birth_date ?? null,
      matchKeys: result.matchKeys(r.id)!,
      updatedAt: info.updatedAt,
      firstSeen: info.firstSeen,
    };
  }
}

const round = (s: number) => Math.round(s * 100) / 100;
const resolvedFrom = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
