import type { Knex } from 'knex';
import { quoteIdent } from '../base.js';

// What the warehouse's file holds, and new tables shaped like existing ones.

export async function createTableLike(knex: Knex, table: string, like: string): Promise<void> {
  // SQLite has no CREATE TABLE … LIKE: replay the table's and its indexes' own DDL under new names.
  const rows = (await knex.raw(
    `SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type = 'index'`,
    [like],
  )) as Array<{ type: string; name: string; sql: string }>;
  if (!rows.some((r) => r.type === 'table')) throw new Error(`No table ${like} to copy`);
  // knex writes identifiers in backticks; plain and double-quoted names are handled too.
  const name = '(["`]?)[^\\s("`]+\\2';
  for (const row of rows) {
    const sql =
      row.type === 'table'
        ? row.sql.replace(new RegExp(`^(CREATE TABLE\\s+)${name}`, 'i'), `$1${quoteIdent(table)}`)
        : row.sql
            .replace(
              new RegExp(`^(CREATE (?:UNIQUE )?INDEX\\s+)${name}`, 'i'),
              `$1${quoteIdent(`${table}__${row.name}`)}`,
            )
            .replace(new RegExp(`(\\sON\\s+)${name}`, 'i'), `$1${quoteIdent(table)}`);
    await knex.raw(sql);
  }
}

export async function hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
  const rows = (await knex.raw(
    "SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name = ?",
    [table, index],
  )) as unknown[];
  return rows.length > 0;
}

export async function listTables(knex: Knex): Promise<string[]> {
  const rows = (await knex.raw(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  )) as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

export async function analyze(knex: Knex, table: string): Promise<void> {
  // A bounded sample per index: ANALYZE stays fast on ten-million-row tables.
  await knex.raw('PRAGMA analysis_limit = 1000');
  await knex.raw(`ANALYZE ${quoteIdent(table)}`);
}
