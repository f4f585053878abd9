import type { Sql } from './sql.js';

/**
 * Grouped percentiles as PostgreSQL's percentile_cont computes them (linear between the two
 * nearest ranks: position 1 + p·(n − 1)), in SQL every engine runs alike: MySQL has no
 * percentile_cont and MariaDB's is a window function only. Ranks come from ROW_NUMBER, the position
 * is split into its whole part and a fraction of hundredths by integer arithmetic, so on integer
 * values (whole seconds) the three engines compute the same double.
 *
 * `source` is a FROM item with the `groups` columns and `value`; the result has the groups, `n`
 * (the group's size) and one column per entry of `percents` (name → percent, 0–100).
 */
export function percentilesSql(
  sql: Sql,
  source: string,
  groups: readonly string[],
  value: string,
  percents: Readonly<Record<string, number>>,
): string {
  const g = groups.join(', ');
  const cols = Object.entries(percents).map(([name, p]) => {
    if (!Number.isInteger(p) || p < 0 || p > 100) throw new Error(`percentile ${p} is not a whole percent`);
    const lo = `(1 + ${sql.floorDiv(`${p} * (n - 1)`, 100)})`;
    const frac = sql.ratio(`(${p} * (n - 1)) % 100`, '100');
    const at = (rank: string) => `MAX(CASE WHEN rn = ${rank} THEN ${sql.adapter.toFloat('v')} END)`;
    const low = at(lo);
    const high = `COALESCE(${at(`${lo} + 1`)}, ${low})`;
    return `(${low} + (${high} - ${low}) * ${frac}) AS ${name}`;
  });
  return `SELECT ${g}, n, ${cols.join(', ')}
    FROM (SELECT ${g}, ${value} AS v, ROW_NUMBER() OVER (PARTITION BY ${g} ORDER BY ${value}) AS rn,
            COUNT(*) OVER (PARTITION BY ${g}) AS n
          FROM ${source}) ranked
    GROUP BY ${g}, n`;
}
