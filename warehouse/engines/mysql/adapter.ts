import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { ColumnSpec } from '../../tables.js';
import type { WarehouseUrl } from '../../url.js';
import type { BatchResult, LoadContext, NamedLock, SwapPair, SwapResult, TruncUnit } from '../adapter.js';
import { BulkTextAdapter } from '../base.js';
import { endLoad, loadDataLoad } from './bulk-load.js';
import { runBulk } from './bulk.js';
import { analyze, createTableLike, hasIndex, listTables } from './catalog.js';
import { warehouseConnection, warehouseSession, type MysqlConnection } from './connection.js';
import * as dialect from './dialect.js';
import { createReadRole, grantSelect } from './grants.js';
import { tryLock } from './locks.js';
import { createBuildTable, finishBuildTable, swapTables } from './swap.js';

export const MYSQL_LABEL = 'MySQL/MariaDB';

/**
 * MySQL and MariaDB. Bulk path: LOAD DATA LOCAL INFILE (bulk-load.ts); marts swap in by one
 * multi-table RENAME TABLE (swap.ts); named locks are GET_LOCK (locks.ts).
 */
export class MysqlAdapter extends BulkTextAdapter {
  override readonly transactionalDdl = false;
  readonly name = 'mysql' as const;
  readonly label = MYSQL_LABEL;
  private collation = 'utf8mb4_bin';
  private database = '';

  knexConfig(url: WarehouseUrl): Knex.Config {
    this.database = url.database ?? '';
    return warehouseConnection(url);
  }

  override async afterCreate(connection: unknown): Promise<void> {
    await warehouseSession(connection as MysqlConnection);
  }

  override async prepare(knex: Knex): Promise<void> {
    const [rows] = (await knex.raw('SELECT VERSION() AS v')) as [Array<{ v: string }>];
    this.collation = dialect.binaryCollation(rows[0]?.v ?? '');
  }

  /** TEXT columns are indexed on a prefix: InnoDB cannot index them whole. */
  override async createIndex(
    knex: Knex,
    table: string,
    index: string,
    columns: readonly ColumnSpec[],
  ): Promise<void> {
    const cols = columns.map(
      (c) => `\`${c.name}\`${c.type === 'text' ? `(${dialect.TEXT_INDEX_PREFIX})` : ''}`,
    );
    await knex.raw(`CREATE INDEX \`${index}\` ON \`${table}\` (${cols.join(', ')})`);
  }

  override tableDefaults(table: Knex.CreateTableBuilder): void {
    table.charset('utf8mb4');
    table.collate(this.collation);
    table.engine('InnoDB');
  }

  override rows(result: unknown): Array<Record<string, unknown>> {
    return dialect.rows(result);
  }

  dateTrunc(unit: TruncUnit, expr: string): string {
    return dialect.dateTrunc(unit, expr);
  }

  /** The multi-table form: the keys drive, each a lookup in `table` (adapter.ts). */
  override deleteByKeys(table: string, alias: string, column: string, keys: string, where?: string): string {
    return `DELETE ${alias} FROM (SELECT DISTINCT k FROM (${keys}) keys_) d JOIN ${table} ${alias} ON ${alias}.${column} = d.k${where ? ` WHERE ${where}` : ''}`;
  }

  override toFloat(expr: string): string {
    return dialect.toFloat(expr);
  }

  daysBetween(from: string, to: string): string {
    return dialect.daysBetween(from, to);
  }

  secondsBetween(from: string, to: string): string {
    return dialect.secondsBetween(from, to);
  }

  monthIndex(expr: string): string {
    return dialect.monthIndex(expr);
  }

  async createTableLike(knex: Knex, table: string, like: string): Promise<void> {
    await createTableLike(knex, table, like);
  }

  override async analyze(knex: Knex, table: string): Promise<void> {
    await analyze(knex, table);
  }

  async listTables(knex: Knex): Promise<string[]> {
    return listTables(knex);
  }

  async hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
    return hasIndex(knex, table, index);
  }

  override readonly bulkFormat = 'load-data-text' as const;

  protected async loadText(
    trx: Knex.Transaction,
    ctx: LoadContext,
    count: number,
    text: () => Readable,
  ): Promise<BatchResult> {
    return loadDataLoad(trx, ctx, count, text, this.now());
  }

  override async endLoad(trx: Knex.Transaction, ctx: LoadContext): Promise<void> {
    await endLoad(trx, ctx);
  }

  override async insertReturningId(knex: Knex, table: string, row: Record<string, unknown>): Promise<number> {
    // MySQL has no RETURNING; the driver reports the AUTO_INCREMENT id instead.
    const [id] = await knex(table).insert(row);
    return Number(id);
  }

  override async createReadRole(
    knex: Knex,
    role: string,
    password: string | undefined,
  ): Promise<boolean | null> {
    return createReadRole(knex, role, password);
  }

  override async grantSelect(knex: Knex, role: string, tables: readonly string[]): Promise<void> {
    await grantSelect(knex, this.database, role, tables);
  }

  override async runBulk(knex: Knex, sql: string): Promise<number> {
    return runBulk(knex, sql);
  }

  override async createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    await createBuildTable(knex, table, like);
  }

  override async finishBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    await finishBuildTable(knex, table, like);
  }

  override async swapTables(
    knex: Knex,
    pairs: readonly SwapPair[],
    afterTable?: (table: string) => Promise<void> | void,
  ): Promise<SwapResult> {
    return swapTables(knex, pairs, afterTable);
  }

  async tryLock(knex: Knex, name: string): Promise<NamedLock | null> {
    return tryLock(knex, this.database, name);
  }
}
