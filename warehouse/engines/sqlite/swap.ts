import type { Knex } from 'knex';
import type { SwapPair, SwapResult } from '../adapter.js';
import { quoteIdent } from '../base.js';
import { createTableLike } from './catalog.js';

// Mart builds: a build table is filled beside its live table, then swapped in for it.

/**
 * The table with its keys, without its other indexes: SQLite cannot rename an index, so the
 * live table's indexes are built under their own names by swapTables once the table is in place.
 */
export async function createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
  await createTableLike(knex, table, like);
  const copied = (await knex.raw(
    `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
    [table],
  )) as Array<{ name: string }>;
  for (const { name } of copied) await knex.raw(`DROP INDEX ${quoteIdent(name)}`);
}

/**
 * Swaps in one transaction by dropping each live table, renaming its build table to the live
 * name and re-creating the live table's indexes and triggers from their own DDL. WAL readers
 * keep the snapshot they started with and are never blocked. legacy_alter_table keeps the
 * rename from rewriting (or, while the live table is gone, rejecting) views that name the
 * table: they read the new table by its name.
 */
export async function swapTables(
  knex: Knex,
  pairs: readonly SwapPair[],
  afterTable?: (table: string) => Promise<void> | void,
): Promise<SwapResult> {
  const attached = new Map<string, string[]>();
  for (const { table } of pairs) {
    const rows = (await knex.raw(
      `SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL ORDER BY type = 'trigger', name`,
      [table],
    )) as Array<{ sql: string }>;
    attached.set(
      table,
      rows.map((r) => r.sql),
    );
  }
  await knex.raw('PRAGMA legacy_alter_table = ON');
  try {
    await knex.transaction(async (trx) => {
      for (const { table, build } of pairs) {
        await trx.raw(`DROP TABLE ${quoteIdent(table)}`);
        await trx.raw(`ALTER TABLE ${quoteIdent(build)} RENAME TO ${quoteIdent(table)}`);
        for (const sql of attached.get(table)!) await trx.raw(sql);
        await afterTable?.(table);
      }
    });
  } finally {
    await knex.raw('PRAGMA legacy_alter_table = OFF');
  }
  return { method: 'rename' };
}
