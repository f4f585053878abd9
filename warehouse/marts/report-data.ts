import type { Warehouse } from '../connection.js';
import { indicatorSpec } from './indicators.js';
import type { ScoreboardRow } from './scoreboard.js';

export interface CohortCell {
  cohort_month: string;
  period_number: number;
  cohort_size: number;
  retained: number;
  retention_rate: number;
}

export interface SegmentSummary {
  segment: string;
  customers: number;
  revenue: number;
  profit: number;
  profit_per_customer: number | null;
}

/** A row of the lead funnel for the reported period (mart_lead_funnel, months of the period). */
export interface FunnelLine {
  channel: string;
  owner: string;
  leads: number;
  contacted: number;
  /** Median hours to the first contact; null when none was contacted (or over several months). */
  medianHours: number | null;
  converted: number;
  revenue: number;
}

/** What the scoreboard page and table show: small, already aggregated reads of the marts. */
export interface ScoreboardReport {
  /** The marts' as-of day (from mart_customer_rfm), null when nothing is built yet. */
  asOf: string | null;
  generatedAt: string;
  scoreboard: ScoreboardRow[];
  /** The period the scoreboard reports (the last complete one), null when empty. */
  period: string | null;
  /** The running period, shown apart as partial; null when the as-of day closes a period. */
  runningPeriod: string | null;
  /** Currency of money amounts (scoreboard.currency.base, else the one currency of the orders). */
  currency: string | null;
  /** The latest cohorts and the first months since, enough for a readable heatmap. */
  cohorts: CohortCell[];
  segments: SegmentSummary[];
  /** The lead funnel of the reported period by channel and manager (absent: not read). */
  funnel?: FunnelLine[];
}

/** Whether a month 'YYYY-MM…' lies in the period labelled 'YYYY-MM', 'YYYY-Qn' or 'YYYY'. */
function inPeriod(month: string, label: string): boolean {
  if (/^\d{4}-Q[1-4]$/.test(label))
    return (
      month.slice(0, 4) === label.slice(0, 4) && Math.ceil(Number(month.slice(5, 7)) / 3) === Number(label[6])
    );
  return month.startsWith(label);
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const text = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v ?? ''));

