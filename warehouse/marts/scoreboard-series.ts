import type { PeriodFacts, SnapshotFacts } from './scoreboard-actuals.js';
import { costPeriodStartMonth, MONTHS_PER_PERIOD, periodLabel, type PeriodGrain } from './periods.js';
import type { ScoreboardConfig } from './scoreboard-config.js';
import type { SeriesPoint } from './scoreboard-status.js';
import {
  CHANNEL_CAC_PREFIX,
  MANAGER_REPLY_PREFIX,
  SEGMENT_PROFIT_PREFIX,
  SOURCE_DUPLICATE_PREFIX,
} from './indicators.js';

/** Half away from zero, like the SQL side (Math.round alone sends −x.5 up). */
const round = (value: number, digits: number) =>
  (Math.sign(value) * Math.round(Math.abs(value) * 10 ** digits)) / 10 ** digits;
const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 4) : null);
const money = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);

/** First period of the CRM program (its earliest cost), or null without program costs. */
export function programStartPeriod(config: ScoreboardConfig, grain: PeriodGrain): number | null {
  if (config.programCosts.length === 0) return null;
  const k = MONTHS_PER_PERIOD[grain];
  return Math.min(...config.programCosts.map((c) => Math.floor(costPeriodStartMonth(c.period) / k)));
}

/**
 * Every series indicator for every period from the first with data to the as-of period, from the
 * engine's per-period aggregates (formulas in README.md). Missing values (nothing to divide by)
 * are left out, not shown as 0.
 */
export function seriesIndicators(
  facts: ReadonlyMap<number, PeriodFacts>,
  lastPeriod: number,
  config: ScoreboardConfig,
  grain: PeriodGrain,
  /** funnel.conversionDays, for the conversion rate's note. */
  conversionDays = 90,
): Map<string, SeriesPoint[]> {
  const out = new Map<string, SeriesPoint[]>();
  const push = (name: string, period: number, actual: number | null, base?: string) => {
    if (actual === null || !Number.isFinite(actual)) return;
    const list = out.get(name) ?? [];
    list.push(base === undefined ? { period, actual } : { period, actual, base });
    out.set(name, list);
  };
  const keys = [...facts.keys()];
  if (keys.length === 0) return out;
  const first = Math.min(...keys);
  const at = (p: number) => facts.get(p);
  const start = programStartPeriod(config, grain);
  const k = MONTHS_PER_PERIOD[grain];
  const costPeriod = (c: ScoreboardConfig['programCosts'][number]) =>
    Math.floor(costPeriodStartMonth(c.period) / k);
  const costIn = (p: number) =>
    config.programCosts.filter((c) => costPeriod(c) === p).reduce((s, c) => s + c.amount, 0);
  const baselineMargin = programBaselineMargin(facts, first, start);

  let cumRevenue = 0;
  let cumNew = 0;
  // Costs booked before the first period with data still count from the start.
  let cumCost = config.programCosts.filter((c) => costPeriod(c) < first).reduce((s, c) => s + c.amount, 0);
  let gain = 0;
  // Once an amount could not be converted, sums running from the start are incomplete too.
  let moneyComplete = true;
  for (let p = first; p <= lastPeriod; p++) {
    const f = at(p);
    const moneyOk = !f?.moneyGap;
    moneyComplete &&= moneyOk;
    const previous = at(p - 1);
    const active = f?.active ?? 0;
    const newCustomers = f?.newCustomers ?? 0;
    push('new_customers', p, newCustomers);
    push('leads', p, f?.leads ?? 0);
    const open = f?.leadsOpen ?? 0;
    push(
      'lead_conversion_rate',
      p,
      ratio(f?.converted ?? 0, f?.leads ?? 0),
      `${f?.converted ?? 0} of ${f?.leads ?? 0} leads made a first order within ${conversionDays} days` +
        (open > 0 ? `; ${open} still within that window` : ''),
    );
    push(
      'lead_response_hours',
      p,
      f && f.answered > 0 ? round(f.responseSeconds / f.answered / 3600, 2) : null,
      `mean over ${f?.answered ?? 0} answered first contacts`,
    );
    push(
      'reply_hours',
      p,
      f?.replyHours ?? null,
      `median over ${f?.replies ?? 0} answered inbound interactions`,
    );
    for (const m of f?.replyByOwner ?? []) {
      // Replies by nobody known (no owner) stay in the overall figure only.
      if (m.owner !== '')
        push(
          MANAGER_REPLY_PREFIX + m.owner,
          p,
          m.hours,
          `median over ${m.replies} answered inbound interactions`,
        );
    }
    const retention = previous && previous.active > 0 ? (f?.retained ?? 0) / previous.active : null;
    const before = periodLabel(p - 1, grain);
    const kept = f?.retained ?? 0;
    const had = previous?.active ?? 0;
    push(
      'retention_rate',
      p,
      retention === null ? null : round(retention, 4),
      `${kept} of ${had} customers of ${before} bought again`,
    );
    push(
      'churn_rate',
      p,
      retention === null ? null : round(1 - retention, 4),
      `${had - kept} of ${had} customers of ${before} did not buy again`,
    );
    push(
      'returning_customer_ratio',
      p,
      ratio(active - newCustomers, active),
      `${active - newCustomers} of ${active} buyers had bought before`,
    );
    cumRevenue += f?.revenue ?? 0;
    cumNew += newCustomers;
    push('clv_avg', p, moneyComplete ? money(cumRevenue, cumNew) : null);
    // No spend staged for the period is no data, not a CAC of 0.
    push(
      'cac',
      p,
      moneyOk && newCustomers > 0 && (f?.spendRows ?? 0) > 0 ? money(f!.spend, newCustomers) : null,
    );
    // Per channel, where the channel had spend and brought new customers in the period.
    for (const [channel, spend] of Object.entries(f?.spendByChannel ?? {})) {
      const n = f?.newByChannel[channel] ?? 0;
      if (moneyOk && n > 0) push(CHANNEL_CAC_PREFIX + channel, p, money(spend, n), `${n} new customers`);
    }
    cumCost += costIn(p);
    if (start !== null && p >= start) {
      gain += config.attributionShare * ((f?.margin ?? 0) - (baselineMargin ?? 0));
      push(
        'program_roi',
        p,
        moneyComplete && baselineMargin !== null && cumCost > 0 ? round((gain - cumCost) / cumCost, 4) : null,
      );
    }
  }
  return out;
}

