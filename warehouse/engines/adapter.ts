import type { Knex } from 'knex';
import type { ColumnSpec, StagingTableSpec } from '../tables.js';
import type { EngineName, WarehouseUrl } from '../url.js';
import type { PackedStrings } from '../../lib/packed-strings.js';

/** A row as the loader receives it: column name -> canonical value. */
export type StageRow = Record<string, string | number | null | Record<string, unknown>>;

/**
 * Bulk text an engine loads staging rows from (engines/tsv.ts): `copy-text` is PostgreSQL
 * COPY's text format (tab-separated, backslash escapes, \N for NULL), `load-data-text` the same
 * as MySQL's LOAD DATA reads it (datetimes without the ISO 'T' and 'Z').
 */
export type BulkTextFormat = 'copy-text' | 'load-data-text';

/**
 * The form an engine's bulk path takes staging rows in when another thread encodes them
 * (EngineAdapter.bulkFormat): bulk text, or, for SQLite, which binds values, packed values.
 */
export type BulkFormat = BulkTextFormat | 'values';

/**
 * Staging rows already encoded for the engine's bulk path (EngineAdapter.bulkFormat): the CSV
 * reader thread encodes what it reads, so the thread that loads only sends bytes or binds
 * values. The lineage they were encoded with travels along: staging refuses rows encoded for
 * another target.
 */
export type EncodedRows = EncodedText | EncodedValues;

interface EncodedBatch {
  table: string;
  source: string;
  runId: number | null;
  file: string;
  count: number;
  /** Rows among them that dropped an unusable optional value. */
  withWarnings: number;
  /**
   * Called by the loader once it is done with the batch's buffers (the batch is in the
   * database): the reader may write its next rows into them. Fresh memory costs a page fault
   * per 4 KB, which came to ~8% of the reader thread's time when every batch had new bytes.
   */
  release?: () => void;
}

export interface EncodedText extends EncodedBatch {
  bulk: BulkTextFormat;
  /** UTF-8, one line per row, in the staging table's column order. */
  text: Uint8Array;
}

/**
 * Rows as values, for an engine that binds them (SQLite): row by row, each of `columns` (the
 * table's, in spec order) as a tag in `tags` (VALUE_NULL, VALUE_STRING, VALUE_NUMBER), numbers
 * in order in `numbers`, strings in order packed (lib/packed-strings.ts). `bound` are the
 * columns some row fills, and the key: the ones to bind (the rest are null in every row).
 */
export interface EncodedValues extends EncodedBatch, PackedStrings {
  bulk: 'values';
  columns: string[];
  bound: string[];
  tags: Uint8Array;
  numbers: Float64Array;
}

export const VALUE_NULL = 0;
export const VALUE_STRING = 1;
export const VALUE_NUMBER = 2;

/** The buffers an encoded batch is made of, each holding nothing else: to transfer to another thread. */
export function encodedBuffers(rows: EncodedRows): ArrayBuffer[] {
  const views = rows.bulk === 'values' ? [rows.text, rows.lens, rows.tags, rows.numbers] : [rows.text];
  return views.map((v) => v.buffer as ArrayBuffer);
}

export function isEncodedRows(value: StageRow | EncodedRows): value is EncodedRows {
  return value.text instanceof Uint8Array && typeof value.bulk === 'string';
}

export interface BatchResult {
  inserted: number;
  updated: number;
}

/** A row of stg_quarantine as staging writes it. */
export interface QuarantineRow {
  source: string;
  stream: string;
  run_id: number | null;
  file: string;
  line: number | null;
  reason: string;
  raw: string | null;
}

/**
 * A push batch for appendAbsent (warehouse/staging/received.ts): every record marked ifAbsent,
 * each key once per table, every table keyed by (source, source_key) of one source.
 */
export interface AbsentBatch {
  source: string;
  /** The batch's own table (stg_interaction for web leads). */
  main: {
    spec: StagingTableSpec;
    rows: StageRow[];
    /**
     * [key, other key]: the row is staged already when the other key is (a content-hash retry
     * keyed by the window before); left out then, as when its own key is.
     */
    sameAs: ReadonlyArray<readonly [string, string]>;
    /** [key, file]: where an earlier reject of the row is filed; removed when the row is appended. */
    rejectFiles: ReadonlyArray<readonly [string, string]>;
  };
  /** Rows that come with main's rows under the same keys (the lead's contact): appended only with them. */
  companions: ReadonlyArray<{ spec: StagingTableSpec; rows: StageRow[] }>;
  /** Earlier rejects filed under these are removed (their records are rejected again here). */
  clearFiles: readonly string[];
  rejects: readonly QuarantineRow[];
}

