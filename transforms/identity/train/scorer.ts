import { compareInto } from '../compare/compare.js';
import { CONFLICT } from '../cluster/cluster.js';
import {
  F_CITY,
  F_DOB,
  F_EMAIL,
  F_MIDDLE,
  F_PHONE,
  F_PID,
  F_TAX,
  FIELDS,
  MISSING,
  ROW,
} from '../shared/fields.js';
import type { Prepared } from '../types/prepared.js';
import type { ComparisonWeight, TrainedModel } from '../types/public.js';

/**
 * Turns comparison levels into Fellegi–Sunter weights: log2(m/u) per field and level, 0 for a
 * missing value (absent data is neutral), and for term-frequency fields the exact level weighs
 * log2(m / frequency of the agreed value) — rarer value, stronger evidence.
 *
 * `evidence` is the sum of field weights; adding `priorLogOdds` gives the match weight, whose
 * logistic (base 2) is the match probability.
 */
export class PairScorer {
  readonly weights: Float64Array[];
  /** Per field: exact-level weight per value code of that column, or null (no TF). */
  readonly tf: Array<Float64Array | null>;
  readonly priorLogOdds: number;
  private readonly scratch = new Uint8Array(FIELDS.length);

  constructor(
    private readonly p: Prepared,
    readonly model: TrainedModel,
  ) {
    // Any agreement level weighs at least what total disagreement ("else", the last level) does:
    // a level EM never saw among matches must not count as stronger evidence *against* a match
    // than the names being entirely different.
    this.weights = model.fields.map((f) => {
      const w = Float64Array.from(f.levels, (l) => Math.log2(l.m / l.u));
      const floor = w[w.length - 1]!;
      for (let l = 0; l < w.length - 1; l++) w[l] = Math.max(w[l]!, floor);
      return w;
    });
    const prior = model.probabilityTwoRandomRecordsMatch;
    this.priorLogOdds = Math.log2(prior / (1 - prior));
    this.tf = FIELDS.map((spec, f) => (spec.tf ? this.tfWeights(f) : null));
  }

  private tfWeights(f: number): Float64Array | null {
    const table = this.model.termFrequencies[FIELDS[f]!.name];
    if (!table || table.total === 0) return null;
    const known = new Map(table.values);
    const col = this.p.cols[f]!;
    const mExact = this.model.fields[f]!.levels[0]!.m;
    // An exact match never weighs less than the best fuzzy level: "Smith = Smith" is at
    // least as good as "Smith ~ Smyth", however common Smith is.
    const floor = this.weights[f]![1]!;
    return Float64Array.from(col.values, (v, code) => {
      const count = Math.max(known.get(v) ?? 1, col.counts[code]!);
      return Math.max(Math.log2(mExact / (count / table.total)), floor);
    });
  }

  /**
   * Of the last pair scored, over the fields not in `skip` (bit f set = skip field f): the sum of
   * the negative weights (contradictions; a missing value is none) and the sum of all weights.
   */
  lastContradiction = 0;
  lastKept = 0;

  /** Sum of field weights for a level row (F entries at `off`) of the pair (i, ·). */
  evidenceOfLevels(levels: Uint8Array, off: number, i: number, skip = 0): number {
    let sum = 0;
    let kept = 0;
    let against = 0;
    for (let f = 0; f < this.weights.length; f++) {
      const l = levels[off + f]!;
      if (l === MISSING) continue;
      const w = this.weightAt(f, l, i);
      sum += w;
      if ((skip & (1 << f)) !== 0) continue;
      kept += w;
      if (w < 0) against += w;
    }
    this.lastContradiction = against;
    this.lastKept = kept;
    return sum;
  }

  /** Weight of field f at level l; the TF lookup uses record i's own value (equal on both sides). */
  weightAt(f: number, l: number, i: number): number {
    const tf = this.tf[f];
    if (l === 0 && tf !== null && tf !== undefined) {
      const code = this.p.rows[i * ROW + f]!;
      if (code >= 0) return tf[code]!;
    }
    return this.weights[f]![l]!;
  }

