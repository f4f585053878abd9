import { build } from './build-tables.js';
import type { MartContext } from './context.js';
import { INDICATORS, indicatorSpec, type IndicatorSpec } from './indicators.js';
import { periodEnd, periodLabel, periodOfMonth, type PeriodGrain } from './periods.js';
import { periodFacts, snapshotFacts } from './scoreboard-actuals.js';
import { programStartPeriod, seriesIndicators, snapshotIndicators } from './scoreboard-series.js';
import { indicatorStatus, pickBaseline, type SeriesPoint } from './scoreboard-status.js';
import { monthIndexOf } from './sql.js';

/** A row of mart_scoreboard. */
export interface ScoreboardRow {
  indicator: string;
  horizon: 'short' | 'long';
  period: string;
  actual: number;
  baseline: number | null;
  target: number | null;
  due_date: string | null;
  status: 'met' | 'on track' | 'behind' | null;
  unit: string;
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
 * mart_scoreboard: every indicator per period with its baseline, target, due date and status.
 * The engine computes all aggregates (scoreboard-actuals.ts); Node only divides a few numbers per
 * period and applies the configured targets, then writes the few hundred rows to the build table.
 */
export async function buildScoreboard(ctx: MartContext): Promise<ScoreboardRow[]> {
  const { grain, scoreboard: config } = ctx;
  const current = periodOfMonth(monthIndexOf(ctx.asOf), grain);
  const series = seriesIndicators(await periodFacts(ctx), current, config, grain);
  const history = await snapshotHistory(ctx, current);
  for (const [name, actual] of snapshotIndicators(await snapshotFacts(ctx))) {
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
    const base = pickBaseline(points, programStart, target?.baseline);
    for (const point of points) {
      const at = periodEnd(point.period, grain) < ctx.asOf ? periodEnd(point.period, grain) : ctx.asOf;
      rows.push({
        indicator: name,
        horizon: target?.horizon ?? spec.horizon,
        period: periodLabel(point.period, grain),
        actual: point.actual,
        baseline: base?.actual ?? null,
        target: target?.target ?? null,
        due_date: target?.due ?? null,
        status:
          target && base
            ? indicatorStatus({
                better: spec.better,
                actual: point.actual,
                baseline: base.actual,
                target: target.target,
                start: periodEnd(base.period, grain),
                at,
                due: target.due,
              })
            : null,
        unit: spec.unit,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await ctx.wh.knex(build('mart_scoreboard')).insert(rows.slice(i, i + 500));
  return rows;
}
