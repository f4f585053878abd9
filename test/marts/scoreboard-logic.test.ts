import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import {
  costPeriodStartMonth,
  periodEnd,
  periodLabel,
  periodOfMonth,
} from '../../warehouse/marts/periods.js';
import { parseScoreboardConfig } from '../../warehouse/marts/scoreboard-config.js';
import { seriesIndicators } from '../../warehouse/marts/scoreboard-series.js';
import { reportingPeriods } from '../../warehouse/marts/scoreboard.js';
import { MoneyConverter } from '../../warehouse/marts/currency.js';
import { indicatorStatus, pickBaseline } from '../../warehouse/marts/scoreboard-status.js';
import type { PeriodFacts } from '../../warehouse/marts/scoreboard-actuals.js';

describe('indicator status', () => {
  const base = { better: 'up' as const, baseline: 0.1, target: 0.2, start: '2026-01-31', due: '2026-12-31' };

  it('is met once the target is reached, whichever way is better', () => {
    expect(indicatorStatus({ ...base, actual: 0.2, at: '2026-03-31' })).toBe('met');
    expect(
      indicatorStatus({
        ...base,
        better: 'down',
        baseline: 0.1,
        target: 0.02,
        actual: 0.019,
        at: '2026-03-31',
      }),
    ).toBe('met');
  });

  it('is on track at or above the straight line from baseline to target, behind below it', () => {
    // Halfway in time (mid-July) the line is at 0.15.
    const mid = '2026-07-16';
    expect(indicatorStatus({ ...base, actual: 0.151, at: mid })).toBe('on track');
    expect(indicatorStatus({ ...base, actual: 0.149, at: mid })).toBe('behind');
    expect(
      indicatorStatus({ ...base, better: 'down', baseline: 0.3, target: 0.1, actual: 0.19, at: mid }),
    ).toBe('on track');
  });

  it('is behind after the due date without the target', () => {
    expect(indicatorStatus({ ...base, actual: 0.19, at: '2027-01-31' })).toBe('behind');
  });

  it('takes the last value before the program as baseline, else the first; a configured value wins', () => {
    const points = [
      { period: 10, actual: 1 },
      { period: 11, actual: 2 },
      { period: 12, actual: 3 },
    ];
    expect(pickBaseline(points, 12, undefined)).toEqual({ period: 11, actual: 2 });
    expect(pickBaseline(points, null, undefined)).toEqual({ period: 10, actual: 1 });
    expect(pickBaseline(points, 12, 0.5)).toEqual({ period: 11, actual: 0.5 });
    expect(pickBaseline([], 12, 0.5)).toBeNull();
  });
});

describe('periods', () => {
  it('labels months, quarters and years and knows their last day', () => {
    const march2026 = 2026 * 12 + 2;
    expect(periodLabel(periodOfMonth(march2026, 'month'), 'month')).toBe('2026-03');
    expect(periodLabel(periodOfMonth(march2026, 'quarter'), 'quarter')).toBe('2026-Q1');
    expect(periodLabel(periodOfMonth(march2026, 'year'), 'year')).toBe('2026');
    expect(periodEnd(periodOfMonth(2024 * 12 + 1, 'month'), 'month')).toBe('2024-02-29');
    expect(periodEnd(periodOfMonth(march2026, 'quarter'), 'quarter')).toBe('2026-03-31');
    expect(costPeriodStartMonth('2026-Q3')).toBe(2026 * 12 + 6);
    expect(costPeriodStartMonth('2026-11')).toBe(2026 * 12 + 10);
    expect(costPeriodStartMonth('2026')).toBe(2026 * 12);
  });
});

describe('program ROI', () => {
  const facts = (margin: number): PeriodFacts => ({
    active: 1,
    newCustomers: 0,
    retained: 0,
    revenue: margin,
    margin,
    spend: 0,
    leads: 0,
    converted: 0,
    leadsOpen: 0,
    answered: 0,
    responseSeconds: 0,
    spendRows: 0,
    moneyGap: null,
    replies: 0,
    replyHours: null,
    replyByOwner: [],
    spendByChannel: {},
    newByChannel: {},
  });

  it('is (attributed margin above the pre-program mean − cumulative cost) / cumulative cost', () => {
    const config = parseScoreboardConfig({
      period: 'quarter',
      attributionShare: 0.5,
      programCosts: [
        { period: '2026-Q1', category: 'software', amount: 100 },
        { period: '2026-Q2', category: 'staff', amount: 100 },
      ],
    });
    const q = (year: number, n: number) => year * 4 + n - 1;
    const series = seriesIndicators(
      new Map([
        [q(2025, 3), facts(1000)],
        [q(2025, 4), facts(1200)], // baseline: mean 1100 per quarter
        [q(2026, 1), facts(1500)], // gain 0.5·400 = 200 → (200 − 100)/100 = 1
        [q(2026, 2), facts(1300)], // gain 200 + 0.5·200 = 300 → (300 − 200)/200 = 0.5
      ]),
      q(2026, 2),
      config,
      'quarter',
    );
    expect(series.get('program_roi')).toEqual([
      { period: q(2026, 1), actual: 1 },
      { period: q(2026, 2), actual: 0.5 },
    ]);
  });
});

