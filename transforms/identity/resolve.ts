import { BLOCKING_RULES } from './block/blocking-rules.js';
import { generateCandidates } from './block/blocking.js';
import { runClustering } from './cluster/clustering-run.js';
import { compareInto } from './compare/compare.js';
import {
  computeGuards,
  DETERMINISTIC_FIELDS,
  SHARED_REASONS,
  sharedValueHashes,
} from './block/deterministic.js';
import { combineHash, finishHash } from './shared/hash.js';
import type { Guards } from './types/blocking.js';
import type { Prepared } from './types/prepared.js';
import { selectEdges } from './cluster/edges.js';
import { namePartCounts } from './cluster/name-frequency.js';
import { explainRecords } from './golden/explain-records.js';
import { FIELDS } from './shared/fields.js';
import { LinkTable } from './golden/link-table.js';
import { matchKeysAt } from './prepare/match-keys.js';
import { prepare } from './prepare/prepare.js';
import { priorModel } from './train/prior-model.js';
import { RecordIndex } from './prepare/record-index.js';
import { PairScorer } from './train/scorer.js';
import { assignCustomerIds } from './golden/stable-ids.js';
import { trainModel } from './train/train.js';
import type {
  Population,
  ResolveConfig,
  ResolveInput,
  ResolveOptions,
  ResolveResult,
  SharedIdentifier,
  TrainedModel,
} from './types/public.js';

const MIN_EM_PAIRS = 200;
/** Pairs per blocking rule sampled for its EM session (train.ts). */
const SESSION_PAIRS = 50_000;

export const DEFAULT_CONFIG: Readonly<ResolveConfig> = Object.freeze({
  maxBlockSize: 100,
  maxNameBlockSize: 30,
  maxNamesPerSharedValue: 3,
  matchProbability: 0.5,
  nameOnlyMatchProbability: 0.85,
  vetoWeight: -10,
  emIterations: 200,
  randomPairs: 100_000,
  seed: 20240601,
});

/**
 * Identity resolution of contact records into customers:
 * prepare (match keys) → guards → blocking (candidate pairs) → comparison levels → model (EM, or
 * the one passed in) → weights → edges (deterministic rules, FS threshold) → constrained
 * clustering → stable customer ids → per-record explanations.
 */
export function resolve(records: readonly ResolveInput[], options: ResolveOptions = {}): ResolveResult {
  const cfg: ResolveConfig = { ...DEFAULT_CONFIG, ...options.config };
  const timings: Record<string, number> = {};
  const started = performance.now();
  let t = started;
  const lap = (name: string, count: number): void => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
    options.onProgress?.({ phase: name, ended: true, ms: timings[name], done: count, total: count });
  };

  const p = prepare(records, options.defaultRegion);
  const index = new RecordIndex(p.ids);
  const changed = changedMask(p.ids, index, options);
  lap('prepare', p.n);

  const guards = computeGuards(
    p,
    cfg.maxNamesPerSharedValue,
    cfg.maxBlockSize,
    withPopulationShared(p, options.model?.sharedValues ?? null, options.population, cfg.maxBlockSize),
    options.model?.termFrequencies ?? null,
  );
  const training = !options.model;
  const candidates = generateCandidates(p, guards, BLOCKING_RULES, cfg, changed, {
    collectKeys: options.returnBlockKeys,
    sessionPairs: training ? SESSION_PAIRS : 0,
    seed: cfg.seed,
    globalSize: options.population && ((rule, key) => options.population!.blockSize(rule, key)),
  });
  const { pairs } = candidates;
  lap('blocking', pairs.length);

  const F = FIELDS.length;
  const P = pairs.length;
  const levels = new Uint8Array(P * F);
  const tick = options.onProgress;
  for (let k = 0; k < P; k++) {
    compareInto(p, pairs.left[k]!, pairs.right[k]!, levels, k * F);
    if (tick && (k & 0x3ffff) === 0x3ffff) tick({ phase: 'compare', ended: false, done: k + 1, total: P });
  }
  lap('compare', P);

  // EM needs enough pairs to identify ~60 parameters; below that the documented prior model.
  const base =
    options.model ??
    (P >= MIN_EM_PAIRS
      ? trainModel({ p, levels, pairCount: P, rules: BLOCKING_RULES, sessions: candidates.sessions }, cfg)
      : priorModel(p.n));
  const model: TrainedModel = {
    ...base,
    sharedValues: mergeShared(options.model?.sharedValues, sharedValueHashes(p, guards)),
    // Counted where the model is trained, over every record, and kept by the runs that reuse it.
    ...(options.model ? {} : { nameParts: namePartCounts(p) }),
  };
  lap('train', P);

  const scorer = new PairScorer(p, model);
  const evidence = new Float64Array(P);
  const thresholdWeight = Math.log2(cfg.matchProbability / (1 - cfg.matchProbability));
  const minEvidence = thresholdWeight - scorer.priorLogOdds;
  const { edges, counts } = selectEdges(
    p,
    pairs,
    levels,
    evidence,
    scorer,
    guards,
    minEvidence,
    cfg.vetoWeight,
  );
  guards.stats.forEach((s, r) => {
    s.links = counts.deterministic[r]!;
    s.vetoed = counts.vetoed[r]!;
  });
  lap('score', edges.count);

  const nameOnly = Math.max(cfg.nameOnlyMatchProbability, cfg.matchProbability);
  const policy = {
    priorLogOdds: scorer.priorLogOdds,
    thresholdWeight,
    nameOnlyThresholdWeight: Math.log2(nameOnly / (1 - nameOnly)),
    vetoWeight: cfg.vetoWeight,
    maxLinkagePairs: 2500,
    maxNameBlockSize: Math.min(cfg.maxNameBlockSize, cfg.maxBlockSize),
  };
  const clustering = runClustering(p, index, scorer, policy, pairs, edges, options, changed);
  model.namesOnlyCorrection = clustering.namesOnly.shift;
  model.namesOnlyCeiling = clustering.namesOnly.ceiling;
  const csr = clustering.sets.toCsr();
  lap('cluster', csr.start.length - 1);

  const existingOf = new Float64Array(p.n).fill(NaN);
  if (options.existing) {
    for (let i = 0; i < p.n; i++) existingOf[i] = options.existing.get(p.ids[i]!) ?? NaN;
  }
  const ids = assignCustomerIds(csr.start, csr.order, existingOf, options.nextCustomerId);
  const linkCols = explainRecords(scorer, clustering, pairs, edges, evidence, csr, ids.customerOf);
  const assignment = new Map<number, number>();
  for (let i = 0; i < p.n; i++) assignment.set(p.ids[i]!, linkCols.customer[i]!);
  lap('ids', p.n);
  timings.total = Math.round(performance.now() - started);

  return {
    assignment,
    links: new LinkTable(p.ids, index, linkCols, scorer, (pos) => sharedIdentifiersAt(p, guards, pos)),
    merges: ids.merges,
    splits: ids.splits,
    newCustomerIds: ids.newCustomerIds,
    nextCustomerId: ids.nextCustomerId,
    blockingStats: candidates.stats,
    guardStats: guards.stats,
    overrideConflicts: clustering.conflicts,
    model,
    blockKeys: candidates.keys,
    matchKeys: (id: number) => {
      const pos = index.get(id);
      return pos === undefined ? undefined : matchKeysAt(p, pos);
    },
    stats: {
      records: p.n,
      candidatePairs: P,
      uncoveredRecords: candidates.uncovered,
      linkedPairs: edges.count,
      customers: csr.start.length - 1,
    },
    timings,
  };
}

