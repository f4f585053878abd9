import { ConstrainedClustering, type LinkagePolicy } from './cluster.js';
import type { DisjointSets } from './disjoint-sets.js';
import { FS_RULE, type Edges } from './edges.js';
import { NameFrequency } from './name-frequency.js';
import { weakLinkCorrection, type WeakCalibration } from './weak-calibration.js';
import type { PairBuffer } from '../block/pair-buffer.js';
import type { Prepared } from '../types/prepared.js';
import { F_EMAIL, F_PHONE } from '../shared/fields.js';
import type { RecordIndex } from '../prepare/record-index.js';
import type { PairScorer } from '../train/scorer.js';
import type { ResolveOptions } from '../types/public.js';

export interface ClusteringOutcome {
  sets: DisjointSets;
  /** Must-link pairs applied, as positions (they explain records first). */
  mustLinks: Array<[number, number]>;
  /** Must-link pairs (record ids) refused because of a cannot-link. */
  conflicts: Array<readonly [number, number]>;
  /** The names-only calibration used (the model's, or learned in this run). */
  namesOnly: WeakCalibration;
  /**
   * Names-only links made, by candidate pair: the log2 odds (with prior) to show for them — the
   * whole-name evidence, shifted and capped by the ceiling, not the scorer's per-part evidence,
   * which counts a name twice and knows no namesakes.
   */
  weakWeights: Map<number, number>;
}

/**
 * Applies, in order: cannot-links (as constraints), in incremental mode the unchanged records'
 * existing customers (trusted as they are), must-links, deterministic edges, then FS edges.
 * The order is the priority: manual decisions, then the previous run, then rules, then scores.
 */
export function runClustering(
  p: Prepared,
  posOf: RecordIndex,
  scorer: PairScorer,
  policy: LinkagePolicy,
  pairs: PairBuffer,
  edges: Edges,
  options: ResolveOptions,
  changed: Uint8Array | null,
): ClusteringOutcome {
  const cc = new ConstrainedClustering(p.n, scorer, policy);
  const overrides = options.overrides ?? {};
  for (const [a, b] of overrides.cannotLink ?? []) {
    const pa = posOf.get(a);
    const pb = posOf.get(b);
    if (pa !== undefined && pb !== undefined) cc.addCannotLink(pa, pb);
  }

  if (changed !== null && options.existing) {
    const anchor = new Map<number, number>();
    for (let i = 0; i < p.n; i++) {
      if (changed[i]) continue;
      const customer = options.existing.get(p.ids[i]!);
      if (customer === undefined) continue;
      const first = anchor.get(customer);
      if (first === undefined) anchor.set(customer, i);
      else cc.joinTrusted(first, i);
    }
  }

  const mustLinks: Array<[number, number]> = [];
  const conflicts: Array<readonly [number, number]> = [];
  for (const pair of overrides.mustLink ?? []) {
    const pa = posOf.get(pair[0]);
    const pb = posOf.get(pair[1]);
    if (pa === undefined || pb === undefined) continue;
    if (cc.mustLink(pa, pb)) mustLinks.push([pa, pb]);
    else conflicts.push(pair);
  }

  let firstWeak = edges.count;
  for (let e = 0; e < edges.count; e++) {
    if (edges.weak[e]) {
      firstWeak = e;
      break;
    }
    const k = edges.pair[e]!;
    cc.tryLink(pairs.left[k]!, pairs.right[k]!, edges.rule[e] === FS_RULE);
  }
  const weakWeights = new Map<number, number>();
  const namesOnly = applyWeakEdges(p, cc, scorer, policy, pairs, edges, firstWeak, options, weakWeights);
  return { sets: cc.sets, mustLinks, conflicts, namesOnly, weakWeights };
}

/**
 * Weak edges (names and place only, see edges.ts) come last, strongest first, and link only
 * unambiguous records: a record whose weak partners lie in two different *anchored* customers
 * (each holding an e-mail or a phone) is a name two people share — it joins neither. Without
 * this, "Иван Петров, Москва" with no other data joins whichever Ivan Petrov came first, and a
 * second weak edge then chains both Ivan Petrovs into one customer.
 *
 * And each weak edge is rescored with the whole name as one term-frequency-weighted value
 * (name-frequency.ts): it must still reach the link threshold, so a name common in this data set
 * links nothing without a corroborating identifier, however well its parts agree. That evidence
 * is shifted by the model's names-only correction (weak-calibration.ts), learned from the records
 * whose e-mails and phones show how often one name is two people.
 */
