import type { Knex } from 'knex';
import { quoteIdent as q } from '../base.js';

// What the warehouse's schema holds, and new tables shaped like existing ones.

export async function createTableLike(knex: Knex, table: string, like: string): Promise<void> {
  await knex.raw(`CREATE TABLE ${q(table)} (LIKE ${q(like)} INCLUDING DEFAULTS INCLUDING INDEXES)`);
}

export async function hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
  const { rows } = (await knex.raw(
    'SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? AND indexname = ?',
    [table, index],
  )) as { rows: unknown[] };
  return rows.length > 0;
}

/**
 * Renames a table and the indexes named after it (its key's among them: knex names it
 * `<table>_pkey`), in one transaction: index names are the schema's, so a table created later
 * under the old name would otherwise collide with them.
 */
export async function renameTable(knex: Knex, from: string, to: string): Promise<void> {
  await knex.transaction(async (trx) => {
    const { rows } = (await trx.raw(
      'SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? ORDER BY 1',
      [from],
    )) as { rows: Array<{ name: string }> };
    await trx.raw(`ALTER TABLE ${q(from)} RENAME TO ${q(to)}`);
    for (const { name } of rows) {
      if (name.startsWith(from))
        await trx.raw(`ALTER INDEX ${q(name)} RENAME TO ${q(to + name.slice(from.length))}`);
    }
  });
}

export async function listTables(knex: Knex): Promise<string[]> {
  const { rows } = (await knex.raw(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  )) as { rows: Array<{ name: string }> };
  return rows.map((r) => r.name);
}