/**
 * Incremental mode: the changed records, records the previous run never saw, and every record
 * named in an override (a cannot-link inside an existing customer must be able to split it).
 * Null in a full run.
 */
function changedMask(ids: Float64Array, index: RecordIndex, options: ResolveOptions): Uint8Array | null {
  if (!options.changedIds) return null;
  const mask = new Uint8Array(ids.length);
  const mark = (id: number): void => {
    const pos = index.get(id);
    if (pos !== undefined) mask[pos] = 1;
  };
  for (const id of options.changedIds) mark(id);
  for (const [a, b] of [...(options.overrides?.mustLink ?? []), ...(options.overrides?.cannotLink ?? [])]) {
    mark(a);
    mark(b);
  }
  const existing = options.existing;
  if (existing) for (let i = 0; i < ids.length; i++) if (!existing.has(ids[i]!)) mask[i] = 1;
  return mask;
}

/**
 * Identifier values more than `maxRecords` records of the whole population hold (its block on
 * the identifier's own rule is over the cap), added to the known shared values: a run on a
 * neighbourhood sees only a few of a switchboard phone's holders.
 */
function withPopulationShared(
  p: Prepared,
  known: TrainedModel['sharedValues'] | null,
  population: Population | undefined,
  maxRecords: number,
): TrainedModel['sharedValues'] | null {
  if (!population) return known;
  const out = {
    email: [...(known?.email ?? [])],
    phone: [...(known?.phone ?? [])],
    tax_id: [...(known?.tax_id ?? [])],
  };
  for (const { rule, field } of DETERMINISTIC_FIELDS) {
    const r = BLOCKING_RULES.findIndex((x) => x.name === rule);
    if (r < 0) continue;
    const col = p.cols[field]!;
    for (let c = 0; c < col.values.length; c++) {
      const key = finishHash(combineHash(0, col.valueHash[c]!));
      if ((population.blockSize(r, key) ?? 0) > maxRecords) out[rule].push(col.valueHash[c]!);
    }
  }
  return out;
}

/** The identifiers of record position `pos` that the guards refused, and why. */
function sharedIdentifiersAt(p: Prepared, guards: Guards, pos: number): SharedIdentifier[] {
  const out: SharedIdentifier[] = [];
  DETERMINISTIC_FIELDS.forEach(({ rule, field }, r) => {
    const col = p.cols[field]!;
    const c = col.codes[pos]!;
    if (c < 0 || guards.usable[r]![c] === 1) return;
    out.push({ field: rule, holders: col.counts[c]!, reason: SHARED_REASONS[guards.reason[r]![c]!]! });
  });
  return out;
}

function mergeShared(
  a: TrainedModel['sharedValues'] | undefined,
  b: TrainedModel['sharedValues'],
): TrainedModel['sharedValues'] {
  if (!a) return b;
  const union = (x: number[], y: number[]): number[] => [...new Set([...x, ...y])];
  return {
    email: union(a.email, b.email),
    phone: union(a.phone, b.phone),
    tax_id: union(a.tax_id, b.tax_id),
  };
}
