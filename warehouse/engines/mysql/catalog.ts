import type { Knex } from 'knex';
import { q } from './dialect.js';

// What the warehouse's database holds, and new tables shaped like existing ones.

export async function createTableLike(knex: Knex, table: string, like: string): Promise<void> {
  // LIKE copies columns, collation, keys and indexes (not foreign keys). It is DDL, so it
  // commits implicitly: callers run it outside any transaction.
  await knex.raw(`CREATE TABLE ${q(table)} LIKE ${q(like)}`);
}

export async function analyze(knex: Knex, table: string): Promise<void> {
  await knex.raw(`ANALYZE TABLE ${q(table)}`);
}

export async function listTables(knex: Knex): Promise<string[]> {
  const [rows] = (await knex.raw(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
  )) as [Array<{ name: string }>];
  return rows.map((r) => r.name);
}

export async function hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
  const [rows] = (await knex.raw(
    'SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ? LIMIT 1',
    [table, index],
  )) as [unknown[]];
  return rows.length > 0;
}