/** What appendAbsent appended: main's rows, then each companion table's. */
export interface AbsentResult {
  inserted: number;
  companions: number[];
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

/** A live table, the table built to replace it, and the name the live one may take on its way out. */
export interface SwapPair {
  table: string;
  build: string;
  old: string;
}

/** dropLeftovers: the tables it left, and who held the locks their drop needed (for the note). */
export interface Leftovers {
  left: string[];
  heldBy: string[];
}

/** swapWithin: swapped, or not, and then why (the caller's transaction is still usable). */
export type SwapWithinResult = { swapped: true } | { swapped: false; why: string };

export interface SwapResult {
  /** 'rename': the built tables became the live ones; 'copy': live rows were replaced by the built ones. */
  method: 'rename' | 'copy';
  /** Why the rename could not be used, when it could not. */
  note?: string;
}

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
  /**
   * Whether a join on a computed key (a CASE over a row's columns = an indexed column) is planned
   * well: a hash join, or a key lookup per row of the computed side. When false the marts
   * materialize the computed keys in an indexed table first.
   */
  readonly joinsOnExpressions: boolean;
  /** Whether DDL is transactional (a failed migration leaves nothing behind). MySQL commits it at once. */
  readonly transactionalDdl: boolean;
  /**
   * Whether money columns hold exact decimals (DECIMAL arithmetic), so the difference of two
   * amounts is already in cents. SQLite stores them as doubles: 10.10 − 3.03 is 7.069999…
   */
  readonly exactMoney: boolean;
  /**
   * Whether a scratch table of a mart build is filled without its primary key, which is added
   * in one sorted pass after the fill (PostgreSQL: a heap keeps no row order, so the key is a
   * separate index either way). SQLite cannot add a primary key to a table, and InnoDB's table is
   * its primary key: there the big fills (fct_order, the customer months) put rows in key order
   * (buildInsertOrder) instead.
   */
  readonly keysAfterFill: boolean;

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
  /**
   * In a GROUP BY: element `pick` (0-based) of the group's smallest tuple of texts `texts`,
   * compared element by element by code point (NULL after any text), after `date` when given —
   * so the values of a group's first row come from a hash aggregate, without sorting the rows.
   * null where the engine numbers rows sorted for a window more cheaply (the caller then does).
   */
  firstInGroup(texts: readonly string[], pick: number, date?: string): string | null;
  /** Creates an empty table with the columns, primary key and indexes of `like` (not its grants). */
  createTableLike(knex: Knex, table: string, like: string): Promise<void>;
  /**
   * Refreshes the planner's statistics of a table just filled in bulk. Without them a planner
   * takes a fresh million-row table for an empty one and plans nested loops over it.
   * Not inside a transaction (MySQL commits on ANALYZE TABLE).
   */
  analyze(knex: Knex, table: string): Promise<void>;
  /**
   * Creates an index over columns of these logical types. A `text` column is indexed on its first
   * 255 characters where the engine cannot index it whole (MySQL's TEXT needs a prefix length).
   */
  createIndex(knex: Knex, table: string, index: string, columns: readonly ColumnSpec[]): Promise<void>;
  /** The tables of the warehouse's database (schema on PostgreSQL). */
  listTables(knex: Knex): Promise<string[]>;
  /** Whether `table` has an index named `index` (PostgreSQL: in the current schema). */
  hasIndex(knex: Knex, table: string, index: string): Promise<boolean>;
  /**
   * Renames a table, keeping its rows, key and indexes (nothing is copied). Where index names
   * belong to the schema (PostgreSQL), those named after the old table follow it, so a new table
   * can take the old name with its usual index names.
   */
  renameTable(knex: Knex, from: string, to: string): Promise<void>;

