import type { Knex } from 'knex';
import type { Warehouse } from '../connection.js';
import type { ColumnSpec } from '../tables.js';

/** The tables buildMarts rebuilds, in the order they are swapped in. */
export const MART_TABLES = [
  'fct_order',
  'fct_interaction',
  'mart_customer_rfm',
  'mart_cohort_retention',
  'mart_customer_clv',
  'mart_segment_profitability',
  'mart_scoreboard',
] as const;

export type MartTable = (typeof MART_TABLES)[number];

/** Where a mart is built before it is swapped in. */
export const build = (table: MartTable): string => `${table}__build`;

/**
 * Empty copies of the marts with their keys and indexes: the keys check the build as it is
 * written, the indexes serve the joins of later marts on engines without hash joins (MariaDB).
 * DDL runs here, before and outside the swap transaction, because MySQL commits on DDL.
 */
export async function createBuildTables(wh: Warehouse): Promise<void> {
  for (const table of MART_TABLES) {
    await wh.knex.schema.dropTableIfExists(build(table));
    await wh.adapter.createTableLike(wh.knex, build(table), table);
  }
}

/**
 * Swaps every built mart in, in ONE transaction: readers see all old marts or all new ones, never
 * an empty or half-written table (MVCC on PostgreSQL and InnoDB, WAL snapshots on SQLite).
 * DELETE + INSERT … SELECT rather than RENAME: it is transactional on all three engines and keeps
 * the marts' grants, foreign keys and indexes. `afterTable` runs inside the transaction.
 */
export async function swapBuildTables(
  wh: Warehouse,
  afterTable?: (table: MartTable) => Promise<void> | void,
): Promise<void> {
  const columns = new Map<MartTable, string[]>();
  for (const table of MART_TABLES) columns.set(table, Object.keys(await wh.knex(table).columnInfo()));
  await wh.knex.transaction(async (trx) => {
    for (const table of MART_TABLES) {
      const cols = columns.get(table)!;
      const list = cols.map(() => '??').join(', ');
      await trx.raw('DELETE FROM ??', [table]);
      await trx.raw(`INSERT INTO ?? (${list}) SELECT ${list} FROM ??`, [
        table,
        ...cols,
        ...cols,
        build(table),
      ]);
      await afterTable?.(table);
    }
  });
}

export async function dropBuildTables(wh: Warehouse): Promise<void> {
  for (const table of MART_TABLES) await wh.knex.schema.dropTableIfExists(build(table));
}

/** A working table that lives for one build: intermediate per-customer aggregates. */
export interface ScratchSpec {
  name: string;
  columns: readonly ColumnSpec[];
  key?: readonly string[];
  indexes?: ReadonlyArray<readonly string[]>;
}

/** Creates a scratch table (dropping a leftover of a killed run first), typed through the adapter. */
export async function createScratch(wh: Warehouse, spec: ScratchSpec): Promise<void> {
  await wh.knex.schema.dropTableIfExists(spec.name);
  await wh.knex.schema.createTable(spec.name, (t: Knex.CreateTableBuilder) => {
    wh.adapter.tableDefaults(t);
    for (const c of spec.columns) {
      const col = wh.adapter.addColumn(t, c);
      if (spec.key?.includes(c.name)) col.notNullable();
    }
    if (spec.key) t.primary([...spec.key]);
    spec.indexes?.forEach((cols, i) => t.index([...cols], `${spec.name}_i${i}`));
  });
}

/** Row count of a table, for the step report. */
export async function countRows(wh: Warehouse, table: string): Promise<number> {
  const [row] = (await wh.knex(table).count({ n: '*' })) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}
