import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMarts, type BuildMartsResult } from '../../warehouse/marts/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { AS_OF, SCOREBOARD } from './fixture.js';
import { seedSmallCompany } from './seed-small-company.js';
import { tableRows } from './read-rows.js';

const targets = await engineTargets();

/** The same expected rows on every engine: worked out by hand from fixture.ts. */
describe.each(targets)('marts on $engine', (target) => {
  let t: TestWarehouse;
  let result: BuildMartsResult;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await seedSmallCompany(t.wh);
    result = await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD });
  });
  afterAll(async () => t?.drop());
  const rows = (table: string, columns: string[]) => tableRows(t.wh, table, columns);

  it.skipIf(target.unavailable)(
    'mart_customer_rfm: rank quintiles (ties share a score) and the segment map',
    async () => {
      // Ranks of 5 customers: score = 1 + ⌊5(rank−1)/5⌋ = rank. Frequencies 1,1,1 tie at F=1.
      const cols = [
        'customer_id',
        'recency_days',
        'frequency',
        'monetary',
        'r_score',
        'f_score',
        'm_score',
        'segment',
        'as_of',
      ];
      expect(await rows('mart_customer_rfm', cols)).toEqual([
        [1, 136, 3, 170.05, 2, 5, 4, 'at risk', AS_OF], // R2, ⌊(5+4)/2⌋ = 4
        [2, 117, 2, 210.01, 3, 4, 5, 'loyal', AS_OF],
        [3, 112, 1, 80, 4, 1, 2, 'promising', AS_OF],
        [5, 157, 1, 45.5, 1, 1, 1, 'hibernating', AS_OF],
        [6, 29, 1, 99.99, 5, 1, 3, 'potential loyalists', AS_OF],
      ]);
    },
  );

  it.skipIf(target.unavailable)(
    'mart_cohort_retention: every cell up to the as-of month, zeros included',
    async () => {
      const third = 1 / 3;
      expect(
        await rows('mart_cohort_retention', [
          'cohort_month',
          'period_number',
          'cohort_size',
          'retained',
          'retention_rate',
        ]),
      ).toEqual([
        ['2024-01-01', 0, 3, 3, 1],
        ['2024-01-01', 1, 3, 1, third], // Anna in February
        ['2024-01-01', 2, 3, 1, third], // Boris in March
        ['2024-01-01', 3, 3, 0, 0],
        ['2024-01-01', 4, 3, 0, 0],
        ['2024-01-01', 5, 3, 0, 0],
        ['2024-03-01', 0, 1, 1, 1],
        ['2024-03-01', 1, 1, 0, 0],
        ['2024-03-01', 2, 1, 0, 0],
        ['2024-03-01', 3, 1, 0, 0],
        ['2024-06-01', 0, 1, 1, 1],
      ]);
    },
  );

  it.skipIf(target.unavailable)(
    'mart_customer_clv: too little data for a model — historical value, inputs in weeks',
    async () => {
      expect(result.clv).toEqual({ status: 'historical-only', unit: 'week', customers: 5, repeaters: 2 });
      expect(result.notes.some((n) => n.includes('too few to fit'))).toBe(true);
      const cols = [
        'customer_id',
        'historical_value',
        'x',
        't_x',
        't_cal',
        'time_unit',
        'mean_repeat_value',
        'p_alive',
        'clv',
      ];
      expect(await rows('mart_customer_clv', cols)).toEqual([
        [1, 170.05, 1, 36 / 7, 172 / 7, 'week', 70.05, null, null], // days merged: 100 on Jan 10, 70.05 on Feb 15
        [2, 210.01, 1, 45 / 7, 162 / 7, 'week', 10.01, null, null],
        [3, 80, 0, 0, 112 / 7, 'week', null, null, null],
        [5, 45.5, 0, 0, 157 / 7, 'week', null, null, null],
        [6, 99.99, 0, 0, 29 / 7, 'week', null, null, null],
      ]);
    },
  );

  it.skipIf(target.unavailable)(
    'mart_segment_profitability: acquisition cost shared by the new customers of a spend',
    async () => {
      // sp1 (web, January, 100.01) paid for Anna and Eva: 50.005 each, rounded to 50.01.
      const cols = [
        'segment',
        'region',
        'owner',
        'customers',
        'revenue',
        'cost',
        'margin',
        'acquisition_cost',
        'profit',
        'profit_per_customer',
      ];
      expect(await rows('mart_segment_profitability', cols)).toEqual([
        ['at risk', 'North', 'Ivanova', 1, 170.05, 90, 80.05, 50.01, 30.04, 30.04],
        ['hibernating', '', 'Petrov', 1, 45.5, 20, 25.5, 50.01, -24.51, -24.51],
        ['loyal', 'Kazan', 'Petrov', 1, 210.01, 155, 55.01, 50, 5.01, 5.01], // no region: the city
        ['potential loyalists', '', 'Sidorov', 1, 99.99, 0, 99.99, 20, 79.99, 79.99], // spend without a channel
        ['promising', 'North', 'Ivanova', 1, 80, 40, 40, 30, 10, 10],
      ]);
      expect(result.notes.some((n) => n.includes('1 marketing spend rows (10.00)'))).toBe(true);
    },
  );
});
