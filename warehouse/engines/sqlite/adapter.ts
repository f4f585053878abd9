import type Database from 'better-sqlite3';
import type { Knex } from 'knex';
import type { WarehouseUrl } from '../../url.js';
import type {
  BatchResult,
  EncodedRows,
  LoadContext,
  NamedLock,
  StageRow,
  SwapPair,
  SwapResult,
  SwapWithinResult,
  TruncUnit,
} from '../adapter.js';
import { BaseAdapter } from '../base.js';
import { insertNumberColumns, insertPlainRows, loadRows, loadValues } from './bulk-load.js';
import { analyze, createTableLike, hasIndex, listTables } from './catalog.js';
import { warehouseConnection, warehouseSession } from './connection.js';
import * as dialect from './dialect.js';
import { tryLock } from './locks.js';
import { createBuildTable, swapTables, swapWithin } from './swap.js';

export const SQLITE_LABEL = 'SQLite';

/**
 * The embedded default. One writer at a time, so the bulk path is prepared multi-row upserts
 * inside one transaction (bulk-load.ts); named locks are rows in etl_lock with the holder's pid
 * (locks.ts). No roles or grants: a file's readers are whoever can open it.
 */
export class SqliteAdapter extends BaseAdapter {
  readonly name = 'sqlite' as const;
  readonly label = SQLITE_LABEL;
  override readonly batchRows = 20_000;
  /** The planner looks the computed key up in the other table's key, once per row. */
  override readonly joinsOnExpressions = true;
  override readonly exactMoney = false;

  knexConfig(url: WarehouseUrl): Knex.Config {
    return warehouseConnection(url);
  }

  override async insertRows(
    knex: Knex,
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<Record<string, string | number | null>>,
  ): Promise<void> {
    await insertPlainRows(knex, table, columns, rows);
  }

  override async insertNumberColumns(
    knex: Knex,
    table: string,
    columns: readonly string[],
    data: ReadonlyArray<ArrayLike<number>>,
    length: number,
  ): Promise<void> {
    await insertNumberColumns(knex, table, columns, data, length);
  }

  override async afterCreate(connection: unknown): Promise<void> {
    warehouseSession(connection as Database.Database);
  }

  override now(): string {
    return dialect.now();
  }

  override nowDefault(): string {
    return dialect.nowDefault();
  }

  override timestamp(date: Date): unknown {
    return dialect.timestamp(date);
  }

  dateTrunc(unit: TruncUnit, expr: string): string {
    return dialect.dateTrunc(unit, expr);
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

  override async createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    await createBuildTable(knex, table, like);
  }

  override async swapTables(
    knex: Knex,
    pairs: readonly SwapPair[],
    afterTable?: (table: string) => Promise<void> | void,
  ): Promise<SwapResult> {
    return swapTables(knex, pairs, afterTable);
  }

  /** Transactional DDL, and WAL readers keep their snapshot: nothing stops a swap inside a transaction. */
  override async swapWithinBlockers(_knex: Knex, _table: string): Promise<string[]> {
    return [];
  }

  override async swapWithin(trx: Knex.Transaction, pairs: readonly SwapPair[]): Promise<SwapWithinResult> {
    return swapWithin(trx, pairs);
  }

  async hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
    return hasIndex(knex, table, index);
  }

  async listTables(knex: Knex): Promise<string[]> {
    return listTables(knex);
  }

  override async analyze(knex: Knex, table: string): Promise<void> {
    await analyze(knex, table);
  }

  /** Rows encoded by another thread come as packed values, bound as they are. */
  readonly bulkFormat = 'values' as const;

  async loadBatch(trx: Knex.Transaction, ctx: LoadContext, rows: StageRow[]): Promise<BatchResult> {
    return loadRows(trx, ctx, rows);
  }

  async loadEncoded(trx: Knex.Transaction, ctx: LoadContext, rows: EncodedRows): Promise<BatchResult> {
    if (rows.bulk !== 'values') {
      throw new Error(`${this.label} loads staging rows as values, not as ${rows.bulk} bulk text`);
    }
    return loadValues(trx, ctx, rows);
  }

  async tryLock(knex: Knex, name: string): Promise<NamedLock | null> {
    return tryLock(knex, name);
  }
}
