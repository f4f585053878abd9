import { dayNumber } from './periods.js';

export type IndicatorStatus = 'met' | 'on track' | 'behind';

export interface StatusInput {
  better: 'up' | 'down';
  actual: number;
  /** Value at `start`: where the straight path to the target begins. */
  baseline: number;
  target: number;
  /** 'YYYY-MM-DD' the baseline was measured at. */
  start: string;
  /** 'YYYY-MM-DD' the actual was measured at (end of its period, or the as-of day). */
  at: string;
  due: string;
}

/**
 * met: the actual has reached the target. on track: not yet, but at least as good as the straight
 * line from the baseline (at its date) to the target (at the due date) is at this date.
 * behind: worse than that line, or past the due date without meeting the target.
 */
export function indicatorStatus(i: StatusInput): IndicatorStatus {
  const atLeast = (a: number, b: number) => (i.better === 'up' ? a >= b : a <= b);
  if (atLeast(i.actual, i.target)) return 'met';
  const at = dayNumber(i.at);
  const due = dayNumber(i.due);
  const start = dayNumber(i.start);
  if (at > due || start >= due) return 'behind';
  const elapsed = Math.min(1, Math.max(0, (at - start) / (due - start)));
  const expected = i.baseline + (i.target - i.baseline) * elapsed;
  return atLeast(i.actual, expected) ? 'on track' : 'behind';
}

export interface SeriesPoint {
  period: number;
  actual: number;
  /** What a ratio was computed from ("2 of 17 customers…"), so a 100 % on two customers reads as such. */
  base?: string;
}

/**
 * The baseline of a series: the value in the last period before the CRM program started (its
 * first cost period), else the first value on record. A configured baseline replaces the value,
 * not the period it is measured at.
 */
export function pickBaseline(
  points: readonly SeriesPoint[],
  programStart: number | null,
  configured: number | undefined,
): SeriesPoint | null {
  if (points.length === 0) return null;
  const before = programStart === null ? [] : points.filter((p) => p.period < programStart);
  const point = before.length > 0 ? before[before.length - 1]! : points[0]!;
  return configured === undefined ? point : { period: point.period, actual: configured };
}
