import { ConfigError } from '../../lib/errors.js';
import type { EngineAdapter } from '../engines/adapter.js';

/**
 * Engine-neutral SQL fragments for the marts. Every published number goes through these so the
 * three engines agree to the last digit:
 * - divisions run on IEEE doubles (MySQL's `/` returns a 4-decimal DECIMAL, SQLite's truncates
 *   integers, PostgreSQL's NUMERIC division keeps 20 digits — three different answers otherwise);
 * - rounding is done by one formula on the double, not by ROUND(): PostgreSQL rounds an exact
 *   NUMERIC 5.005 up while SQLite rounds the double 5.00499999… down.
 */
export class Sql {
  constructor(readonly adapter: EngineAdapter) {}

  /** a / b as a double, NULL when b is 0 (no engine errors, none divides by zero). */
  ratio(a: string, b: string): string {
    return `(${this.adapter.toFloat(a)} / NULLIF(${b}, 0))`;
  }

  /**
   * Rounds half away from zero to `digits` decimals. Inputs are sums of 2-decimal amounts or
   * ratios of such sums to counts, which are never within a rounding error of a tie unless they
   * are exactly on it, so the double formula gives the decimal answer on every engine.
   */
  round(expr: string, digits = 2): string {
    const e = this.adapter.toFloat(expr);
    const scale = 10 ** digits;
    return `(SIGN(${e}) * FLOOR(ABS(${e}) * ${scale} + 0.5) / ${scale})`;
  }

  /**
   * a − b of two money columns, in cents on every engine: rounded where money is a double
   * (SQLite); where it is an exact decimal the rounding formula would only cost a cast and a
   * FLOOR per row (fct_order: a tenth of its insert on PostgreSQL).
   */
  moneyDiff(a: string, b: string): string {
    return this.adapter.exactMoney ? `(${a} - ${b})` : this.round(`${a} - ${b}`);
  }

  /** ⌊a / b⌋ for non-negative integers, exact on every engine. */
  floorDiv(a: string, b: string | number): string {
    return `FLOOR(${this.ratio(a, String(b))})`;
  }

  daysBetween(from: string, to: string): string {
    return this.adapter.daysBetween(from, to);
  }

  monthIndex(expr: string): string {
    return this.adapter.monthIndex(expr);
  }

  /** Sort key comparing by code point, so ties break the same way on every engine. */
  sortKey(expr: string): string {
    return this.adapter.binaryOrder(expr);
  }

  /**
   * Whether two values are the same, NULL the same as NULL; `text` by code point (MySQL's
   * collations fold case and trailing spaces).
   */
  same(a: string, b: string, text = false): string {
    const [x, y] = text ? [this.sortKey(a), this.sortKey(b)] : [a, b];
    return `(${x} = ${y} OR (${a} IS NULL AND ${b} IS NULL))`;
  }
}

/** A string literal; quotes doubled. */
export function str(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a calendar date 'YYYY-MM-DD' (so it can be inlined as a literal) and returns it. */
export function isoDate(value: string | Date, what = 'date'): string {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  const m = ISO_DATE.exec(text);
  const ok = m && new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)).toISOString().slice(0, 10) === text;
  if (!ok) throw new ConfigError(`Invalid ${what} "${text}"`, { hint: 'Use a calendar date YYYY-MM-DD' });
  return text;
}

/** year·12 + month − 1 of a 'YYYY-MM-DD' date: the same number the adapter's monthIndex gives in SQL. */
export function monthIndexOf(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

/** `(x IS NOT NULL AND x <> '')`: empty text means unknown on every engine. */
export function present(expr: string): string {
  return `(${expr} IS NOT NULL AND ${expr} <> '')`;
}
