import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { ConfigError } from '../../lib/errors.js';
import type { ColumnSpec, StagingTableSpec } from '../tables.js';
import type { EngineName, WarehouseUrl } from '../url.js';
import type {
  BatchResult,
  BulkFormat,
  BulkTextFormat,
  EncodedRows,
  EngineAdapter,
  LoadContext,
  Leftovers,
  NamedLock,
  StageRow,
  SwapPair,
  SwapResult,
  SwapWithinResult,
  TruncUnit,
} from './adapter.js';
import { lineEncoder, tsvStream } from './tsv.js';

/** Defaults shared by the engines; each engine overrides only what differs. */
export abstract class BaseAdapter implements EngineAdapter {
  abstract readonly name: EngineName;
  abstract readonly label: string;
  readonly batchRows: number = 50_000;
  /** MariaDB may drive such a join from the indexed side and scan the other once per row. */
  readonly joinsOnExpressions: boolean = false;
  readonly transactionalDdl: boolean = true;
  readonly exactMoney: boolean = true;
  readonly keysAfterFill: boolean = false;

  abstract knexConfig(url: WarehouseUrl): Knex.Config;
  abstract dateTrunc(unit: TruncUnit, expr: string): string;
  abstract listTables(knex: Knex): Promise<string[]>;
  abstract hasIndex(knex: Knex, table: string, index: string): Promise<boolean>;
  abstract loadBatch(trx: Knex.Transaction, ctx: LoadContext, rows: StageRow[]): Promise<BatchResult>;
  abstract readonly bulkFormat: BulkFormat;
  abstract loadEncoded(trx: Knex.Transaction, ctx: LoadContext, rows: EncodedRows): Promise<BatchResult>;
  abstract tryLock(knex: Knex, name: string): Promise<NamedLock | null>;
  abstract daysBetween(from: string, to: string): string;
  abstract secondsBetween(from: string, to: string): string;
  abstract monthIndex(expr: string): string;
  abstract createTableLike(knex: Knex, table: string, like: string): Promise<void>;

  toFloat(expr: string): string {
    return `CAST(${expr} AS DOUBLE PRECISION)`;
  }

  async createIndex(knex: Knex, table: string, index: string, columns: readonly ColumnSpec[]): Promise<void> {
    await knex.schema.alterTable(table, (t) => {
      t.index(
        columns.map((c) => c.name),
        index,
      );
    });
  }

  async analyze(knex: Knex, table: string): Promise<void> {
    await knex.raw(`ANALYZE ${quoteIdent(table)}`);
  }