  /**
   * Creates an empty table with the columns of `like`, to be bulk-filled and then swapped in for
   * it (swapTables). Indexes the engine builds faster in one pass after the fill may be left out:
   * finishBuildTable or swapTables adds them.
   */
  createBuildTable(knex: Knex, table: string, like: string): Promise<void>;
  /** After a build table is filled: what createBuildTable left out (indexes, keys, foreign keys, grants). */
  finishBuildTable(knex: Knex, table: string, like: string): Promise<void>;
  /**
   * Runs one heavy set-based statement of a mart build (big sorts and hashes). An engine may give
   * it more working memory or skip waiting for its commit to be flushed (scratch work: a crash
   * just fails the build). Returns the rows the statement wrote (an INSERT's count), so a step
   * need not count a big table it has just filled.
   */
  runBulk(knex: Knex, sql: string): Promise<number>;
  /**
   * runBulk for a statement of the nightly refresh that joins a small set of keys (the changed
   * customers or orders) to big tables it reaches through their indexes: an engine whose planner
   * would rather read the big tables whole may be told to probe them.
   */
  runProbes(knex: Knex, sql: string): Promise<number>;
  /**
   * Runs the small DDL of a build's scratch tables (create, keys and indexes after the fill,
   * statistics, drop) given a connection `db` to run it on. Nothing of it needs to survive a crash
   * (a crash fails the build, and the next one starts over), so an engine may run it as one
   * transaction whose commit it does not wait to be flushed: PostgreSQL did wait for an fsync per
   * statement, hundreds of them in a nightly refresh. MySQL runs it as it comes (DDL commits).
   */
  scratchWork<T>(knex: Knex, fn: (db: Knex) => Promise<T>): Promise<T>;
  /**
   * The ORDER BY that makes an INSERT … SELECT into a build or scratch table append to its key in
   * order ('' when the table has no index while it is filled, so order buys nothing).
   */
  buildInsertOrder(keyExpr: string): string;
  /**
   * DELETE of the rows of `table` (alias `alias`) whose `column` is among `keys` — a SELECT of one
   * column named k, from other tables — and, with `where` (over the alias), for which
   * it holds. MariaDB before 11.1 runs a single-table DELETE … WHERE … IN (SELECT …) as a pass over
   * the whole table probing the subquery per row; its multi-table form looks the keys up instead.
   */
  deleteByKeys(table: string, alias: string, column: string, keys: string, where?: string): string;
  /** Inserts rows computed in Node (many at once): the engine's fastest way for a few columns of numbers. */
  insertRows(
    knex: Knex,
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<Record<string, string | number | null>>,
  ): Promise<void>;
  /**
   * Removes every row of a table inside the caller's transaction (undone with it): the engine's
   * fastest way that keeps the transaction open (MySQL's TRUNCATE would commit it).
   */
  emptyTable(trx: Knex.Transaction, table: string): Promise<void>;
  /**
   * Inserts rows of numbers given column by column (`data[c][i]` is row i's value of
   * `columns[c]`, `length` rows): millions of small rows (blocking keys) without an object per
   * row, by the engine's fastest path.
   */
  insertNumberColumns(
    knex: Knex,
    table: string,
    columns: readonly string[],
    data: ReadonlyArray<ArrayLike<number>>,
    length: number,
  ): Promise<void>;
  /**
   * Puts every built table in place of its live table in ONE transaction: a reader sees all old
   * tables or all new ones, never a mix or a half-filled table. `afterTable` runs inside the
   * transaction after each table. The live tables' indexes, keys, foreign keys and (PostgreSQL)
   * grants are what readers find afterwards. Leftovers (old tables) are dropped.
   */
  swapTables(
    knex: Knex,
    pairs: readonly SwapPair[],
    afterTable?: (table: string) => Promise<void> | void,
  ): Promise<SwapResult>;
  /**
   * Why built tables could not be swapped in for `table` inside a caller's transaction
   * (swapWithin), as readable reasons; none: they can. An engine whose DDL commits the transaction
   * it runs in (MySQL) always has one, and the caller then writes the rows in place.
   */
  swapWithinBlockers(knex: Knex, table: string): Promise<string[]>;
  /**
   * Puts built (and finished) tables in place of their live tables inside the caller's
   * transaction `trx`, so they go in with its other writes or not at all. Only where
   * swapWithinBlockers says none. The live tables become `old` where they are kept until the
   * commit (the caller drops them after it: dropLeftovers). Not swapped: readers held the tables
   * too long to take them, or something a rename would leave behind was attached meanwhile;
   * nothing was swapped and `trx` is still usable (the caller then writes the rows).
   */
  swapWithin(trx: Knex.Transaction, pairs: readonly SwapPair[]): Promise<SwapWithinResult>;
  /**
   * Drops tables a build is done with (a swap's retired marts, a killed or failed build's tables)
   * without making readers wait: a table with a foreign key cannot be dropped while anyone holds
   * the table it references (PostgreSQL: ACCESS EXCLUSIVE on dim_customer), and a drop waiting
   * for that lock would queue every later reader of dim_customer behind it. What cannot be dropped
   * now is left, and returned with who held what it needed: the next build drops it.
   */
  dropLeftovers(knex: Knex, tables: readonly string[]): Promise<Leftovers>;
  /**
   * Moves a leftover table out of the way of a name a build needs (a killed build's `__build`
   * table that dropLeftovers could not drop), with its indexes, so the next build can drop it.
   */
  setAside(knex: Knex, table: string, to: string): Promise<void>;

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
  /**
   * The form loadEncoded takes staging rows in, which another thread may encode them into
   * (warehouse/staging/staging-row.ts RowEncoder).
   */
  readonly bulkFormat: BulkFormat;
  /** loadBatch for rows encoded in bulkFormat: same upsert, same result. */
  loadEncoded(trx: Knex.Transaction, ctx: LoadContext, rows: EncodedRows): Promise<BatchResult>;
  /**
   * Appends a push batch's rows whose keys are not staged yet, leaves the others as they are,
   * replaces the rejects it names, all in one transaction; safe against another writer
   * appending the same keys at once. Optional: an engine without it gets the general path
   * (a look-up of the keys, then the loader), which is right but costs more round trips.
   */
  appendAbsent?(knex: Knex, batch: AbsentBatch): Promise<AbsentResult>;
  /** Releases per-load resources (temp tables). */
  endLoad(trx: Knex.Transaction, ctx: LoadContext): Promise<void>;

  /** A lock held across processes and machines sharing the warehouse, or null if taken. */
  tryLock(knex: Knex, name: string): Promise<NamedLock | null>;

  /**
   * A login role for reading (BI tools): true when created with `password`, false when it
   * existed, null when it does not exist and no password was given. Engines without roles throw.
   */
  createReadRole(knex: Knex, role: string, password: string | undefined): Promise<boolean | null>;

  /** SELECT on `tables` (and what reaching them needs: the database, the schema) to `role`. */
  grantSelect(knex: Knex, role: string, tables: readonly string[]): Promise<void>;
}
