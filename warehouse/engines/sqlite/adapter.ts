import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Knex } from 'knex';
import type { StagingTableSpec } from '../../tables.js';
import type { WarehouseUrl } from '../../url.js';
import type {
  BatchResult,
  EncodedRows,
  LoadContext,
  NamedLock,
  StageRow,
  SwapPair,
  SwapResult,
  TruncUnit,
} from '../adapter.js';
import { BaseAdapter, quoteIdent } from '../base.js';
import { filledColumns, ValueReader } from '../values.js';

/** Rows per multi-row INSERT: well inside SQLite's 32,766 bound-parameter limit. */
const ROWS_PER_STATEMENT = 200;

/**
 * The embedded default. One writer at a time, so the bulk path is prepared multi-row upserts
 * inside one transaction; named locks are rows in etl_lock with the holder's pid.
 */
export class SqliteAdapter extends BaseAdapter {
  readonly name = 'sqlite' as const;
  readonly label = 'SQLite';
  override readonly batchRows = 20_000;
  /** The planner looks the computed key up in the other table's key, once per row. */
  override readonly joinsOnExpressions = true;

  knexConfig(url: WarehouseUrl): Knex.Config {
    const file = url.file ?? ':memory:';
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    return {
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      pool: { min: 1, max: 1 },
    };
  }