/** Reads the scoreboard, the last `maxCohorts` cohorts (up to `maxPeriods` months) and segment totals. */
export async function readScoreboardReport(
  wh: Warehouse,
  options: { maxCohorts?: number; maxPeriods?: number; now?: Date; currency?: string } = {},
): Promise<ScoreboardReport> {
  const { knex } = wh;
  const [asOf] = (await knex('mart_customer_rfm').max({ d: 'as_of' })) as Array<{ d: unknown }>;
  const scoreboard = ((await knex('mart_scoreboard').select('*')) as Array<Record<string, unknown>>).map(
    (r): ScoreboardRow => ({
      indicator: text(r.indicator),
      horizon: r.horizon === 'short' ? 'short' : 'long',
      period: text(r.period),
      actual: num(r.actual),
      baseline: num(r.baseline),
      target: num(r.target),
      due_date: r.due_date === null ? null : text(r.due_date),
      status: (r.status as ScoreboardRow['status']) ?? null,
      unit: text(r.unit),
      partial: Number(r.partial ?? 0) === 1 ? 1 : 0,
      note: r.note === null || r.note === undefined ? null : text(r.note),
    }),
  );
  const byKey = (r: ScoreboardRow) => `${r.indicator}\u0000${r.period}`;
  scoreboard.sort((a, b) => (byKey(a) < byKey(b) ? -1 : byKey(a) > byKey(b) ? 1 : 0));

  const months = (await knex('mart_cohort_retention')
    .distinct('cohort_month')
    .orderBy('cohort_month', 'desc')
    .limit(options.maxCohorts ?? 18)) as Array<{ cohort_month: unknown }>;
  const oldest = months.map((m) => text(m.cohort_month)).sort()[0];
  const cohorts = oldest
    ? (
        (await knex('mart_cohort_retention')
          .where('cohort_month', '>=', oldest)
          .andWhere('period_number', '<=', options.maxPeriods ?? 18)
          .orderBy(['cohort_month', 'period_number'])) as Array<Record<string, unknown>>
      ).map((r) => ({
        cohort_month: text(r.cohort_month),
        period_number: Number(r.period_number),
        cohort_size: Number(r.cohort_size),
        retained: Number(r.retained),
        retention_rate: Number(r.retention_rate),
      }))
    : [];

  const segments = (
    (await knex('mart_segment_profitability')
      .select('segment')
      .sum({ customers: 'customers', revenue: 'revenue', profit: 'profit' })
      .groupBy('segment')) as Array<Record<string, unknown>>
  ).map((r) => {
    const customers = Number(r.customers);
    const profit = Math.round(Number(r.profit) * 100) / 100;
    return {
      segment: text(r.segment),
      customers,
      revenue: Math.round(Number(r.revenue) * 100) / 100,
      profit,
      profit_per_customer: customers > 0 ? Math.round((profit / customers) * 100) / 100 : null,
    };
  });
  segments.sort((a, b) => b.customers - a.customers || a.segment.localeCompare(b.segment));

  // Series rows carry the periods: the latest complete one is what the page reports.
  const seriesRows = scoreboard.filter((r) => indicatorSpec(r.indicator)?.kind === 'series');
  const latest = (rows: ScoreboardRow[]) =>
    rows.reduce<string | null>((m, r) => (m === null || r.period > m ? r.period : m), null);
  const currencies = (await knex('fct_order')
    .distinct('currency')
    .whereNotNull('currency')
    .limit(3)) as Array<{
    currency: unknown;
  }>;
  // The configured base currency, as the last build recorded it.
  const [settings] = (await knex('scoreboard_settings')
    .whereNull('valid_to')
    .select('settings')
    .limit(1)) as Array<{
    settings: unknown;
  }>;
  const configured = settings
    ? (wh.adapter.parseJson(settings.settings) as { currency?: { base?: string } | null }).currency?.base
    : undefined;
  const period = latest(seriesRows.filter((r) => r.partial === 0));
  // The funnel of the reported period; a median cannot be added across months, so a quarter's
  // line shows one only when a single month holds it.
  const lines = new Map<string, FunnelLine & { months: number }>();
  for (const r of (await knex('mart_lead_funnel').select('*')) as Array<Record<string, unknown>>) {
    if (period === null || !inPeriod(text(r.month), period)) continue;
    const key = `${text(r.channel)}\u0000${text(r.owner)}`;
    const l = lines.get(key) ?? {
      channel: text(r.channel),
      owner: text(r.owner),
      leads: 0,
      contacted: 0,
      medianHours: null,
      converted: 0,
      revenue: 0,
      months: 0,
    };
    l.months += 1;
    l.leads += Number(r.leads);
    l.contacted += Number(r.contacted);
    l.converted += Number(r.converted);
    l.revenue = Math.round((l.revenue + Number(r.converted_revenue)) * 100) / 100;
    l.medianHours = l.months === 1 ? num(r.first_contact_hours_median) : null;
    lines.set(key, l);
  }
  const funnel = [...lines.values()]
    .map(({ months: _months, ...l }) => l)
    .sort((a, b) => b.leads - a.leads || (a.channel + a.owner < b.channel + b.owner ? -1 : 1));
  return {
    asOf: asOf?.d ? text(asOf.d) : null,
    generatedAt: (options.now ?? new Date()).toISOString(),
    scoreboard,
    period,
    runningPeriod: latest(seriesRows.filter((r) => r.partial === 1)),
    currency:
      options.currency ?? configured ?? (currencies.length === 1 ? text(currencies[0]!.currency) : null),
    cohorts,
    segments,
    funnel,
  };
}
