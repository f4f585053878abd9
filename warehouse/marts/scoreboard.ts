import { build } from './build-tables.js';
import type { MartContext } from './context.js';
import { moneyGap } from './currency.js';
import { INDICATORS, indicatorSpec, SEGMENT_PROFIT_PREFIX, type IndicatorSpec } from './indicators.js';
import { periodEnd, periodLabel, periodOfMonth, type PeriodGrain } from './periods.js';
import { periodFacts, snapshotFacts } from './scoreboard-actuals.js';
import {
  missingReason,
  programStartPeriod,
  seriesIndicators,
  snapshotIndicators,
} from './scoreboard-series.js';
import { indicatorStatus, pickBaseline, type SeriesPoint } from './scoreboard-status.js';
import { monthIndexOf } from './sql.js';

/** A row of mart_scoreboard. */
export interface ScoreboardRow {
  indicator: string;
  horizon: 'short' | 'long';
  period: string;
  /** null: no data for the period; `note` says why. */
  actual: number | null;
  baseline: number | null;
  target: number | null;
  due_date: string | null;
  status: 'met' | 'on track' | 'behind' | null;
  unit: string;
  /** 1: the running period, not complete yet: shown apart and never judged against a target. */
  partial: number;
  /** Why there is no value, what a ratio was computed from ("2 of 17 customers…"), or 'state on <day>' for a snapshot. */
  note: string | null;
}

const LABEL: Readonly<Record<PeriodGrain, RegExp>> = {
  month: /^\d{4}-\d{2}$/,
  quarter: /^\d{4}-Q[1-4]$/,
  year: /^\d{4}$/,
};

/** Period index of a label of the current grain (inverse of periodLabel). */
function periodOfLabel(label: string, grain: PeriodGrain): number {
  const year = Number(label.slice(0, 4));
  if (grain === 'year') return year;
  if (grain === 'quarter') return year * 4 + Number(label.slice(6)) - 1;
  return year * 12 + Number(label.slice(5, 7)) - 1;
}

/**
 * Snapshot values recorded by earlier builds (other periods of the live mart): the warehouse keeps
 * no history of its own state, so the scoreboard is where duplicate rate or predicted CLV trend.
 */
async function snapshotHistory(ctx: MartContext, current: number): Promise<Map<string, SeriesPoint[]>> {
  const rows = (await ctx.wh.knex('mart_scoreboard').select('indicator', 'period', 'actual')) as Array<{
    indicator: string;
    period: string;
    actual: number | null;
  }>;
  const history = new Map<string, SeriesPoint[]>();
  for (const r of rows) {
    if (
      indicatorSpec(r.indicator)?.kind !== 'snapshot' ||
      r.actual === null ||
      !LABEL[ctx.grain].test(r.period)
    )
      continue;
    const period = periodOfLabel(r.period, ctx.grain);
    if (period >= current) continue;
    history.set(r.indicator, [...(history.get(r.indicator) ?? []), { period, actual: Number(r.actual) }]);
  }
  return history;
}

/**
 * The period a scoreboard reports by default: the last complete one. The running period (the
 * as-of day is not its last day) is kept apart, marked partial and never judged.
 */
export function reportingPeriods(
  asOf: string,
  grain: PeriodGrain,
): { complete: number; running: number | null } {
  const current = periodOfMonth(monthIndexOf(asOf), grain);
  return periodEnd(current, grain) === asOf
    ? { complete: current, running: null }
    : { complete: current - 1, running: current };
}

/**
 * mart_scoreboard: every indicator per period with its baseline, target, due date and status.
 * The engine computes all aggregates (scoreboard-actuals.ts); Node only divides a few numbers per
 * period and applies the configured targets, then writes the few hundred rows to the build table.
 * An indicator without a value in the reporting or running period gets a row with no actual and
 * a note saying why, so no screen shows a 0 it does not have.
 */
export async function buildScoreboard(ctx: MartContext): Promise<ScoreboardRow[]> {
  const { grain, scoreboard: config } = ctx;
  const current = periodOfMonth(monthIndexOf(ctx.asOf), grain);
  const { complete, running } = reportingPeriods(ctx.asOf, grain);
  const facts = await periodFacts(ctx);
  const series = seriesIndicators(facts, current, config, grain, ctx.funnel.conversionDays);
  const history = await snapshotHistory(ctx, current);
  // Predicted CLV and profit add up converted amounts: with some left out they are no figure.
  const fxGap = moneyGap(ctx);
  const fromMoney = (name: string) =>
    name === 'clv_predicted_avg' || name === 'profit_per_customer' || name.startsWith(SEGMENT_PROFIT_PREFIX);
  for (const [name, actual] of snapshotIndicators(await snapshotFacts(ctx))) {
    if (fxGap !== null && fromMoney(name)) continue;
    series.set(
      name,
      [...(history.get(name) ?? []), { period: current, actual }].sort((a, b) => a.period - b.period),
    );
  }
  const programStart = programStartPeriod(config, grain);
  const targets = new Map(config.indicators.map((t) => [t.indicator, t]));
  const rows: ScoreboardRow[] = [];
  const names = [
    ...INDICATORS.map((i) => i.name),
    ...[...series.keys()].filter((n) => !INDICATORS.some((i) => i.name === n)),
  ];
  for (const name of names) {
    const spec = indicatorSpec(name) as IndicatorSpec;
    const points = series.get(name) ?? [];
    const target = targets.get(name);
    // A partial period is no baseline: a series' baseline comes from complete periods only.
    const complete_ = spec.kind === 'series' ? points.filter((p) => p.period <= complete) : points;
    const base = pickBaseline(complete_, programStart, target?.baseline);
    const row = (period: number, actual: number | null, note: string | null): ScoreboardRow => {
      const partial = spec.kind === 'series' && period === running;
      const at = periodEnd(period, grain) < ctx.asOf ? periodEnd(period, grain) : ctx.asOf;
      return {
        indicator: name,
        horizon: target?.horizon ?? spec.horizon,
        period: periodLabel(period, grain),
        actual,
        baseline: base?.actual ?? null,
        target: target?.target ?? null,
        due_date: target?.due ?? null,
        status:
          target && base && actual !== null && !partial
            ? indicatorStatus({
                better: spec.better,
                actual,
                baseline: base.actual,
                target: target.target,
                start: periodEnd(base.period, grain),
                at,
                due: target.due,
              })
            : null,
        unit: spec.unit,
        partial: partial ? 1 : 0,
        note,
      };
    };
    for (const point of points) {
      const snapshotNow = spec.kind === 'snapshot' && point.period === current;
      rows.push(row(point.period, point.actual, snapshotNow ? `state on ${ctx.asOf}` : (point.base ?? null)));
    }
    // Family members (per segment, per source) exist only where there is data.
    if (name.includes(':')) continue;
    const wanted = spec.kind === 'snapshot' ? [current] : running === null ? [complete] : [complete, running];
    for (const p of wanted) {
      if (points.some((x) => x.period === p)) continue;
      const why =
        fxGap !== null && fromMoney(name)
          ? fxGap
          : missingReason(name, facts, p, periodLabel(p, grain), config);
      rows.push(row(p, null, why));
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await ctx.wh.knex(build('mart_scoreboard')).insert(rows.slice(i, i + 500));
  return rows;
}
