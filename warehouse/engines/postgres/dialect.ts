import type { TruncUnit } from '../adapter.js';

// PostgreSQL's SQL for what the engines write differently (EngineAdapter's SQL helpers).

export function now(): string {
  return 'now()';
}

export function dateTrunc(unit: TruncUnit, expr: string): string {
  return `CAST(date_trunc('${unit}', CAST(${expr} AS timestamp)) AS date)`;
}

export function daysBetween(from: string, to: string): string {
  return `(CAST(${to} AS date) - CAST(${from} AS date))`;
}

export function secondsBetween(from: string, to: string): string {
  return `EXTRACT(EPOCH FROM (CAST(${to} AS timestamptz) - CAST(${from} AS timestamptz)))`;
}

export function monthIndex(expr: string): string {
  const d = `CAST(${expr} AS date)`;
  // date_part, not EXTRACT: since PostgreSQL 14 EXTRACT returns numeric, whose arithmetic made this
  // a third of a DISTINCT (customer, month) pass over 1M orders; the doubles are whole and exact.
  return `CAST(date_part('year', ${d}) * 12 + date_part('month', ${d}) - 1 AS integer)`;
}

/** A database created with a linguistic collation (en_US.UTF-8) would sort 'a' < 'B'; "C" sorts by code point. */
export function binaryOrder(expr: string): string {
  return `(${expr}) COLLATE "C"`;
}

/**
 * The MIN of a text array under "C": arrays compare element by element (NULL after any value),
 * the date as ISO text whatever DateStyle says. A HashAggregate keeps one array per group; the
 * window it replaces sorted every row (10M orders: spilled at work_mem 256 MB). Identical MIN
 * calls in one query share their state, so picking several elements costs one aggregate.
 */
export function firstInGroup(texts: readonly string[], pick: number, date?: string): string {
  const items = date === undefined ? texts : [`TO_CHAR(${date}, 'YYYY-MM-DD')`, ...texts];
  return `(MIN(ARRAY[${items.join(', ')}] COLLATE "C"))[${pick + 1 + items.length - texts.length}]`;
}

/** The rows of a knex.raw() result: node-postgres returns a result object. */
export function rows(result: unknown): Array<Record<string, unknown>> {
  return (result as { rows: Array<Record<string, unknown>> }).rows;
}
