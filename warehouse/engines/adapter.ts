import type { Knex } from 'knex';
import type { ColumnSpec, StagingTableSpec } from '../tables.js';
import type { EngineName, WarehouseUrl } from '../url.js';

/** A row as the loader receives it: column name -> canonical value. */
export type StageRow = Record<string, string | number | null | Record<string, unknown>>;

export interface BatchResult {
  inserted: number;
  updated: number;
}

/** Per-load context an adapter may keep between batches (temp tables created, mode chosen). */
export interface LoadContext {
  spec: StagingTableSpec;
  /** Try a plain append first; the adapter falls back to a merge on a key conflict. */
  appendFirst: boolean;
  state: Record<string, unknown>;
}

export interface NamedLock {
  release(): Promise<void>;
}

export type TruncUnit = 'week' | 'month';

/**
 * Everything that differs between SQLite, PostgreSQL and MySQL/MariaDB. Transforms, marts and
 * the loader call these and never ask which engine they run on.
 */
export interface EngineAdapter {
  readonly name: EngineName;
  /** Human name for messages: 'PostgreSQL'. */
  readonly label: string;
  /** Rows per loader batch: inside the engine's parameter and packet limits. */
  readonly batchRows: number;

  knexConfig(url: WarehouseUrl): Knex.Config;
  /** Session setup on every new pooled connection (pragmas, time zone), given the raw driver connection. */
  afterCreate(connection: unknown): Promise<void>;
  /** One-time checks after the pool is up (server version). */
  prepare(knex: Knex): Promise<void>;

  /** Adds a column of a logical type to a table being created. */
  addColumn(table: Knex.CreateTableBuilder, column: ColumnSpec): Knex.ColumnBuilder;
  /** Engine-specific table options (character set, engine). */
  tableDefaults(table: Knex.CreateTableBuilder): void;

  /** SQL for the current instant, in the form the engine stores datetimes (also as a column default). */
  now(): string;
  /** now() in the form a column DEFAULT accepts. */
  nowDefault(): string;
  /** A JS instant as the driver wants it bound. */
  timestamp(date: Date): unknown;
  /** The rows of a knex.raw() SELECT, whatever shape the driver returns. */
  rows(result: unknown): Array<Record<string, unknown>>;
  /** A JSON column's value as read back, parsed. */
  parseJson(value: unknown): unknown;
  /** SQL truncating a date expression to the first day of its ISO week or month, as a date. */
  dateTrunc(unit: TruncUnit, expr: string): string;
  /** SQL casting a number to an IEEE double: division and rounding then agree bit for bit on every engine. */
  toFloat(expr: string): string;
  /** SQL for the whole calendar days from date `from` to date `to` (to − from), an integer. */
  daysBetween(from: string, to: string): string;
  /** SQL for the seconds from instant `from` to instant `to`, possibly fractional. */
  secondsBetween(from: string, to: string): string;
  /** SQL for year·12 + month − 1 of a date or instant, an integer: months subtract as numbers. */
  monthIndex(expr: string): string;
  /** `expr` compared by code point (UTF-8 byte order) whatever the database's default collation. */
  binaryOrder(expr: string): string;
  /** Creates an empty table with the columns, primary key and indexes of `like` (not its grants). */
  createTableLike(knex: Knex, table: string, like: string): Promise<void>;
  /**
   * Refreshes the planner's statistics of a table just filled in bulk. Without them a planner
   * takes a fresh million-row table for an empty one and plans nested loops over it.
   * Not inside a transaction (MySQL commits on ANALYZE TABLE).
   */
  analyze(knex: Knex, table: string): Promise<void>;

  /** Small upserts (run history, state, overrides): insert or update on the key. */
  upsert(knex: Knex, table: string, rows: Record<string, unknown>[], key: string[]): Promise<void>;
  /** Inserts one row into a table with an auto-increment key and returns the new id. */
  insertReturningId(
    knex: Knex,
    table: string,
    row: Record<string, unknown>,
    idColumn: string,
  ): Promise<number>;
  /** Bulk-load one batch into a staging table, upserting on its key. */
  loadBatch(trx: Knex.Transaction, ctx: LoadContext, rows: StageRow[]): Promise<BatchResult>;
  /** Releases per-load resources (temp tables). */
  endLoad(trx: Knex.Transaction, ctx: LoadContext): Promise<void>;

  /** A lock held across processes and machines sharing the warehouse, or null if taken. */
  tryLock(knex: Knex, name: string): Promise<NamedLock | null>;
}
