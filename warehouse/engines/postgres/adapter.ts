import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { WarehouseUrl } from '../../url.js';
import type {
  AbsentBatch,
  AbsentResult,
  BatchResult,
  LoadContext,
  Leftovers,
  NamedLock,
  SwapPair,
  SwapResult,
  SwapWithinResult,
  TruncUnit,
} from '../adapter.js';
import { BulkTextAdapter } from '../base.js';
import { appendAbsent } from './append-absent.js';
import { copyLoad, copyNumberColumns, copyRows } from './bulk-load.js';
import { createTableLike, hasIndex, listTables, renameTable } from './catalog.js';
import { warehouseConnection } from './connection.js';
import * as dialect from './dialect.js';
import { createReadRole, grantSelect } from './grants.js';
import { tryLock } from './locks.js';
import {
  createBuildTable,
  finishBuildTable,
  runBulk,
  scratchWork,
  dropLeftovers,
  setAside,
  swapTables,
  swapWithin,
  swapWithinBlockers,
} from './swap.js';

export const POSTGRES_LABEL = 'PostgreSQL';

/**
 * PostgreSQL. Bulk path: COPY (bulk-load.ts); a push batch in one
 * statement (append-absent.ts); marts swap in by renaming (swap.ts); named locks
 * are advisory locks (locks.ts).
 */
export class PostgresAdapter extends BulkTextAdapter {
  readonly name = 'postgres' as const;
  readonly label = POSTGRES_LABEL;
  /** Hash joins. */
  override readonly joinsOnExpressions = true;
  /** A key built after the fill: one sort, where a key kept up row by row cost a third more (310k rows). */
  override readonly keysAfterFill = true;

  knexConfig(url: WarehouseUrl): Knex.Config {
    return warehouseConnection(url);
  }

  override now(): string {
    return dialect.now();
  }

  dateTrunc(unit: TruncUnit, expr: string): string {
    return dialect.dateTrunc(unit, expr);
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

  override binaryOrder(expr: string): string {
    return dialect.binaryOrder(expr);
  }

  override firstInGroup(texts: readonly string[], pick: number, date?: string): string {
    return dialect.firstInGroup(texts, pick, date);
  }

  override rows(result: unknown): Array<Record<string, unknown>> {
    return dialect.rows(result);
  }

  async createTableLike(knex: Knex, table: string, like: string): Promise<void> {
    await createTableLike(knex, table, like);
  }

  async hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
    return hasIndex(knex, table, index);
  }

  override async renameTable(knex: Knex, from: string, to: string): Promise<void> {
    await renameTable(knex, from, to);
  }

  async listTables(knex: Knex): Promise<string[]> {
    return listTables(knex);
  }

  override async createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    await createBuildTable(knex, table, like);
  }

  override async finishBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    await finishBuildTable(knex, table, like);
  }

  override async insertRows(
    knex: Knex,
    table: string,
    columns: readonly string[],
    rows: ReadonlyArray<Record<string, string | number | null>>,
  ): Promise<void> {
    await copyRows(knex, table, columns, rows);
  }

  /**
   * TRUNCATE, which is transactional here: a DELETE of millions of rows marks each one dead (WAL
   * per row, and a vacuum after), TRUNCATE gives the table new empty files. It locks the table
   * against readers until the commit, as the DROP INDEX of the same transactions does already.
   */
  override async emptyTable(trx: Knex.Transaction, table: string): Promise<void> {
    await trx.raw('TRUNCATE ??', [table]);
  }

  override async insertNumberColumns(
    knex: Knex,
    table: string,
    columns: readonly string[],
    data: ReadonlyArray<ArrayLike<number>>,
    length: number,
  ): Promise<void> {
    await copyNumberColumns(knex, table, columns, data, length);
  }

  /** Build and scratch tables get their keys and indexes after the fill: sorting the rows first would only cost time. */
  override buildInsertOrder(_keyExpr: string): string {
    return '';
  }

  override async runBulk(knex: Knex, sql: string): Promise<number> {
    return runBulk(knex, sql);
  }

  override async runProbes(knex: Knex, sql: string): Promise<number> {
    return runBulk(knex, sql, { probes: true });
  }

  override async scratchWork<T>(knex: Knex, fn: (db: Knex) => Promise<T>): Promise<T> {
    return scratchWork(knex, fn);
  }

  override async swapTables(
    knex: Knex,
    pairs: readonly SwapPair[],
    afterTable?: (table: string) => Promise<void> | void,
  ): Promise<SwapResult> {
    return swapTables(knex, pairs, afterTable);
  }

  override async swapWithinBlockers(knex: Knex, table: string): Promise<string[]> {
    return swapWithinBlockers(knex, table);
  }

  override async swapWithin(trx: Knex.Transaction, pairs: readonly SwapPair[]): Promise<SwapWithinResult> {
    return swapWithin(trx, pairs);
  }

  override async dropLeftovers(knex: Knex, tables: readonly string[]): Promise<Leftovers> {
    return dropLeftovers(knex, tables);
  }

  override async setAside(knex: Knex, table: string, to: string): Promise<void> {
    await setAside(knex, table, to);
  }

  override readonly bulkFormat = 'copy-text' as const;

  protected async loadText(
    trx: Knex.Transaction,
    ctx: LoadContext,
    count: number,
    text: () => Readable,
  ): Promise<BatchResult> {
    return copyLoad(trx, ctx, count, text);
  }

  /** One statement per push batch (append-absent.ts). */
  async appendAbsent(knex: Knex, batch: AbsentBatch): Promise<AbsentResult> {
    return appendAbsent(knex, batch);
  }

  override async createReadRole(
    knex: Knex,
    role: string,
    password: string | undefined,
  ): Promise<boolean | null> {
    return createReadRole(knex, role, password);
  }

  override async grantSelect(knex: Knex, role: string, tables: readonly string[]): Promise<void> {
    await grantSelect(knex, role, tables);
  }

  async tryLock(knex: Knex, name: string): Promise<NamedLock | null> {
    return tryLock(knex, name);
  }
}
