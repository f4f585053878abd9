/**
 * Scoreboard periods. A period is an integer index — months since year 0 divided by the grain's
 * length — so SQL groups by a number and only Node turns it into a label ('2026-03', '2026-Q1',
 * '2026'). Engines format dates differently; integers they all agree on.
 */
export type PeriodGrain = 'month' | 'quarter' | 'year';

export const MONTHS_PER_PERIOD: Readonly<Record<PeriodGrain, number>> = Object.freeze({
  month: 1,
  quarter: 3,
  year: 12,
});

export function periodOfMonth(monthIndex: number, grain: PeriodGrain): number {
  return Math.floor(monthIndex / MONTHS_PER_PERIOD[grain]);
}

export function periodLabel(period: number, grain: PeriodGrain): string {
  const k = MONTHS_PER_PERIOD[grain];
  const first = period * k;
  const year = Math.floor(first / 12);
  if (grain === 'year') return String(year);
  if (grain === 'quarter') return `${year}-Q${Math.floor((first % 12) / 3) + 1}`;
  return `${year}-${String((first % 12) + 1).padStart(2, '0')}`;
}

/** Last calendar day of a period, 'YYYY-MM-DD'. */
export function periodEnd(period: number, grain: PeriodGrain): string {
  const lastMonth = period * MONTHS_PER_PERIOD[grain] + MONTHS_PER_PERIOD[grain] - 1;
  const date = new Date(Date.UTC(Math.floor(lastMonth / 12), (lastMonth % 12) + 1, 0));
  return date.toISOString().slice(0, 10);
}

const COST_PERIOD = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/;

/** Whether a program-cost period is written as 'YYYY', 'YYYY-Qn' or 'YYYY-MM'. */
export function isCostPeriod(text: string): boolean {
  return COST_PERIOD.test(text);
}

/** First month index of a program-cost period: a cost counts from the start of its period. */
export function costPeriodStartMonth(text: string): number {
  const m = COST_PERIOD.exec(text);
  if (!m) throw new Error(`Invalid cost period "${text}"`);
  const year = Number(m[1]);
  if (m[2]) return year * 12 + (Number(m[2]) - 1) * 3;
  if (m[3]) return year * 12 + Number(m[3]) - 1;
  return year * 12;
}

/** Days since 1970-01-01 of 'YYYY-MM-DD', for comparing dates as numbers. */
export function dayNumber(date: string): number {
  return (
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000
  );
}