  /** By default a build table is a full copy, keys and indexes included, kept up as it is filled. */
  async createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    await this.createTableLike(knex, table, like);
  }

  async finishBuildTable(_knex: Knex, _table: string, _like: string): Promise<void> {}

  async renameTable(knex: Knex, from: string, to: string): Promise<void> {
    await knex.schema.renameTable(from, to);
  }

  /** Engines that join by index probes anyway (SQLite; MySQL hashes only where no index serves). */
  async runProbes(knex: Knex, sql: string): Promise<number> {
    return this.runBulk(knex, sql);
  }

  /** SQLite's driver reports the rows written as `changes`. */
  async runBulk(knex: Knex, sql: string): Promise<number> {
    const result = (await knex.raw(sql)) as { changes?: number } | undefined;
    return Number(result?.changes ?? 0);
  }

  /** As it comes: SQLite in WAL mode with synchronous = NORMAL does not flush at each commit. */
  async scratchWork<T>(knex: Knex, fn: (db: Knex) => Promise<T>): Promise<T> {
    return fn(knex);
  }

  buildInsertOrder(keyExpr: string): string {
    return `ORDER BY ${keyExpr}`;
  }

  deleteByKeys(table: string, alias: string, column: string, keys: string, where?: string): string {
    return `DELETE FROM ${table} AS ${alias} WHERE ${alias}.${column} IN (SELECT k FROM (${keys}) keys_)${where ? ` AND ${where}` : ''}`;
  }

  /** Multi-row INSERTs of 500 rows: inside every engine's bound-parameter limit for ~60 columns. */
  async insertRows(
    knex: Knex,
    table: string,
    _columns: readonly string[],
    rows: ReadonlyArray<Record<string, string | number | null>>,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) await knex(table).insert(rows.slice(i, i + 500));
  }

  /** DELETE without a WHERE: SQLite empties the table in one step; MySQL's TRUNCATE would commit. */
  async emptyTable(trx: Knex.Transaction, table: string): Promise<void> {
    await trx(table).delete();
  }

  /** insertRows over rows made from the columns, a group at a time. */
  async insertNumberColumns(
    knex: Knex,
    table: string,
    columns: readonly string[],
    data: ReadonlyArray<ArrayLike<number>>,
    length: number,
  ): Promise<void> {
    const GROUP = 20_000;
    for (let start = 0; start < length; start += GROUP) {
      const rows: Array<Record<string, number>> = [];
      for (let i = start; i < Math.min(length, start + GROUP); i++) {
        const row: Record<string, number> = {};
        columns.forEach((c, k) => (row[c] = data[k]![i]!));
        rows.push(row);
      }
      await this.insertRows(knex, table, columns, rows);
    }
  }

  /** The copy swap (copySwap): every engine can do it; an engine with a faster swap overrides this. */
  async swapTables(
    knex: Knex,
    pairs: readonly SwapPair[],
    afterTable?: (table: string) => Promise<void> | void,
  ): Promise<SwapResult> {
    return copySwap(knex, pairs, afterTable);
  }

  /** DDL commits the caller's transaction here (MySQL): a swap inside one would not be atomic with it. */
  async swapWithinBlockers(_knex: Knex, _table: string): Promise<string[]> {
    return [`${this.name}'s DDL commits the transaction it runs in`];
  }

  async swapWithin(_trx: Knex.Transaction, pairs: readonly SwapPair[]): Promise<SwapWithinResult> {
    throw new Error(
      `Cannot swap ${pairs.map((p) => p.table).join(', ')} inside a transaction on ${this.name}: its DDL commits it (ask swapWithinBlockers first)`,
    );
  }

  /**
   * A plain drop: SQLite's readers never block it (WAL), and MariaDB's DROP of a table with a
   * foreign key does not wait for readers of the table it references (checked on 10.11 with a
   * transaction open on dim_customer).
   */
  async dropLeftovers(knex: Knex, tables: readonly string[]): Promise<Leftovers> {
    for (const table of tables) await knex.schema.dropTableIfExists(table);
    return { left: [], heldBy: [] };
  }

  async setAside(knex: Knex, table: string, to: string): Promise<void> {
    await this.renameTable(knex, table, to);
  }

  /** Key columns use a binary collation already on MySQL and SQLite. */
  binaryOrder(expr: string): string {
    return expr;
  }

  /** SQLite and MySQL have no composite value to take the MIN of: the window serves them. */
  firstInGroup(_texts: readonly string[], _pick: number, _date?: string): string | null {
    return null;
  }

  async afterCreate(_connection: unknown): Promise<void> {}

  async prepare(knex: Knex): Promise<void> {
    await knex.raw('SELECT 1');
  }

  addColumn(table: Knex.CreateTableBuilder, column: ColumnSpec): Knex.ColumnBuilder {
    switch (column.type) {
      case 'key':
        return table.string(column.name, 255);
      case 'text':
        return table.text(column.name);
      case 'date':
        return table.date(column.name);
      case 'datetime':
        return table.datetime(column.name, { precision: 3 });
      case 'money':
        return table.decimal(column.name, 18, 2);
      case 'float':
        return table.double(column.name);
      case 'int':
        return table.bigInteger(column.name);
      case 'json':
        return table.json(column.name);
    }
  }

  tableDefaults(_table: Knex.CreateTableBuilder): void {}

  now(): string {
    return 'CURRENT_TIMESTAMP(3)';
  }

  nowDefault(): string {
    return this.now();
  }

  /** knex.raw's result as an array of rows (SQLite returns the array itself). */
  rows(result: unknown): Array<Record<string, unknown>> {
    return result as Array<Record<string, unknown>>;
  }

  timestamp(date: Date): unknown {
    return date;
  }

  parseJson(value: unknown): unknown {
    return typeof value === 'string' ? JSON.parse(value) : value;
  }

  async upsert(knex: Knex, table: string, rows: Record<string, unknown>[], key: string[]): Promise<void> {
    if (rows.length === 0) return;
    await knex(table).insert(rows).onConflict(key).merge();
  }

  async insertReturningId(knex: Knex, table: string, row: Record<string, unknown>, idColumn: string) {
    const [res] = (await knex(table).insert(row).returning(idColumn)) as Array<Record<string, unknown>>;
    return Number(res?.[idColumn]);
  }

  async endLoad(_trx: Knex.Transaction, _ctx: LoadContext): Promise<void> {}

  /** Engines without roles (SQLite): a file's readers are whoever can open it. */
  async createReadRole(_knex: Knex, _role: string, _password: string | undefined): Promise<boolean | null> {
    throw new ConfigError(`${this.label} has no roles or grants`, {
      hint: 'Give BI tools a copy of the file, or have them open it read-only (file:data/warehouse.db?mode=ro)',
    });
  }

  async grantSelect(_knex: Knex, _role: string, _tables: readonly string[]): Promise<void> {
    throw new ConfigError(`${this.label} has no roles or grants`);
  }
}

