import { compareInto } from '../compare/compare.js';
import { F_DOB, FIELDS, MISSING } from '../shared/fields.js';
import type { Prepared } from '../types/prepared.js';
import { mulberry32 } from '../shared/random.js';

/**
 * u probabilities: how often two *random* records (almost all non-matches) land on each level.
 *
 * Fuzzy levels are counted on a seeded sample of random pairs. The exact level is computed from
 * the value frequencies instead — Σ c(c−1) / (N(N−1)) over values — because for identifiers it is
 * around 1e-6 and a sample of a million pairs would see it zero or one time.
 */
export function estimateU(p: Prepared, samples: number, seed: number): Float64Array[] {
  const F = FIELDS.length;
  const counts = FIELDS.map((f) => new Float64Array(f.levels.length));
  const scratch = new Uint8Array(F);
  const rand = mulberry32(seed);
  const n = p.n;
  const draws = n < 2 ? 0 : Math.min(samples, (n * (n - 1)) / 2);
  for (let s = 0; s < draws; s++) {
    const a = Math.floor(rand() * n);
    let b = Math.floor(rand() * (n - 1));
    if (b >= a) b++;
    compareInto(p, a, b, scratch, 0);
    for (let f = 0; f < F; f++) {
      const l = scratch[f]!;
      if (l !== MISSING) counts[f]![l]!++;
    }
  }
  return counts.map((c, f) => finishField(c, exactShare(p, f)));
}

/** Level shares with the exact level replaced by its exact value; unseen levels get a floor. */
function finishField(counts: Float64Array, exact: number): Float64Array {
  const L = counts.length;
  let rest = 0;
  for (let l = 1; l < L; l++) rest += counts[l]!;
  const u = new Float64Array(L);
  u[0] = exact;
  // Floor of half an observation in a sample of this size: rare, never impossible.
  const floor = 0.5 / Math.max(rest, 1);
  let sum = 0;
  for (let l = 1; l < L; l++) sum += u[l] = Math.max(counts[l]! / Math.max(rest, 1), floor);
  for (let l = 1; l < L; l++) u[l] = (u[l]! / sum) * (1 - exact);
  return u;
}

/** P(two random records with the field present agree exactly). */
function exactShare(p: Prepared, f: number): number {
  let pairs = 0;
  let present = 0;
  if (f === F_DOB) {
    const freq = new Map<number, number>();
    for (let i = 0; i < p.n; i++) {
      const d = p.dob[i]!;
      if (d !== 0) freq.set(d, (freq.get(d) ?? 0) + 1);
    }
    for (const c of freq.values()) {
      pairs += c * (c - 1);
      present += c;
    }
  } else {
    const col = p.cols[f]!;
    for (const c of col.counts) pairs += c * (c - 1);
    present = col.present;
  }
  if (present < 2) return 0.5;
  // Never exactly zero: a value shared by nobody yet can still be shared by chance.
  return Math.min(Math.max(pairs / (present * (present - 1)), 1 / (present * present)), 0.99);
}
