import { describe, expect, it } from 'vitest';
import { RFM_SEGMENTS, RFM_SEGMENT_TABLE, fmScore, rfmSegment, type RfmSegment } from './rfm.js';

const scores = [1, 2, 3, 4, 5];

describe('rfmSegment', () => {
  it('maps every one of the 125 (R, F, M) combinations to exactly one rule', () => {
    const reached = new Set<RfmSegment>();
    for (const r of scores) {
      for (const f of scores) {
        for (const m of scores) {
          const fm = fmScore(f, m);
          const byScore = RFM_SEGMENT_TABLE.filter(
            (s) => r >= s.rMin && r <= s.rMax && fm >= s.fmMin && fm <= s.fmMax,
          );
          // The SQL form of the same rule: bounds on F + M instead of ⌊(F + M)/2⌋.
          const bySum = RFM_SEGMENT_TABLE.filter(
            (s) => r >= s.rMin && r <= s.rMax && f + m >= s.fmSumMin && f + m <= s.fmSumMax,
          );
          expect(byScore, `R=${r} F=${f} M=${m}`).toHaveLength(1);
          expect(bySum.map((s) => s.segment)).toEqual(byScore.map((s) => s.segment));
          expect(rfmSegment(r, f, m)).toBe(byScore[0]?.segment);
          reached.add(rfmSegment(r, f, m));
        }
      }
    }
    expect([...reached].sort()).toEqual([...RFM_SEGMENTS].sort());
  });

  it('puts the corners where a marketer expects them', () => {
    expect(rfmSegment(5, 5, 5)).toBe('champions');
    expect(rfmSegment(5, 1, 1)).toBe('new');
    expect(rfmSegment(4, 1, 1)).toBe('promising');
    expect(rfmSegment(3, 3, 3)).toBe('need attention');
    expect(rfmSegment(1, 5, 5)).toBe("can't lose");
    expect(rfmSegment(1, 1, 1)).toBe('hibernating');
    expect(rfmSegment(2, 4, 3)).toBe('at risk');
  });

  it('has ten distinct segment names, one rule each', () => {
    expect(new Set(RFM_SEGMENTS).size).toBe(10);
    expect(RFM_SEGMENT_TABLE.map((s) => s.segment).sort()).toEqual([...RFM_SEGMENTS].sort());
  });

  it('rejects scores outside 1–5', () => {
    expect(() => rfmSegment(0, 3, 3)).toThrow(/R score/);
    expect(() => rfmSegment(3, 6, 3)).toThrow(/F score/);
    expect(() => rfmSegment(3, 3, 2.5)).toThrow(/M score/);
  });
});
