import type { Warehouse } from '../../warehouse/connection.js';

type Cell = string | number | null;

/**
 * Selected columns of a table as arrays, sorted in JS by code point (not by the engine's
 * collation), numbers as numbers whatever type the driver returns — so one expected literal
 * serves all three engines.
 */
export async function tableRows(wh: Warehouse, table: string, columns: string[]): Promise<Cell[][]> {
  const rows = (await wh.knex(table).select(columns)) as Array<Record<string, unknown>>;
  const out = rows.map((r) =>
    columns.map((c): Cell => {
      const v = r[c];
      if (v === null || v === undefined) return null;
      if (typeof v === 'number' || typeof v === 'string') return v;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString();
      return String(v);
    }),
  );
  const key = (row: Cell[]) => JSON.stringify(row);
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * A cheap fingerprint of every mart — row count and a sum per table — read by ONE statement, so
 * it comes from one snapshot (separate statements at READ COMMITTED could straddle a commit).
 */
export async function martFingerprint(wh: Warehouse): Promise<string> {
  const sums: Record<string, string> = {
    fct_order: 'amount',
    fct_interaction: 'customer_id',
    mart_customer_rfm: 'monetary',
    mart_cohort_retention: 'retained',
    mart_customer_clv: 'historical_value',
    mart_segment_profitability: 'revenue',
    mart_scoreboard: 'actual',
  };
  const tables = Object.keys(sums);
  const select = tables
    .map(
      (table, i) =>
        `(SELECT COUNT(*) FROM ${table}) AS n${i}, (SELECT SUM(${sums[table]}) FROM ${table}) AS s${i}`,
    )
    .join(', ');
  const [row] = wh.adapter.rows(await wh.knex.raw(`SELECT ${select}`));
  return tables
    .map((table, i) => `${table}:${Number(row?.[`n${i}`])}:${Number(row?.[`s${i}`] ?? 0).toFixed(2)}`)
    .join(' ');
}