/**
 * An engine that loads staging rows as bulk text (PostgreSQL COPY, MySQL LOAD DATA): rows are
 * encoded here, rows encoded already (by the CSV reader thread) are sent as they are, and both
 * go through the engine's loadText.
 */
export abstract class BulkTextAdapter extends BaseAdapter {
  abstract override readonly bulkFormat: BulkTextFormat;

  async loadBatch(trx: Knex.Transaction, ctx: LoadContext, rows: StageRow[]): Promise<BatchResult> {
    const line = lineEncoder(ctx.spec.columns, this.bulkFormat);
    return this.loadText(trx, ctx, rows.length, () => tsvStream(rows, line));
  }

  async loadEncoded(trx: Knex.Transaction, ctx: LoadContext, rows: EncodedRows): Promise<BatchResult> {
    if (rows.bulk !== this.bulkFormat) {
      throw new Error(`${this.label} loads staging rows as ${this.bulkFormat}, not as ${rows.bulk}`);
    }
    const bytes = Buffer.from(rows.text.buffer, rows.text.byteOffset, rows.text.byteLength);
    return this.loadText(trx, ctx, rows.count, () => Readable.from([bytes], { objectMode: false }));
  }

  /**
   * Loads one batch of `count` rows given as bulk text, upserting on the table's key. `text` may
   * be called twice (an append tried first, then a merge): each call is a fresh stream.
   */
  protected abstract loadText(
    trx: Knex.Transaction,
    ctx: LoadContext,
    count: number,
    text: () => Readable,
  ): Promise<BatchResult>;
}

/** Columns the loader writes that are not part of the key. */
export function valueColumns(spec: StagingTableSpec): string[] {
  return spec.columns.map((c) => c.name).filter((c) => !spec.key.includes(c));
}

/**
 * The swap every engine can do in one transaction: delete the live rows and insert the built
 * ones (MVCC: readers keep seeing the old rows until the commit, and are never blocked). It
 * keeps everything attached to the live tables, but writes every row twice more.
 */
export async function copySwap(
  knex: Knex,
  pairs: readonly SwapPair[],
  afterTable?: (table: string) => Promise<void> | void,
): Promise<SwapResult> {
  const columns = new Map<string, string[]>();
  for (const { table } of pairs) columns.set(table, Object.keys(await knex(table).columnInfo()));
  await knex.transaction(async (trx) => {
    for (const { table, build } of pairs) {
      const cols = columns.get(table)!;
      const list = cols.map(() => '??').join(', ');
      await trx.raw('DELETE FROM ??', [table]);
      await trx.raw(`INSERT INTO ?? (${list}) SELECT ${list} FROM ??`, [table, ...cols, ...cols, build]);
      await afterTable?.(table);
    }
  });
  return { method: 'copy' };
}

export function quoteIdent(name: string, quote = '"'): string {
  return quote + name.replaceAll(quote, quote + quote) + quote;
}
