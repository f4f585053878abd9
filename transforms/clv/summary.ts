/**
 * Per-customer summaries (frequency, recency, age, mean repeat value) — the inputs of BG/NBD and
 * Gamma–Gamma. In production the warehouse computes them in SQL; `buildSummary` is the reference
 * implementation that the SQL version must agree with, and what the tests run on raw CDNOW data.
 */
import { CrmEtlError } from '../../lib/errors.js';
import { DAYS_PER_UNIT, assertTimeUnit, unitRatio, type TimeUnit } from './units.js';

/** What BG/NBD needs of a customer, in the unit of the table or model it belongs to. */
export interface RecencyFrequency {
  /** Repeat purchase days: distinct purchase days after the first one. */
  readonly x: number;
  /** Time from the first to the last purchase day (0 when x = 0). */
  readonly tx: number;
  /** Time from the first purchase day to the end of the calibration period. */
  readonly T: number;
}

export interface CustomerSummary extends RecencyFrequency {
  readonly customerId: string;
  /** Mean value of the repeat purchase days (the first day excluded); 0 when x = 0. */
  readonly monetary: number;
}

/** Summaries with the unit their times are measured in; the unit is never implicit. */
export interface SummaryTable<S extends RecencyFrequency = CustomerSummary> {
  readonly unit: TimeUnit;
  readonly customers: readonly S[];
}

export interface Transaction {
  readonly customerId: string;
  /** Calendar date: 'YYYY-MM-DD', or a Date read by its UTC calendar day. */
  readonly date: string | Date;
  readonly amount: number;
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a calendar date; working in whole days keeps DST and time zones out. */
export function dayNumber(date: string | Date): number {
  if (date instanceof Date) {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new CrmEtlError('Invalid Date in transactions');
    return Math.floor(ms / MS_PER_DAY);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  // Round-trip check rejects dates such as 1997-02-30 that Date.UTC would roll over.
  if (!m || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new CrmEtlError(`Invalid calendar date "${date}"`, { hint: 'Dates must be YYYY-MM-DD' });
  }
  return ms / MS_PER_DAY;
}

/** Throws unless x is a count and 0 ≤ t_x ≤ T, with t_x = 0 when x = 0. */
export function assertRecencyFrequency(c: RecencyFrequency): void {
  const ok =
    Number.isInteger(c.x) &&
    c.x >= 0 &&
    Number.isFinite(c.tx) &&
    Number.isFinite(c.T) &&
    c.tx >= 0 &&
    c.tx <= c.T &&
    (c.x > 0 || c.tx === 0);
  if (!ok) {
    throw new CrmEtlError(`Invalid customer summary x=${c.x}, t_x=${c.tx}, T=${c.T}`, {
      hint: 'Expected an integer x ≥ 0 and 0 ≤ t_x ≤ T, with t_x = 0 when x = 0',
    });
  }
}

/**
 * Builds summaries from raw transactions for the calibration period ending on `calibrationEnd`
 * (inclusive). Purchases on the same calendar day are merged into one purchase whose value is
 * their sum, as in Fader–Hardie's CDNOW summaries; later transactions (the holdout) are ignored and
 * customers whose first purchase is after the end are left out. Order of output: first appearance.
 */
export function buildSummary(
  transactions: Iterable<Transaction>,
  options: { readonly calibrationEnd: string | Date; readonly unit: TimeUnit },
): SummaryTable {
  assertTimeUnit(options.unit);
  const end = dayNumber(options.calibrationEnd);
  const perUnit = DAYS_PER_UNIT[options.unit];
  const days = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    if (!Number.isFinite(t.amount)) {
      throw new CrmEtlError(`Transaction of customer ${t.customerId} has amount ${String(t.amount)}`);
    }
    const day = dayNumber(t.date);
    if (day > end) continue;
    let byDay = days.get(t.customerId);
    if (!byDay) days.set(t.customerId, (byDay = new Map()));
    byDay.set(day, (byDay.get(day) ?? 0) + t.amount);
  }
  const customers: CustomerSummary[] = [];
  for (const [customerId, byDay] of days) {
    const sorted = [...byDay.keys()].sort((p, q) => p - q);
    const first = sorted[0] as number;
    const last = sorted[sorted.length - 1] as number;
    const x = sorted.length - 1;
    let repeatTotal = 0;
    for (const day of sorted.slice(1)) repeatTotal += byDay.get(day) as number;
    customers.push({
      customerId,
      x,
      tx: (last - first) / perUnit,
      T: (end - first) / perUnit,
      monetary: x > 0 ? repeatTotal / x : 0,
    });
  }
  return { unit: options.unit, customers };
}

/** Re-expresses a table's times in another unit (x and monetary do not change). */
export function convertSummary<S extends RecencyFrequency>(
  table: SummaryTable<S>,
  unit: TimeUnit,
): SummaryTable<S> {
  const k = unitRatio(table.unit, unit);
  return { unit, customers: table.customers.map((c) => ({ ...c, tx: c.tx * k, T: c.T * k })) };
}