/**
 * The margin per period the program is measured against: the mean of up to four periods before
 * it started, else (the program started with the data) the margin of its first period.
 */
function programBaselineMargin(
  facts: ReadonlyMap<number, PeriodFacts>,
  first: number,
  start: number | null,
): number | null {
  if (start === null) return null;
  const before: number[] = [];
  for (let p = Math.max(first, start - 4); p < start; p++) before.push(facts.get(p)?.margin ?? 0);
  if (before.length > 0) return before.reduce((s, m) => s + m, 0) / before.length;
  return facts.get(Math.max(first, start))?.margin ?? null;
}

/** The snapshot indicators' values now. */
export function snapshotIndicators(s: SnapshotFacts): Map<string, number> {
  const out = new Map<string, number>();
  const set = (name: string, value: number | null) => {
    if (value !== null && Number.isFinite(value)) out.set(name, value);
  };
  // A duplicate is a second record of the same customer in the same source; the same customer
  // in the ERP and in a spreadsheet is two sources linked, which is what resolution is for.
  const duplicates = (r: { records: number; customers: number }) => Math.max(0, r.records - r.customers);
  set(
    'duplicate_rate',
    ratio(
      s.bySource.reduce((n, r) => n + duplicates(r), 0),
      s.sourceRecords,
    ),
  );
  if (s.bySource.length > 1) {
    for (const r of s.bySource) set(SOURCE_DUPLICATE_PREFIX + r.source, ratio(duplicates(r), r.records));
  }
  set('completeness', ratio(s.filledFields, 4 * s.customers));
  set('clv_predicted_avg', money(s.predictedClvSum, s.predictedClvCustomers));
  for (const p of s.profit) {
    set(
      p.segment === '' ? 'profit_per_customer' : SEGMENT_PROFIT_PREFIX + p.segment,
      money(p.profit, p.customers),
    );
  }
  return out;
}

/** Why an indicator has no value for a period: shown instead of a number, never a 0. */
export function missingReason(
  name: string,
  facts: ReadonlyMap<number, PeriodFacts>,
  period: number,
  label: string,
  config: ScoreboardConfig,
): string {
  const f = facts.get(period);
  const gap = [...facts.entries()].find(
    ([p, x]) => x.moneyGap !== null && (p === period || name !== 'cac') && p <= period,
  );
  if (gap && ['clv_avg', 'cac', 'program_roi'].includes(name)) return gap[1].moneyGap!;
  const anySpend = [...facts.values()].some((x) => x.spendRows > 0);
  switch (name) {
    case 'cac':
      if (!anySpend) return 'no spend data: add a spend source (marketing spend by month)';
      if ((f?.spendRows ?? 0) === 0) return `no spend recorded for ${label}`;
      return `no new customers in ${label}`;
    case 'retention_rate':
    case 'churn_rate':
      return `no customers bought in the period before ${label}`;
    case 'returning_customer_ratio':
      return `no customers bought in ${label}`;
    case 'lead_response_hours':
      return `no first inbound contact in ${label} was answered`;
    case 'lead_conversion_rate':
      return `no leads in ${label}`;
    case 'reply_hours':
      return `no inbound interaction was answered in ${label}`;
    case 'clv_avg':
      return `no revenue orders up to ${label}`;
    case 'program_roi':
      return config.programCosts.length === 0
        ? 'no program costs configured: add scoreboard.programCosts'
        : `the program had not started by ${label}`;
    case 'clv_predicted_avg':
      return 'no CLV prediction: too few customers or repeat buyers for the model';
    case 'profit_per_customer':
      return 'no customers with revenue orders yet';
    case 'duplicate_rate':
    case 'completeness':
      return 'no customers in the warehouse yet';
    default:
      return `no data for ${label}`;
  }
}
