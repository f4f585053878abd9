import type Database from 'better-sqlite3';
import type { Knex } from 'knex';
import type { StagingTableSpec } from '../../tables.js';
import type { BatchResult, EncodedValues, LoadContext, StageRow } from '../adapter.js';
import { quoteIdent } from '../base.js';
import { filledColumns, ValueReader } from '../values.js';
import { now } from './dialect.js';

// One writer at a time: staging rows go in as prepared multi-row upserts inside the load's one
// transaction, rows encoded by another thread as the packed values they come in.

/** Rows per multi-row INSERT: well inside SQLite's 32,766 bound-parameter limit. */
const ROWS_PER_STATEMENT = 200;

export async function loadRows(
  trx: Knex.Transaction,
  ctx: LoadContext,
  rows: StageRow[],
): Promise<BatchResult> {
  const cols = filledColumns(ctx.spec, rows);
  let next = 0;
  return upsertRows(trx, ctx, cols, rows.length, (values, count) => {
    for (const end = next + count; next < end; next++) {
      const row = rows[next]!;
      for (const c of cols) values.push(bindable(row[c]));
    }
  });
}

export async function loadValues(
  trx: Knex.Transaction,
  ctx: LoadContext,
  rows: EncodedValues,
): Promise<BatchResult> {
  const reader = new ValueReader(rows, ctx.spec);
  return upsertRows(trx, ctx, rows.bound, rows.count, (values, count) => reader.read(values, count));
}

/**
 * Upserts `rowCount` rows of the columns `cols`, ROWS_PER_STATEMENT to a statement; `fill`
 * appends the next `count` rows' values to `values`.
 */
async function upsertRows(
  trx: Knex.Transaction,
  ctx: LoadContext,
  cols: readonly string[],
  rowCount: number,
  fill: (values: unknown[], count: number) => void,
): Promise<BatchResult> {
  const db = (await trx.client.acquireConnection()) as Database.Database;
  const prepared = (n: number): Database.Statement =>
    statement(db, `${ctx.spec.name}:${n}:${cols.join(',')}`, () => upsertSql(ctx.spec, cols, n, now()));
  // Inserted rows get rowids above the current maximum; updated rows keep theirs. Counting
  // that range is O(inserted), where count(*) before and after would scan the table.
  const table = quoteIdent(ctx.spec.name);
  const maxRowid = statement(
    db,
    `${ctx.spec.name}:max`,
    () => `SELECT coalesce(max(rowid), 0) AS m FROM ${table}`,
  );
  const countAbove = statement(
    db,
    `${ctx.spec.name}:above`,
    () => `SELECT count(*) AS n FROM ${table} WHERE rowid > ?`,
  );
  const before = (maxRowid.get() as { m: number }).m;
  let changes = 0;
  const values: unknown[] = [];
  for (let i = 0; i < rowCount; i += ROWS_PER_STATEMENT) {
    const count = Math.min(ROWS_PER_STATEMENT, rowCount - i);
    values.length = 0;
    fill(values, count);
    changes += prepared(count).run(values).changes;
  }
  const inserted = (countAbove.get(before) as { n: number }).n;
  return { inserted, updated: changes - inserted };
}

/**
 * Statements prepared on a connection, kept across loads: a mailbox stages its letters in
 * hundreds of small loads (a batch of letters, then its contacts), and preparing the 200-row
 * upserts and the two rowid look-ups afresh for each was ~1.5% of a 100,000-letter sync's
 * profile. SQLite prepares a statement again by itself if the schema changed under it.
 * Bounded: emptied when full.
 */
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
const STATEMENTS_KEPT = 256;

function statement(db: Database.Database, id: string, sql: () => string): Database.Statement {
  let kept = statements.get(db);
  if (kept === undefined) statements.set(db, (kept = new Map()));
  let stmt = kept.get(id);
  if (stmt === undefined) {
    stmt = db.prepare(sql());
    if (kept.size >= STATEMENTS_KEPT) kept.clear();
    kept.set(id, stmt);
  }
  return stmt;
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

/**
 * Plain inserts of rows computed in Node (adapter.insertRows): one prepared multi-row INSERT
 * reused for every full group of rows, instead of building a statement per group through knex
 * (millions of blocking keys at a full resolve).
 */
export async function insertPlainRows(
  knex: Knex,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<Record<string, string | number | null>>,
): Promise<void> {
  await preparedInserts(knex, table, columns, rows.length, (values, from, to) => {
    for (let k = from; k < to; k++) for (const c of columns) values.push(bindable(rows[k]![c]));
  });
}

/** insertPlainRows for rows of numbers given column by column (adapter.insertNumberColumns): bound straight from the columns. */
export async function insertNumberColumns(
  knex: Knex,
  table: string,
  columns: readonly string[],
  data: ReadonlyArray<ArrayLike<number>>,
  length: number,
): Promise<void> {
  await preparedInserts(knex, table, columns, length, (values, from, to) => {
    for (let k = from; k < to; k++) for (const column of data) values.push(column[k]!);
  });
}

/** `rowCount` rows inserted by one prepared multi-row INSERT per full group; `fill` binds rows [from, to). */
async function preparedInserts(
  knex: Knex,
  table: string,
  columns: readonly string[],
  rowCount: number,
  fill: (values: unknown[], from: number, to: number) => void,
): Promise<void> {
  if (rowCount === 0) return;
  const db = (await knex.client.acquireConnection()) as Database.Database;
  try {
    const per = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(30_000 / columns.length)));
    const sql = (n: number) =>
      `INSERT INTO ${quoteIdent(table)} (${columns.map((c) => quoteIdent(c)).join(', ')}) VALUES ` +
      Array.from({ length: n }, () => `(${columns.map(() => '?').join(', ')})`).join(', ');
    const full = db.prepare(sql(per));
    const values: unknown[] = [];
    for (let i = 0; i < rowCount; i += per) {
      const n = Math.min(per, rowCount - i);
      values.length = 0;
      fill(values, i, i + n);
      (n === per ? full : db.prepare(sql(n))).run(...values);
    }
  } finally {
    // A transaction's connection stays its own: handing it back to the pool would let the next
    // query take it while the transaction is open (and wait out the pool's timeout).
    if (!(knex as Knex.Transaction).isTransaction) await knex.client.releaseConnection(db);
  }
}