function applyWeakEdges(
  p: Prepared,
  cc: ConstrainedClustering,
  scorer: PairScorer,
  policy: LinkagePolicy,
  pairs: PairBuffer,
  edges: Edges,
  from: number,
  options: ResolveOptions,
  /** Out: the log2 odds shown for each names-only link made, by pair. */
  shown: Map<number, number>,
): WeakCalibration {
  const model = options.model;
  const known: WeakCalibration | null =
    model?.namesOnlyCorrection === undefined
      ? null
      : { shift: model.namesOnlyCorrection, ceiling: model.namesOnlyCeiling ?? 1 };
  if (from >= edges.count) return known ?? { shift: 0, ceiling: 1 };
  const sets = cc.sets;
  const names = new NameFrequency(p, scorer, options.population);
  // Other anchored customers holding a name, besides those of the pair being joined.
  let ra0 = -1;
  let rb0 = -1;
  const seenRoots = new Set<number>();
  const holders = (key: number): number => {
    seenRoots.clear();
    for (const i of names.holdersOf(key)) {
      const r = sets.find(i);
      if (r !== ra0 && r !== rb0 && anchored[r] === 1) seenRoots.add(r);
    }
    return seenRoots.size;
  };
  const email = p.cols[F_EMAIL]!.codes;
  const phone = p.cols[F_PHONE]!.codes;
  const anchored = new Uint8Array(p.n);
  for (let i = 0; i < p.n; i++) if (email[i]! >= 0 || phone[i]! >= 0) anchored[sets.find(i)] = 1;
  const holdersFor = (a: number, b: number): ((key: number) => number) => {
    ra0 = sets.find(a);
    rb0 = sets.find(b);
    return holders;
  };
  // Learned once, in a run over every record, and kept in the model: a neighbourhood run must
  // decide as a run over everything would.
  const calibration =
    known ??
    weakLinkCorrection(
      p,
      pairs,
      names,
      scorer,
      policy.priorLogOdds,
      holdersFor,
      policy.maxNameBlockSize,
      policy.nameOnlyThresholdWeight,
    );
  // The shifted log odds of a weak pair, or -Infinity. The ceiling does not take part in the
  // decision: it is the same for every names-only pair, so it would only move the threshold,
  // which is the user's (nameOnlyMatchProbability); it makes the score shown honest.
  const weight = (a: number, b: number): number => {
    const ev = names.weakEvidence(a, b, holdersFor(a, b));
    return ev === null ? -Infinity : policy.priorLogOdds + ev + calibration.shift;
  };
  const shownWeight = (w: number): number => {
    const q = calibration.ceiling / (1 + 2 ** -w);
    return Math.log2(q / (1 - q));
  };
  // Weak partners of every record (CSR over record positions).
  const degree = new Int32Array(p.n + 1);
  for (let e = from; e < edges.count; e++) {
    const k = edges.pair[e]!;
    degree[pairs.left[k]! + 1]!++;
    degree[pairs.right[k]! + 1]!++;
  }
  for (let i = 0; i < p.n; i++) degree[i + 1]! += degree[i]!;
  const fill = degree.slice(0, p.n);
  const partners = new Int32Array(degree[p.n]!);
  for (let e = from; e < edges.count; e++) {
    const k = edges.pair[e]!;
    const a = pairs.left[k]!;
    const b = pairs.right[k]!;
    partners[fill[a]!++] = b;
    partners[fill[b]!++] = a;
  }
  const ambiguous = (a: number): boolean => {
    const own = sets.find(a);
    let seen = -1;
    for (let x = degree[a]!; x < degree[a + 1]!; x++) {
      const r = sets.find(partners[x]!);
      if (r === own || anchored[r] === 0) continue;
      if (seen < 0) seen = r;
      else if (r !== seen) return true;
    }
    return false;
  };
  for (let e = from; e < edges.count; e++) {
    const k = edges.pair[e]!;
    const a = pairs.left[k]!;
    const b = pairs.right[k]!;
    if (sets.find(a) === sets.find(b)) continue;
    const w = weight(a, b);
    if (w < policy.nameOnlyThresholdWeight || ambiguous(a) || ambiguous(b)) continue;
    const anchor = anchored[sets.find(a)]! | anchored[sets.find(b)]!;
    if (cc.tryLink(a, b, true, true)) {
      anchored[sets.find(a)] = anchor;
      shown.set(k, shownWeight(w));
    }
  }
  return calibration;
}