describe('scoreboard config', () => {
  it('applies defaults and accepts the DESIGN example', () => {
    const config = parseScoreboardConfig({
      indicators: [
        { indicator: 'clv_avg', horizon: 'long', target: 1000, due: '2026-12-31' },
        {
          indicator: 'returning_customer_ratio',
          horizon: 'long',
          target: 0.2,
          due: new Date('2026-12-31T00:00:00Z'),
        },
        {
          indicator: 'profit_per_customer:champions',
          horizon: 'long',
          target: 50,
          due: '2026-12-31',
          baseline: 20,
        },
      ],
      programCosts: [{ period: '2026-Q1', category: 'software', amount: 12000 }],
    });
    expect(config.period).toBe('month');
    expect(config.attributionShare).toBe(1);
    expect(config.indicators[1]?.due).toBe('2026-12-31');
    expect(parseScoreboardConfig(undefined)).toEqual({
      period: 'month',
      attributionShare: 1,
      indicators: [],
      programCosts: [],
    });
  });

  it('names the offending key in one line', () => {
    const bad = (value: unknown) => () => parseScoreboardConfig(value);
    expect(
      bad({ indicators: [{ indicator: 'clv', horizon: 'long', target: 1, due: '2026-12-31' }] }),
    ).toThrow(/scoreboard\.indicators\.0\.indicator: unknown indicator "clv" \(known: new_customers/);
    expect(bad({ programCosts: [{ period: '2026-Q5', category: 'software', amount: 1 }] })).toThrow(
      /programCosts\.0\.period/,
    );
    expect(bad({ programCosts: [{ period: '2026', category: 'lunch', amount: 1 }] })).toThrow(/category/);
    expect(
      bad({ indicators: [{ indicator: 'cac', horizon: 'long', target: 1, due: '2026-02-30' }] }),
    ).toThrow(/calendar date/);
    expect(bad({ targets: [] })).toThrow(ConfigError);
  });
});

describe('reporting periods and currencies', () => {
  it('reports the last complete period; the running one only when the as-of day does not close it', () => {
    expect(reportingPeriods('2026-12-06', 'month')).toEqual({
      complete: 2026 * 12 + 10,
      running: 2026 * 12 + 11,
    });
    expect(reportingPeriods('2026-11-30', 'month')).toEqual({ complete: 2026 * 12 + 10, running: null });
    expect(reportingPeriods('2026-12-06', 'quarter')).toEqual({
      complete: 2026 * 4 + 2,
      running: 2026 * 4 + 3,
    });
    expect(reportingPeriods('2026-09-30', 'quarter')).toEqual({ complete: 2026 * 4 + 2, running: null });
  });

  it('converts by the most specific rate of the month, never across currencies without rates', () => {
    const config = parseScoreboardConfig({
      currency: {
        base: 'rub',
        rates: [
          { period: '2026', currency: 'usd', rate: 80 },
          { period: '2026-Q2', currency: 'USD', rate: 90 },
          { period: '2026-05', currency: 'USD', rate: 95 },
        ],
      },
    }).currency;
    const m = new MoneyConverter(config, ['RUB', 'USD', 'EUR']);
    expect(m.base).toBe('RUB');
    expect([0, 3, 4, 11].map((month) => m.rate('USD', 2026 * 12 + month))).toEqual([80, 90, 95, 80]);
    expect(m.rate('RUB', 2026 * 12)).toBe(1);
    expect(m.rate(null, 2026 * 12)).toBe(1);
    expect(m.rate('EUR', 2026 * 12)).toBeNull();
    expect(m.gap('EUR', 2026 * 12)).toBe('no rate for EUR in 2026-01: add it to scoreboard.currency.rates');
    const mixed = new MoneyConverter(undefined, ['USD', 'RUB']);
    expect(mixed.rate('RUB', 0)).toBeNull();
    expect(new MoneyConverter(undefined, ['RUB']).rate(null, 0)).toBe(1);
  });
});
