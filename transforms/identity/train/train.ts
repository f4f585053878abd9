import type { BlockingRule } from '../types/blocking.js';
import { collectPatterns, type PatternSet } from './em.js';
import { estimateM } from './em-sessions.js';
import { FIELDS, MISSING } from '../shared/fields.js';
import type { PairBuffer } from '../block/pair-buffer.js';
import type { Prepared } from '../types/prepared.js';
import { priorModel } from './prior-model.js';
import type { TrainedModel } from '../types/public.js';
import { estimateU } from './u-probabilities.js';

/** Candidate pairs used to estimate the prior (an even stride through them). */
const PRIOR_SAMPLE = 4_000_000;

export interface TrainingInput {
  p: Prepared;
  /** Comparison levels of the candidate pairs, pair-major. */
  levels: Uint8Array;
  pairCount: number;
  rules: readonly BlockingRule[];
  /** Per rule, a sample of the pairs in its blocks (blocking.ts). */
  sessions: readonly PairBuffer[];
}

/**
 * Learns the Fellegi–Sunter model from the data alone, no labels:
 *
 * 1. u from random record pairs (u-probabilities.ts) — what two strangers look like.
 * 2. m by EM, one session per blocking rule, u fixed (em-sessions.ts). A field no session could
 *    estimate (no data) keeps the documented prior of prior-model.ts.
 * 3. The prior, P(two random records match), as the fixed point of
 *    λ = E[matches among candidate pairs | m, u, λ] / all pairs — every match is assumed to be a
 *    candidate (blocking recall ~1), every non-candidate a non-match.
 */
export function trainModel(
  input: TrainingInput,
  options: { emIterations: number; randomPairs: number; seed: number },
): Omit<TrainedModel, 'sharedValues'> {
  const { p, levels, pairCount } = input;
  const u = estimateU(p, options.randomPairs, options.seed);
  const est = estimateM(p, input.rules, input.sessions, u, options.emIterations);
  const fallback = priorModel(p.n);
  const m = est.m.map((mf, f) => mf ?? Float64Array.from(fallback.fields[f]!.levels, (l) => l.m));

  const levelCounts = FIELDS.map((f) => f.levels.length);
  const stride = Math.max(1, Math.ceil(pairCount / PRIOR_SAMPLE));
  const patterns = collectPatterns(levels, pairCount, levelCounts, stride);
  const allPairs = (p.n * (p.n - 1)) / 2;
  const { prior, candidateMatchShare } = estimatePrior(patterns, m, u, pairCount, allPairs);

  const termFrequencies: TrainedModel['termFrequencies'] = {};
  FIELDS.forEach((spec, f) => {
    if (!spec.tf) return;
    const col = p.cols[f]!;
    const values: Array<[string, number]> = [];
    col.values.forEach((v, code) => {
      if (col.counts[code]! >= 2) values.push([v, col.counts[code]!]);
    });
    termFrequencies[spec.name] = { total: col.present, values };
  });

  return {
    version: 1,
    probabilityTwoRandomRecordsMatch: prior,
    recordCount: p.n,
    fields: FIELDS.map((spec, f) => ({
      name: spec.name,
      levels: spec.levels.map((label, l) => ({ label, m: m[f]![l]!, u: u[f]![l]! })),
    })),
    termFrequencies,
    em: { iterations: est.iterations, converged: est.converged, candidateMatchShare },
  };
}

function estimatePrior(
  patterns: PatternSet,
  m: readonly Float64Array[],
  u: readonly Float64Array[],
  candidates: number,
  allPairs: number,
): { prior: number; candidateMatchShare: number } {
  const F = patterns.fields;
  // log2 likelihood ratio of each pattern; then only λ moves.
  const llr = new Float64Array(patterns.size);
  for (let k = 0; k < patterns.size; k++) {
    let s = 0;
    for (let f = 0; f < F; f++) {
      const l = patterns.levels[k * F + f]!;
      if (l !== MISSING) s += Math.log2(m[f]![l]! / u[f]![l]!);
    }
    llr[k] = s;
  }
  const sampled = patterns.counts.reduce((a, c) => a + c, 0);
  const scale = sampled > 0 ? candidates / sampled : 0;
  let lambda = Math.min(0.5, candidates / Math.max(allPairs, 1) / 2);
  let expected = 0;
  for (let it = 0; it < 100 && allPairs > 0; it++) {
    const logOdds = Math.log2(lambda / (1 - lambda));
    expected = 0;
    for (let k = 0; k < patterns.size; k++) expected += patterns.counts[k]! / (1 + 2 ** -(logOdds + llr[k]!));
    expected *= scale;
    const next = Math.min(Math.max(expected / allPairs, 1e-12), 0.5);
    const done = Math.abs(next - lambda) <= 1e-6 * lambda;
    lambda = next;
    if (done) break;
  }
  return { prior: lambda, candidateMatchShare: candidates > 0 ? expected / candidates : 0 };
}
