import type { TruncUnit } from '../adapter.js';

// SQLite's SQL for what the engines write differently (EngineAdapter's SQL helpers).

export function now(): string {
  // ISO-8601 text, the same form timestamp() binds, so values compare and sort as text.
  return `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
}

export function nowDefault(): string {
  // SQLite takes an expression as a column default only in parentheses.
  return `(${now()})`;
}

export function timestamp(date: Date): unknown {
  // better-sqlite3 cannot bind Date; ISO text sorts and compares correctly.
  return date.toISOString();
}

export function dateTrunc(unit: TruncUnit, expr: string): string {
  return unit === 'month'
    ? `date(${expr}, 'start of month')`
    : `date(${expr}, '-' || ((CAST(strftime('%w', ${expr}) AS INTEGER) + 6) % 7) || ' days')`;
}

export function toFloat(expr: string): string {
  return `CAST(${expr} AS REAL)`;
}

export function daysBetween(from: string, to: string): string {
  // Julian days of two dates differ by an exact whole number; date() drops any time of day.
  return `CAST(julianday(date(${to})) - julianday(date(${from})) AS INTEGER)`;
}

export function secondsBetween(from: string, to: string): string {
  return `(unixepoch(${to}, 'subsec') - unixepoch(${from}, 'subsec'))`;
}

export function monthIndex(expr: string): string {
  return `(CAST(strftime('%Y', ${expr}) AS INTEGER) * 12 + CAST(strftime('%m', ${expr}) AS INTEGER) - 1)`;
}
