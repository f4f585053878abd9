import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMarts } from '../../warehouse/marts/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { AS_OF, SCOREBOARD } from './fixture.js';
import { seedSmallCompany } from './seed-small-company.js';
import { tableRows } from './read-rows.js';

const targets = await engineTargets();

/** The scoreboard of the small company: indicators, baselines, targets and status, same on every engine. */
describe.each(targets)('scoreboard on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await seedSmallCompany(t.wh);
    await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD });
  });
  afterAll(async () => t?.drop());
  const rows = (table: string, columns: string[]) => tableRows(t.wh, table, columns);

  it.skipIf(target.unavailable)(
    'mart_scoreboard: actuals, baselines, targets and status per period',
    async () => {
      const all = await rows('mart_scoreboard', [
        'indicator',
        'period',
        'actual',
        'baseline',
        'target',
        'due_date',
        'status',
        'horizon',
        'unit',
      ]);
      // 56 values and five indicators without data in June (each with a note instead of a number).
      expect(all).toHaveLength(61);
      const pick = (indicator: string) => all.filter((r) => r[0] === indicator).map((r) => r.slice(1, 7));
      // CAC per channel, by the channel of each new customer's lead (here their first orders): in
      // January 100.01 on the web for Anna and Eva, 50 at the fair for Boris; in March 30 for Clara.
      expect(pick('cac:web').map((r) => r.slice(0, 2))).toEqual([
        ['2024-01', 50.01],
        ['2024-03', 30],
      ]);
      expect(pick('cac:fair').map((r) => r.slice(0, 2))).toEqual([['2024-01', 50]]);
      expect(pick('returning_customer_ratio')).toEqual([
        ['2024-01', 0, 0, 0.4, '2024-12-31', 'on track'], // on the line from the baseline
        ['2024-02', 1, 0, 0.4, '2024-12-31', 'met'],
        ['2024-03', 0.5, 0, 0.4, '2024-12-31', 'met'],
        ['2024-06', 0, 0, 0.4, '2024-12-31', 'behind'],
      ]);
      // June has no retention: nobody bought in May (s2 is a return), so there is nothing to divide by.
      expect(pick('retention_rate').map((r) => r.slice(0, 2))).toEqual([
        ['2024-02', 0.3333],
        ['2024-03', 0],
        ['2024-04', 0],
        ['2024-06', null],
      ]);
      expect(pick('churn_rate').map((r) => r.slice(0, 2))).toEqual([
        ['2024-02', 0.6667],
        ['2024-03', 1],
        ['2024-04', 1],
        ['2024-06', null],
      ]);
      expect(pick('new_customers').map((r) => r[1])).toEqual([3, 0, 1, 0, 0, 1]);
      // Leads by their first dated fact in the sources (load time is not one): Anna, Boris and
      // Eva in January, Clara in March, Dmitry's first call in May, the walk-in buyer in June.
      expect(pick('leads').map((r) => r[1])).toEqual([3, 0, 1, 0, 1, 1]);
      // Every lead of January, March and June bought within 90 days (their first fact was the order);
      // Dmitry's (May) did not. February and April had no leads: no rate, not 0 %.
      expect(pick('lead_conversion_rate').map((r) => r.slice(0, 2))).toEqual([
        ['2024-01', 1],
        ['2024-03', 1],
        ['2024-05', 0],
        ['2024-06', 1],
      ]);
      // Replies to inbound interactions: Anna's letter of 1 Feb answered in 24 h, Dmitry's in 4.5 h.
      expect(pick('reply_hours').map((r) => r.slice(0, 2))).toEqual([
        ['2024-02', 24],
        ['2024-05', 4.5],
        ['2024-06', null],
      ]);
      expect(pick('lead_response_hours').map((r) => r.slice(0, 2))).toEqual([
        ['2024-02', 24],
        ['2024-05', 4.5],
        ['2024-06', null],
      ]);
      expect(pick('clv_avg').map((r) => r[1])).toEqual([115.17, 138.52, 126.39, 126.39, 126.39, 121.11]);
      expect(pick('cac')).toEqual([
        ['2024-01', 50, 50, 40, '2024-12-31', 'on track'], // 150.01 / 3
        ['2024-03', 30, 50, 40, '2024-12-31', 'met'],
        ['2024-06', 20, 50, 40, '2024-12-31', 'met'],
      ]);
      // crm's 5 customer records are 4 customers (C1b is Anna again): 1 / 5. Boris's e-mail on an
      // order and Clara's in the mailbox are references that found their customer, not records.
      expect(pick('duplicate_rate')).toEqual([['2024-06', 0.2, 0.5, 0.1, '2024-09-30', 'on track']]);
      expect(all.filter((r) => String(r[0]).startsWith('duplicate_rate:'))).toEqual([]); // one source only
      expect(pick('clv_predicted_avg')).toEqual([['2024-06', null, null, null, null, null]]);
      expect(pick('completeness')[0]?.slice(0, 2)).toEqual(['2024-06', 0.625]); // 15 of 24 key fields
      expect(pick('profit_per_customer')[0]?.slice(0, 2)).toEqual(['2024-06', 20.11]); // 100.53 / 5
      expect(pick('profit_per_customer:hibernating')[0]?.slice(0, 2)).toEqual(['2024-06', -24.51]);
      // Baseline margin = January's 115.5 (the program started with the data); costs 300 from Q1, +100 in April.
      expect(pick('program_roi').map((r) => r[1])).toEqual([-1, -1.2515, -1.4865, -1.6536, -1.9424, -1.9811]);
      expect(all.find((r) => r[0] === 'duplicate_rate')?.slice(7)).toEqual(['short', 'ratio']);
      // A ratio says what it rests on, so a 100 % of two customers reads as such.
      const notes = await rows('mart_scoreboard', ['indicator', 'period', 'note']);
      const note = (indicator: string, period: string) =>
        notes.find((r) => r[0] === indicator && r[1] === period)?.[2];
      expect(note('retention_rate', '2024-02')).toBe('1 of 3 customers of 2024-01 bought again');
      expect(note('churn_rate', '2024-02')).toBe('2 of 3 customers of 2024-01 did not buy again');
      expect(note('returning_customer_ratio', '2024-06')).toBe('0 of 1 buyers had bought before');
      expect(note('lead_response_hours', '2024-05')).toBe('mean over 1 answered first contacts');
    },
  );
  it.skipIf(target.unavailable)(
    'keeps snapshot values of earlier periods when a later build records a new one',
    async () => {
      await buildMarts(t.wh, { asOf: '2024-07-31', scoreboard: SCOREBOARD });
      const dup = await rows('mart_scoreboard', ['indicator', 'period', 'actual', 'status']);
      expect(dup.filter((r) => r[0] === 'duplicate_rate')).toEqual([
        ['duplicate_rate', '2024-06', 0.2, 'on track'], // recorded by the June build
        ['duplicate_rate', '2024-07', 0.2, 'on track'],
      ]);
    },
  );

  it.skipIf(target.unavailable)('computes the same indicators per quarter', async () => {
    await buildMarts(t.wh, { asOf: AS_OF, scoreboard: { ...SCOREBOARD, period: 'quarter' } });
    const all = await rows('mart_scoreboard', ['indicator', 'period', 'actual']);
    const pick = (indicator: string) => all.filter((r) => r[0] === indicator).map((r) => r.slice(1));
    // Q1: Anna, Boris, Eva (January) and Clara (March) are new; Q2: the walk-in buyer only.
    expect(pick('new_customers')).toEqual([
      ['2024-Q1', 4],
      ['2024-Q2', 1],
    ]);
    expect(pick('retention_rate')).toEqual([['2024-Q2', 0]]);
    expect(pick('returning_customer_ratio')).toEqual([
      ['2024-Q1', 0],
      ['2024-Q2', 0],
    ]);
    expect(pick('cac')).toEqual([
      ['2024-Q1', 45],
      ['2024-Q2', 30],
    ]); // (150.01 + 30) / 4, (10 + 20) / 1
    // The monthly snapshots of earlier builds are not mixed into quarters.
    expect(pick('duplicate_rate')).toEqual([['2024-Q2', 0.2]]);
  });
});