  override async afterCreate(connection: unknown): Promise<void> {
    const db = connection as Database.Database;
    // WAL lets BI tools read while a pipeline writes; NORMAL sync is durable in WAL mode.
    if (db.name !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
  }

  override now(): string {
    // ISO-8601 text, the same form timestamp() binds, so values compare and sort as text.
    return `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
  }

  override nowDefault(): string {
    // SQLite takes an expression as a column default only in parentheses.
    return `(${this.now()})`;
  }

  override timestamp(date: Date): unknown {
    // better-sqlite3 cannot bind Date; ISO text sorts and compares correctly.
    return date.toISOString();
  }

  dateTrunc(unit: TruncUnit, expr: string): string {
    return unit === 'month'
      ? `date(${expr}, 'start of month')`
      : `date(${expr}, '-' || ((CAST(strftime('%w', ${expr}) AS INTEGER) + 6) % 7) || ' days')`;
  }

  override toFloat(expr: string): string {
    return `CAST(${expr} AS REAL)`;
  }

  daysBetween(from: string, to: string): string {
    // Julian days of two dates differ by an exact whole number; date() drops any time of day.
    return `CAST(julianday(date(${to})) - julianday(date(${from})) AS INTEGER)`;
  }

  secondsBetween(from: string, to: string): string {
    return `(unixepoch(${to}, 'subsec') - unixepoch(${from}, 'subsec'))`;
  }

  monthIndex(expr: string): string {
    return `(CAST(strftime('%Y', ${expr}) AS INTEGER) * 12 + CAST(strftime('%m', ${expr}) AS INTEGER) - 1)`;
  }

  async createTableLike(knex: Knex, table: string, like: string): Promise<void> {
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

  /**
   * The table with its keys, without its other indexes: SQLite cannot rename an index, so the
   * live table's indexes are built under their own names by swapTables once the table is in place.
   */
  override async createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    await this.createTableLike(knex, table, like);
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
  override async swapTables(
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

  async hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
    const rows = (await knex.raw(
      "SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name = ?",
      [table, index],
    )) as unknown[];
    return rows.length > 0;
  }

  async listTables(knex: Knex): Promise<string[]> {
    const rows = (await knex.raw(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )) as Array<{ name: string }>;
    return rows.map((r) => r.name);
  }

  override async analyze(knex: Knex, table: string): Promise<void> {
    // A bounded sample per index: ANALYZE stays fast on ten-million-row tables.
    await knex.raw('PRAGMA analysis_limit = 1000');
    await knex.raw(`ANALYZE ${quoteIdent(table)}`);
  }

  /** Rows encoded by another thread come as packed values, bound as they are. */
  readonly bulkFormat = 'values' as const;

  async loadBatch(trx: Knex.Transaction, ctx: LoadContext, rows: StageRow[]): Promise<BatchResult> {
    const cols = filledColumns(ctx.spec, rows);
    let next = 0;
    return this.upsertRows(trx, ctx, cols, rows.length, (values, count) => {
      for (const end = next + count; next < end; next++) {
        const row = rows[next]!;
        for (const c of cols) values.push(bindable(row[c]));
      }
    });
  }

  async loadEncoded(trx: Knex.Transaction, ctx: LoadContext, rows: EncodedRows): Promise<BatchResult> {
    if (rows.bulk !== 'values') {
      throw new Error(`${this.label} loads staging rows as values, not as ${rows.bulk} bulk text`);
    }
    const reader = new ValueReader(rows, ctx.spec);
    return this.upsertRows(trx, ctx, rows.bound, rows.count, (values, count) => reader.read(values, count));
  }

  /**
   * Upserts `rowCount` rows of the columns `cols`, ROWS_PER_STATEMENT to a statement; `fill`
   * appends the next `count` rows' values to `values`.
   */
  private async upsertRows(
    trx: Knex.Transaction,
    ctx: LoadContext,
    cols: readonly string[],
    rowCount: number,
    fill: (values: unknown[], count: number) => void,
  ): Promise<BatchResult> {
    const db = (await trx.client.acquireConnection()) as Database.Database;
    const statements = (ctx.state.statements ??= new Map<string, Database.Statement>()) as Map<
      string,
      Database.Statement
    >;
    const prepared = (n: number): Database.Statement => {
      const id = `${n}:${cols.join(',')}`;
      let stmt = statements.get(id);
      if (!stmt) {
        stmt = db.prepare(upsertSql(ctx.spec, cols, n, this.now()));
        statements.set(id, stmt);
      }
      return stmt;
    };
    // Inserted rows get rowids above the current maximum; updated rows keep theirs. Counting
    // that range is O(inserted), where count(*) before and after would scan the table.
    const table = quoteIdent(ctx.spec.name);
    const before = (db.prepare(`SELECT coalesce(max(rowid), 0) AS m FROM ${table}`).get() as { m: number }).m;
    let changes = 0;
    const values: unknown[] = [];
    for (let i = 0; i < rowCount; i += ROWS_PER_STATEMENT) {
      const count = Math.min(ROWS_PER_STATEMENT, rowCount - i);
      values.length = 0;
      fill(values, count);
      changes += prepared(count).run(values).changes;
    }
    const inserted = (
      db.prepare(`SELECT count(*) AS n FROM ${table} WHERE rowid > ?`).get(before) as { n: number }
    ).n;
    return { inserted, updated: changes - inserted };
  }

  async tryLock(knex: Knex, name: string): Promise<NamedLock | null> {
    const holder = { owner: `${os.hostname()}:${process.pid}`, host: os.hostname(), pid: process.pid };
    const take = async (): Promise<boolean> => {
      const res = await knex.raw(
        'INSERT INTO etl_lock (name, owner, host, pid, acquired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
        [name, holder.owner, holder.host, holder.pid, new Date().toISOString()],
      );
      return (res as { changes?: number }).changes === 1;
    };
    if (!(await take())) {
      const row = (await knex('etl_lock').where({ name }).first()) as
        { host: string; pid: number } | undefined;
      // A lock left by a process that died on this machine is stale: take it over.
      if (!row || row.host !== holder.host || processAlive(Number(row.pid))) return null;
      await knex('etl_lock').where({ name, host: row.host, pid: row.pid }).delete();
      if (!(await take())) return null;
    }
    return {
      release: async () => {
        await knex('etl_lock').where({ name, owner: holder.owner }).delete();
      },
    };
  }
}

function upsertSql(spec: StagingTableSpec, cols: readonly string[], rowCount: number, now: string): string {
  const q = (c: string) => quoteIdent(c);
  const tuple = `(${cols.map(() => '?').join(',')})`;
  const updates = spec.columns
    .map((c) => c.name)
    .filter((c) => !spec.key.includes(c))
    .map((c) => (cols.includes(c) ? `${q(c)} = excluded.${q(c)}` : `${q(c)} = NULL`))
    .concat(`"updated_at" = ${now}`);
  return (
    `INSERT INTO ${q(spec.name)} (${cols.map(q).join(',')}) VALUES ${Array(rowCount).fill(tuple).join(',')} ` +
    `ON CONFLICT (${spec.key.map(q).join(',')}) DO UPDATE SET ${updates.join(', ')} ` +
    `WHERE ${q(spec.name)}.${q(spec.hashColumn)} IS NOT excluded.${q(spec.hashColumn)}`
  );
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
