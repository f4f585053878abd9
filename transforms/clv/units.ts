/**
 * Time units of the CLV models.
 *
 * BG/NBD has a rate parameter (alpha) measured in the unit the summaries were built in, so a model
 * fitted in weeks and a horizon given in months silently disagree by a factor of ~4.35 unless the
 * unit travels with the numbers. Every fitted parameter set and every horizon here therefore carries
 * its unit, and all conversions go through this one table.
 */
import { ConfigError } from '../../lib/errors.js';

export type TimeUnit = 'day' | 'week' | 'month';

/**
 * Length of each unit in days. A month is the mean Gregorian month (365.25 / 12 = 30.4375 days),
 * not 30 days: 12 model months must equal one year, or a 12-month CLV would cover 360 days.
 */
export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = Object.freeze({
  day: 1,
  week: 7,
  month: 365.25 / 12,
});

/** A span of time with its unit attached, e.g. `{ value: 39, unit: 'week' }`. */
export interface Duration {
  readonly value: number;
  readonly unit: TimeUnit;
}

export function assertTimeUnit(unit: unknown): asserts unit is TimeUnit {
  if (unit !== 'day' && unit !== 'week' && unit !== 'month') {
    throw new ConfigError(`Unknown time unit "${String(unit)}"`, { hint: "Use 'day', 'week' or 'month'" });
  }
}

/** How many `to` units one `from` unit is (week→day = 7). */
export function unitRatio(from: TimeUnit, to: TimeUnit): number {
  assertTimeUnit(from);
  assertTimeUnit(to);
  return DAYS_PER_UNIT[from] / DAYS_PER_UNIT[to];
}

/** Expresses a duration in another unit, e.g. 12 months in weeks (≈ 52.18). */
export function durationIn(duration: Duration, unit: TimeUnit): number {
  if (!Number.isFinite(duration.value) || duration.value < 0) {
    throw new ConfigError(`Invalid duration ${String(duration.value)} ${duration.unit}`, {
      hint: 'A horizon must be a finite, non-negative number',
    });
  }
  return duration.value * unitRatio(duration.unit, unit);
}
