import { describe, expect, it } from 'vitest';
import {
  CDNOW_CALIBRATION_END,
  readCdnowSummary,
  readCdnowTransactions,
} from '../../test/support/clv/cdnow-fixture.js';
import { buildSummary, convertSummary, dayNumber, type Transaction } from './summary.js';

describe('buildSummary', () => {
  const tx = (customerId: string, date: string, amount: number): Transaction => ({
    customerId,
    date,
    amount,
  });
  const transactions = [
    tx('a', '2024-01-01', 10),
    tx('a', '2024-01-01', 5), // same day: merged into one purchase of 15
    tx('a', '2024-01-08', 20),
    tx('a', '2024-01-15', 30),
    tx('a', '2024-01-15', 10),
    tx('a', '2024-03-01', 99), // after the calibration end: holdout, ignored
    tx('b', '2024-01-29', 7), // one purchase day only
    tx('c', '2024-02-10', 1), // first purchase after the end: not a customer yet
  ];

  it('merges same-day purchases and measures times in the chosen unit', () => {
    const table = buildSummary(transactions, { calibrationEnd: '2024-01-29', unit: 'week' });
    expect(table.unit).toBe('week');
    expect(table.customers).toEqual([
      { customerId: 'a', x: 2, tx: 2, T: 4, monetary: 30 }, // repeat days worth 20 and 40
      { customerId: 'b', x: 0, tx: 0, T: 0, monetary: 0 },
    ]);
    const days = buildSummary(transactions, { calibrationEnd: '2024-01-29', unit: 'day' });
    expect(days.customers[0]).toMatchObject({ x: 2, tx: 14, T: 28 });
  });

  it('converts a table between units explicitly', () => {
    const weeks = buildSummary(transactions, { calibrationEnd: '2024-01-29', unit: 'week' });
    expect(convertSummary(weeks, 'day').customers[0]).toMatchObject({ tx: 14, T: 28, monetary: 30 });
    expect(convertSummary(weeks, 'month').customers[0]?.T).toBeCloseTo(28 / 30.4375, 12);
  });

  it('reads dates as calendar days and rejects impossible ones', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber(new Date(Date.UTC(1997, 8, 30, 23, 59)))).toBe(dayNumber('1997-09-30'));
    expect(() => dayNumber('1997-02-30')).toThrow(/Invalid calendar date/);
    expect(() => dayNumber('30.09.1997')).toThrow(/Invalid calendar date "30.09.1997"/);
    expect(() =>
      buildSummary([tx('a', '2024-01-01', NaN)], { calibrationEnd: '2024-02-01', unit: 'day' }),
    ).toThrow(/amount/);
  });
});

describe('buildSummary on raw CDNOW reproduces the published summary', () => {
  const published = readCdnowSummary();
  const built = buildSummary(readCdnowTransactions(), {
    calibrationEnd: CDNOW_CALIBRATION_END,
    unit: 'week',
  });
  const byId = new Map(built.customers.map((c) => [c.customerId, c]));

  it('has the same 2,357 customers', () => {
    expect(built.customers).toHaveLength(2357);
    expect(published).toHaveLength(2357);
    expect(published.every((p) => byId.has(p.customerId))).toBe(true);
  });

  it('matches x exactly and t_x, T, zbar up to the file’s 2-decimal rounding', () => {
    // The file rounds weeks and dollars to 2 decimals, so the exact values may differ by up to half
    // a unit in the last place, 0.005; the 1e-9 absorbs binary floating point (e.g. 22.345 stored
    // as 22.34499…).
    const halfUlp = 0.005 + 1e-9;
    let worst = { tx: 0, T: 0, monetary: 0 };
    for (const p of published) {
      const b = byId.get(p.customerId);
      expect(b?.x, `x of customer ${p.customerId}`).toBe(p.x);
      if (!b) continue;
      worst = {
        tx: Math.max(worst.tx, Math.abs(b.tx - p.tx)),
        T: Math.max(worst.T, Math.abs(b.T - p.T)),
        monetary: Math.max(worst.monetary, Math.abs(b.monetary - p.monetary)),
      };
    }
    expect(worst.tx).toBeLessThanOrEqual(halfUlp);
    expect(worst.T).toBeLessThanOrEqual(halfUlp);
    expect(worst.monetary).toBeLessThanOrEqual(halfUlp);
    // The repeaters behind the published Gamma–Gamma fit.
    expect(built.customers.filter((c) => c.x > 0)).toHaveLength(946);
  });
});
