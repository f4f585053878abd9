import type { Knex } from 'knex';
import type { SwapPair, SwapResult, SwapWithinResult } from '../adapter.js';
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
  const attached = await attachedTo(knex, pairs);
  await knex.raw('PRAGMA legacy_alter_table = ON');
  try {
    await knex.transaction(async (trx) => {
      for (const pair of pairs) {
        await replaceTable(trx, pair, attached);
        await afterTable?.(pair.table);
      }
    });
  } finally {
    await knex.raw('PRAGMA legacy_alter_table = OFF');
  }
  return { method: 'rename' };
}

/**
 * The same swap inside the caller's transaction (a refresh's commit): SQLite's DDL is
 * transactional and WAL readers are never blocked, so it always can. legacy_alter_table is a
 * flag of the connection, which the transaction holds; it is set back before returning.
 */
export async function swapWithin(
  trx: Knex.Transaction,
  pairs: readonly SwapPair[],
): Promise<SwapWithinResult> {
  const attached = await attachedTo(trx, pairs);
  await trx.raw('PRAGMA legacy_alter_table = ON');
  try {
    for (const pair of pairs) await replaceTable(trx, pair, attached);
  } finally {
    await trx.raw('PRAGMA legacy_alter_table = OFF');
  }
  return { swapped: true };
}

/** The DDL of each live table's indexes and triggers, to create them again on the table that replaces it. */
async function attachedTo(knex: Knex, pairs: readonly SwapPair[]): Promise<Map<string, string[]>> {
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
  return attached;
}

async function replaceTable(
  trx: Knex.Transaction,
  pair: SwapPair,
  attached: Map<string, string[]>,
): Promise<void> {
  await trx.raw(`DROP TABLE ${quoteIdent(pair.table)}`);
  await trx.raw(`ALTER TABLE ${quoteIdent(pair.build)} RENAME TO ${quoteIdent(pair.table)}`);
  for (const sql of attached.get(pair.table)!) await trx.raw(sql);
}
