/**
 * Expectation–maximisation for the Fellegi–Sunter mixture, without labels.
 *
 * Candidate pairs are a mixture of matches and non-matches; under conditional independence each
 * class has a probability per comparison level of every field (m for matches, u for
 * non-matches). EM alternates between each pair's posterior of being a match and re-estimating
 * λ, m (and u, unless fixed) from those posteriors.
 *
 * Pairs are first collapsed into distinct comparison patterns with a count, so an iteration costs
 * O(patterns × fields) — a few thousand patterns even for tens of millions of pairs.
 */
import { MISSING } from '../shared/fields.js';

/** Distinct comparison vectors: `levels` is pattern-major (P × F), MISSING where absent. */
export interface PatternSet {
  fields: number;
  size: number;
  levels: Uint8Array;
  counts: Float64Array;
}

export interface EmParams {
  lambda: number;
  m: Float64Array[];
  u: Float64Array[];
}

export interface EmResult extends EmParams {
  iterations: number;
  converged: boolean;
}

/**
 * Collapses pair-major level rows (F per pair) of every `stride`-th pair into patterns.
 * `levelCounts[f]` is the number of levels of field f; the row is read as a mixed-radix number
 * (missing = one more digit value), which stays exact below 2^53 for any realistic field set.
 */
export function collectPatterns(
  levels: Uint8Array,
  pairs: number,
  levelCounts: readonly number[],
  stride = 1,
): PatternSet {
  const fields = levelCounts.length;
  const index = new Map<number, number>();
  const rows: number[] = [];
  const counts: number[] = [];
  for (let p = 0; p < pairs; p += stride) {
    const off = p * fields;
    let key = 0;
    for (let f = 0; f < fields; f++) {
      const l = levels[off + f]!;
      key = key * (levelCounts[f]! + 1) + (l === MISSING ? levelCounts[f]! : l);
    }
    const k = index.get(key);
    if (k !== undefined) {
      counts[k]!++;
      continue;
    }
    index.set(key, counts.length);
    counts.push(1);
    for (let f = 0; f < fields; f++) rows.push(levels[off + f]!);
  }
  return { fields, size: counts.length, levels: Uint8Array.from(rows), counts: Float64Array.from(counts) };
}

/**
 * Runs EM from `init` until the largest parameter change is below `tolerance`.
 * A pseudo-count keeps every probability positive: a level never seen among matches must weigh
 * strongly against, not infinitely.
 */
export function runEm(
  patterns: PatternSet,
  init: EmParams,
  maxIterations: number,
  options: { fixU?: boolean; tolerance?: number } = {},
): EmResult {
  const tolerance = options.tolerance ?? 1e-5;
  const F = patterns.fields;
  let { lambda } = init;
  const m = init.m.map((a) => Float64Array.from(a));
  const u = init.u.map((a) => Float64Array.from(a));
  const mAcc = m.map((a) => new Float64Array(a.length));
  const uAcc = u.map((a) => new Float64Array(a.length));
  const total = patterns.counts.reduce((s, c) => s + c, 0);
  const pseudo = 1e-3;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    for (let f = 0; f < F; f++) {
      mAcc[f]!.fill(pseudo);
      uAcc[f]!.fill(pseudo);
    }
    let matchMass = 0;
    for (let p = 0; p < patterns.size; p++) {
      const off = p * F;
      // Work in the log domain: products of 15 small probabilities underflow less this way.
      let logM = Math.log(lambda);
      let logU = Math.log(1 - lambda);
      for (let f = 0; f < F; f++) {
        const l = patterns.levels[off + f]!;
        if (l === MISSING) continue;
        logM += Math.log(m[f]![l]!);
        logU += Math.log(u[f]![l]!);
      }
      const post = 1 / (1 + Math.exp(logU - logM));
      const c = patterns.counts[p]!;
      const cm = c * post;
      const cu = c - cm;
      matchMass += cm;
      for (let f = 0; f < F; f++) {
        const l = patterns.levels[off + f]!;
        if (l === MISSING) continue;
        mAcc[f]![l]! += cm;
        uAcc[f]![l]! += cu;
      }
    }
    let delta = Math.abs(matchMass / total - lambda);
    lambda = Math.min(Math.max(matchMass / total, 1e-9), 1 - 1e-9);
    for (let f = 0; f < F; f++) {
      delta = Math.max(delta, normalizeInto(mAcc[f]!, m[f]!));
      if (!options.fixU) delta = Math.max(delta, normalizeInto(uAcc[f]!, u[f]!));
    }
    if (delta < tolerance) {
      converged = true;
      break;
    }
  }
  return { lambda, m, u, iterations, converged };
}

/** Writes acc / sum(acc) into target; returns the largest absolute change. */
function normalizeInto(acc: Float64Array, target: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < acc.length; i++) sum += acc[i]!;
  let delta = 0;
  for (let i = 0; i < acc.length; i++) {
    const v = acc[i]! / sum;
    delta = Math.max(delta, Math.abs(v - target[i]!));
    target[i] = v;
  }
  return delta;
}
