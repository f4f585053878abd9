import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Warehouse } from '../connection.js';
import type { Leftovers, SwapResult } from '../engines/adapter.js';
import type { ColumnSpec } from '../tables.js';

/** The tables buildMarts rebuilds, in the order they are swapped in. */
export const MART_TABLES = [
  'fct_order',
  'fct_interaction',
  'mart_customer_rfm',
  'mart_cohort_retention',
  'mart_customer_clv',
  'mart_segment_profitability',
  'mart_manager_activity',
  'mart_lead_funnel',
  'mart_scoreboard',
] as const;

export type MartTable = (typeof MART_TABLES)[number];

/** Where a mart is built before it is swapped in. */
export const build = (table: MartTable): string => `${table}__build`;

/**
 * The name a live mart takes on its way out during a swap by renaming (dropped right after). Each
 * swap's own: one a reader kept from being dropped (adapter.dropLeftovers) stays until a later
 * build drops it, and must not be in the way of the swaps meanwhile.
 */
export const retired = (table: MartTable): string => `${table}__old_${randomBytes(4).toString('hex')}`;

/** Whether a table is a build's leftover of mart `table`: its build table or a retired one. */
const isLeftoverOf = (table: MartTable, name: string): boolean =>
  name === build(table) || (name.startsWith(table) && /^__old(_[0-9a-f]+)?$/.test(name.slice(table.length)));

/**
 * Empty tables to build the marts in, with the live marts' columns (adapter.createBuildTable:
 * keys and indexes are added as the engine builds them fastest, before or after the fill).
 * DDL runs here, before and outside the swap transaction, because MySQL commits on DDL.
 * Leftovers of a killed build go first; returns those that could not (dropBuildTables).
 */
export async function createBuildTables(wh: Warehouse): Promise<Leftovers> {
  const left = await dropBuildTables(wh);
  await wh.adapter.scratchWork(wh.knex, async (db) => {
    for (const table of MART_TABLES) await wh.adapter.createBuildTable(db, build(table), table);
  });
  return left;
}

/** After a mart's build table is filled: its remaining indexes, keys, foreign keys, grants. */
export async function finishBuildTable(wh: Warehouse, table: MartTable): Promise<void> {
  await wh.adapter.finishBuildTable(wh.knex, build(table), table);
}

/**
 * Swaps every built mart in, in ONE transaction (adapter.swapTables): readers see all old marts
 * or all new ones, never an empty or half-written table. PostgreSQL and SQLite rename the build
 * tables into place (transactional DDL: nothing is copied); MySQL, whose DDL commits, renames all
 * of them in one atomic RENAME TABLE statement. `afterTable` runs inside the transaction (MySQL:
 * right after the rename).
 */
export async function swapBuildTables(
  wh: Warehouse,
  afterTable?: (table: MartTable) => Promise<void> | void,
): Promise<SwapResult> {
  const pairs = MART_TABLES.map((table) => ({ table, build: build(table), old: retired(table) }));
  return wh.adapter.swapTables(wh.knex, pairs, afterTable as (table: string) => Promise<void> | void);
}

/** Adds a build's note on the leftovers it could not drop, if any (dropBuildTables, adapter.dropLeftovers). */
export function noteLeftovers(notes: string[], found: Leftovers): void {
  if (found.left.length === 0) return;
  notes.push(
    `Leftovers: ${found.left.join(', ')} not dropped yet (dropping them now would make readers of the tables they reference wait: ${found.heldBy.join('; ')}); the next build drops them`,
  );
}

/**
 * Drops the build tables and the retired marts earlier swaps left, as far as readers let it
 * (adapter.dropLeftovers); returns what is left. A build table left is set aside under a retired
 * name, out of the way of the next build's.
 */
export async function dropBuildTables(wh: Warehouse): Promise<Leftovers> {
  const tables = await wh.adapter.listTables(wh.knex);
  const found = MART_TABLES.flatMap((table) => tables.filter((name) => isLeftoverOf(table, name)));
  const result = await wh.adapter.dropLeftovers(wh.knex, found);
  const { left } = result;
  for (const table of MART_TABLES) {
    if (!left.includes(build(table))) continue;
    const aside = retired(table);
    await wh.adapter.setAside(wh.knex, build(table), aside);
    left[left.indexOf(build(table))] = aside;
  }
  return result;
}

/** A working table that lives for one build: intermediate per-customer aggregates. */
export interface ScratchSpec {
  name: string;
  columns: readonly ColumnSpec[];
  key?: readonly string[];
  indexes?: ReadonlyArray<readonly string[]>;
}

/**
 * Creates a scratch table (dropping a leftover of a killed run first), typed through the adapter.
 * With `withIndexes: false` the caller adds the other indexes after filling the table
 * (finishScratch), one sorted pass each instead of an update per row — and the primary key too
 * where the engine can add one to a filled table (adapter.keysAfterFill). The statements run as
 * scratch work (adapter.scratchWork: on PostgreSQL one commit, not waited for).
 */
export async function createScratch(wh: Warehouse, spec: ScratchSpec, withIndexes = true): Promise<void> {
  const keyNow = withIndexes || !wh.adapter.keysAfterFill;
  await wh.adapter.scratchWork(wh.knex, async (db) => {
    await db.schema.dropTableIfExists(spec.name);
    await db.schema.createTable(spec.name, (t: Knex.CreateTableBuilder) => {
      wh.adapter.tableDefaults(t);
      for (const c of spec.columns) {
        const col = wh.adapter.addColumn(t, c);
        if (spec.key?.includes(c.name)) col.notNullable();
      }
      if (spec.key && keyNow) t.primary([...spec.key]);
    });
    if (withIndexes) await createScratchIndexes(db, spec);
  });
}

/**
 * After the fill of a scratch table created without indexes: its key where it was left out, then
 * its indexes, on `db` (the caller's scratch work, or the warehouse's connections).
 */
export async function finishScratch(wh: Warehouse, spec: ScratchSpec, db: Knex = wh.knex): Promise<void> {
  const { key } = spec;
  if (key && wh.adapter.keysAfterFill) {
    await db.schema.alterTable(spec.name, (t: Knex.AlterTableBuilder) => t.primary([...key]));
  }
  await createScratchIndexes(db, spec);
}

async function createScratchIndexes(db: Knex, spec: ScratchSpec): Promise<void> {
  if (!spec.indexes?.length) return;
  await db.schema.alterTable(spec.name, (t: Knex.AlterTableBuilder) => {
    spec.indexes?.forEach((cols, i) => t.index([...cols], `${spec.name}_i${i}`));
  });
}

/**
 * Keeps a scratch table beyond the build under another name by renaming it (nothing copied). Its
 * secondary indexes served the build's joins and go (SQLite's index names are the database's, and
 * the next build creates them again); its key stays and indexes the kept rows by customer.
 */
export async function keepScratch(wh: Warehouse, scratch: string, kept: string): Promise<void> {
  for (let i = 0; await wh.adapter.hasIndex(wh.knex, scratch, `${scratch}_i${i}`); i++) {
    await wh.knex.schema.alterTable(scratch, (t) => t.dropIndex([], `${scratch}_i${i}`));
  }
  await wh.knex.schema.dropTableIfExists(kept);
  await wh.adapter.renameTable(wh.knex, scratch, kept);
}

/** Row count of a table, for the step report. */
export async function countRows(wh: Warehouse, table: string): Promise<number> {
  const [row] = (await wh.knex(table).count({ n: '*' })) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}
