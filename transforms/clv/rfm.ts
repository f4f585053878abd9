/**
 * RFM segments from quintile scores (1 = worst, 5 = best for each of recency, frequency, monetary).
 *
 * The classic 10-segment grid crosses R with a combined frequency–monetary score
 * FM = ⌊(F + M) / 2⌋ (rounded down, so a high FM needs both to be high). The grid is data, not
 * code, so the marts can emit the very same table as a SQL CASE: FM ∈ [fmMin, fmMax] is equivalent
 * to F + M ∈ [fmSumMin, fmSumMax], which needs no division (integer division differs between
 * engines: MySQL's `/` returns a decimal).
 */
import { CrmEtlError } from '../../lib/errors.js';

export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential loyalists',
  'new',
  'promising',
  'need attention',
  'about to sleep',
  'at risk',
  "can't lose",
  'hibernating',
] as const;

export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export interface RfmSegmentRule {
  readonly rMin: number;
  readonly rMax: number;
  readonly fmMin: number;
  readonly fmMax: number;
  /** The same FM bounds on F + M (2..10). */
  readonly fmSumMin: number;
  readonly fmSumMax: number;
  readonly segment: RfmSegment;
}

/** ⌊s/2⌋ ∈ [lo, hi]  ⇔  s ∈ [2·lo, 2·hi + 1], capped at the largest possible sum 10. */
function rule(rMin: number, rMax: number, fmMin: number, fmMax: number, segment: RfmSegment): RfmSegmentRule {
  return Object.freeze({
    rMin,
    rMax,
    fmMin,
    fmMax,
    fmSumMin: 2 * fmMin,
    fmSumMax: Math.min(2 * fmMax + 1, 10),
    segment,
  });
}

/**
 * The grid (rows R, columns FM); each cell belongs to exactly one rule (tested over all 125 R/F/M):
 *
 *        FM=1            2                     3                     4          5
 *   R=5  new             potential loyalists   potential loyalists   champions  champions
 *   R=4  promising       potential loyalists   potential loyalists   loyal      loyal
 *   R=3  about to sleep  about to sleep        need attention        loyal      loyal
 *   R=2  hibernating     hibernating           at risk               at risk    can't lose
 *   R=1  hibernating     hibernating           at risk               at risk    can't lose
 */
export const RFM_SEGMENT_TABLE: readonly RfmSegmentRule[] = Object.freeze([
  rule(5, 5, 4, 5, 'champions'),
  rule(3, 4, 4, 5, 'loyal'),
  rule(4, 5, 2, 3, 'potential loyalists'),
  rule(5, 5, 1, 1, 'new'),
  rule(4, 4, 1, 1, 'promising'),
  rule(3, 3, 3, 3, 'need attention'),
  rule(3, 3, 1, 2, 'about to sleep'),
  rule(1, 2, 3, 4, 'at risk'),
  rule(1, 2, 5, 5, "can't lose"),
  rule(1, 2, 1, 2, 'hibernating'),
]);

function assertScore(name: string, score: number): void {
  if (!Number.isInteger(score) || score < 1 || score > 5) {
    throw new CrmEtlError(`RFM ${name} score must be an integer 1–5, got ${score}`);
  }
}

/** Combined frequency–monetary score, ⌊(F + M) / 2⌋ ∈ 1..5. */
export function fmScore(f: number, m: number): number {
  assertScore('F', f);
  assertScore('M', m);
  return Math.floor((f + m) / 2);
}

/** The segment of a customer with recency, frequency and monetary quintile scores r, f, m. */
export function rfmSegment(r: number, f: number, m: number): RfmSegment {
  assertScore('R', r);
  const fm = fmScore(f, m);
  const hit = RFM_SEGMENT_TABLE.find((s) => r >= s.rMin && r <= s.rMax && fm >= s.fmMin && fm <= s.fmMax);
  if (!hit) throw new CrmEtlError(`No RFM segment for R=${r}, F=${f}, M=${m}`); // unreachable: grid is total
  return hit.segment;
}