  /**
   * Evidence of any two record positions, compared on demand (clustering checks). Pairs are
   * always scored from the smaller position, as candidate pairs are: with swapped first/last
   * names the term frequencies depend on which record's columns are read.
   */
  evidence(a: number, b: number): number {
    if (a > b) [a, b] = [b, a];
    this.lastA = a;
    this.lastB = b;
    compareInto(this.p, a, b, this.scratch, 0);
    return this.evidenceOfLevels(this.scratch, 0, a);
  }

  /**
   * Per-field explanation of a pair, in FIELDS order. An identifier both hold that was refused
   * as shared reads `shared` rather than `missing`: the pair agrees on it, and it did not count.
   */
  explain(a: number, b: number): ComparisonWeight[] {
    if (a > b) [a, b] = [b, a];
    compareInto(this.p, a, b, this.scratch, 0);
    return FIELDS.map((spec, f) => {
      const l = this.scratch[f]!;
      if (l === MISSING)
        return { field: spec.name, level: this.bothShared(f, a, b) ? 'shared' : 'missing', weight: 0 };
      return { field: spec.name, level: spec.levels[l]!, weight: this.weightAt(f, l, a) };
    });
  }

  /**
   * Whether the last pair scored is clearly two different people: strong contradictions
   * (at or below `vetoWeight`) that its agreements do not outweigh.
   */
  lastVetoed(vetoWeight: number): boolean {
    return this.lastContradiction <= vetoWeight && this.lastKept <= 0;
  }

  private lastA = 0;
  private lastB = 0;

  /**
   * See PairEvidence.lastConflicts (cluster.ts): of the pair last scored by `evidence`. A value
   * the guard refused (a switchboard, info@) is no identifier: a colleague's phone differing
   * from it says nothing.
   */
  lastConflicts(): number {
    const l = this.scratch;
    const dobElse = FIELDS[F_DOB]!.levels.length - 1;
    const emailElse = FIELDS[F_EMAIL]!.levels.length - 1;
    const phoneElse = FIELDS[F_PHONE]!.levels.length - 1;
    let bits = l[F_DOB] === dobElse ? CONFLICT.dob : 0;
    const e = l[F_EMAIL]!;
    if (e !== MISSING) {
      if (e !== emailElse) bits |= CONFLICT.emailAgree;
      else if (this.ownValues(F_EMAIL)) bits |= CONFLICT.emailDiffer;
    }
    const ph = l[F_PHONE]!;
    if (ph !== MISSING) {
      if (ph !== phoneElse) bits |= CONFLICT.phoneAgree;
      else if (this.ownValues(F_PHONE)) bits |= CONFLICT.phoneDiffer;
    }
    if (l[F_PID] === 0 || l[F_PID] === 1 || l[F_TAX] === 0) bits |= CONFLICT.idAgree;
    if (l[F_MIDDLE] === FIELDS[F_MIDDLE]!.levels.length - 1) bits |= CONFLICT.middleDiffer;
    if (l[F_CITY] === FIELDS[F_CITY]!.levels.length - 1) bits |= CONFLICT.cityDiffer;
    return bits;
  }

  private bothShared(f: number, a: number, b: number): boolean {
    const shared = this.p.sharedValues[f];
    const code = this.p.rows[a * ROW + f]!;
    return shared !== undefined && code >= 0 && code === this.p.rows[b * ROW + f]! && shared[code] === 1;
  }

  /** Whether both records of the last pair hold a value of field f that is nobody else's. */
  private ownValues(f: number): boolean {
    const shared = this.p.sharedValues[f];
    if (shared === undefined) return true;
    const a = this.p.rows[this.lastA * ROW + f]!;
    const b = this.p.rows[this.lastB * ROW + f]!;
    return shared[a] !== 1 && shared[b] !== 1;
  }

  probability(evidence: number): number {
    return 1 / (1 + 2 ** -(this.priorLogOdds + evidence));
  }
}
