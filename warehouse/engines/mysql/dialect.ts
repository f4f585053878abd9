import type { TruncUnit } from '../adapter.js';
import { quoteIdent } from '../base.js';

// MySQL's and MariaDB's SQL for what the engines write differently (EngineAdapter's SQL helpers).

export const q = (name: string) => quoteIdent(name, '`');

/** Byte-exact, case-sensitive keys like the other engines; MariaDB's NO PAD also keeps 'a ' ≠ 'a'. */
export function binaryCollation(version: string): string {
  return /mariadb/i.test(version) ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
}

export function dateTrunc(unit: TruncUnit, expr: string): string {
  return unit === 'month'
    ? `CAST(DATE_FORMAT(${expr}, '%Y-%m-01') AS DATE)`
    : `DATE_SUB(CAST(${expr} AS DATE), INTERVAL WEEKDAY(${expr}) DAY)`;
}

export function toFloat(expr: string): string {
  // MySQL has no DOUBLE PRECISION cast target; without a cast its `/` returns a 4-decimal DECIMAL.
  return `CAST(${expr} AS DOUBLE)`;
}

export function daysBetween(from: string, to: string): string {
  return `DATEDIFF(${to}, ${from})`;
}

export function secondsBetween(from: string, to: string): string {
  return `(TIMESTAMPDIFF(MICROSECOND, ${from}, ${to}) / 1000000)`;
}

export function monthIndex(expr: string): string {
  return `(YEAR(${expr}) * 12 + MONTH(${expr}) - 1)`;
}

/** The rows of a knex.raw() result: mysql2 returns [rows, fields]. */
export function rows(result: unknown): Array<Record<string, unknown>> {
  return (result as [Array<Record<string, unknown>>])[0];
}

/**
 * Characters of a TEXT column an index covers: 255 of utf8mb4 are 1,020 bytes, inside InnoDB's
 * 3,072-byte key limit beside a VARCHAR(255) key column.
 */
export const TEXT_INDEX_PREFIX = 255;
