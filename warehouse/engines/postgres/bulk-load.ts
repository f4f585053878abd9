import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type pg from 'pg';
import type PgCopyStreams from 'pg-copy-streams';
import type { BatchResult, LoadContext, StageRow } from '../adapter.js';
import { quoteIdent as q, valueColumns } from '../base.js';
import { lineEncoder, tsvStream } from '../tsv.js';
import { now } from './dialect.js';
import { UNIQUE_VIOLATION } from './errors.js';

/**
 * COPY: the rows stream in as text, with no statement of thousands of parameters to parse and
 * plan per batch (5× faster than multi-row INSERTs). Numbers are written as JavaScript prints
 * them, which reads back as the same double.
 */
export async function copyRows(
  knex: Knex,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<Record<string, string | number | null>>,
): Promise<void> {
  if (rows.length === 0) return;
  // Inside a transaction this is the transaction's connection (and releasing it is a no-op).
  const conn = (await knex.client.acquireConnection()) as pg.Client;
  try {
    await pipeline(
      tsvStream(rows as StageRow[], lineEncoder(columns)),
      conn.query(await copyFrom(`COPY ${q(table)} (${columns.map((c) => q(c)).join(', ')}) FROM STDIN`)),
    );
  } finally {
    await knex.client.releaseConnection(conn);
  }
}

/**
 * COPY of rows of numbers given column by column: the text is written straight from the
 * columns (a number has nothing to escape), with no row objects to make and encode cell by cell.
 */
export async function copyNumberColumns(
  knex: Knex,
  table: string,
  columns: readonly string[],
  data: ReadonlyArray<ArrayLike<number>>,
  length: number,
): Promise<void> {
  if (length === 0) return;
  const conn = (await knex.client.acquireConnection()) as pg.Client;
  try {
    let i = 0;
    const text = new Readable({
      read() {
        while (i < length) {
          let chunk = '';
          // ~1,000 lines: under V8's large-object size (tsv.ts CHUNK_CHARS).
          for (const end = Math.min(length, i + 1_000); i < end; i++) {
            let line = String(data[0]![i]);
            for (let c = 1; c < data.length; c++) line += '\t' + String(data[c]![i]);
            chunk += line + '\n';
          }
          if (!this.push(chunk)) return;
        }
        this.push(null);
      },
    });
    await pipeline(
      text,
      conn.query(await copyFrom(`COPY ${q(table)} (${columns.map((c) => q(c)).join(', ')}) FROM STDIN`)),
    );
  } finally {
    await knex.client.releaseConnection(conn);
  }
}

/** The COPY driver, loaded with the first COPY (a warehouse on another engine never loads it). */
async function copyFrom(sql: string): Promise<ReturnType<typeof PgCopyStreams.from>> {
  return (await import('pg-copy-streams')).default.from(sql);
}

/**
 * Loads one batch of staging rows given as COPY text (BulkTextAdapter.loadText): COPY straight
 * into the table while no key repeats, else COPY into a temp table and merge from it.
 */
export async function copyLoad(
  trx: Knex.Transaction,
  ctx: LoadContext,
  count: number,
  text: () => Readable,
): Promise<BatchResult> {
  const conn = (await trx.client.acquireConnection()) as pg.Client;
  const spec = ctx.spec;
  const cols = spec.columns.map((c) => c.name);
  const colList = cols.map((c) => q(c)).join(', ');
  const copy = async (table: string): Promise<void> => {
    const into = conn.query(await copyFrom(`COPY ${q(table)} (${colList}) FROM STDIN`));
    await pipeline(text(), into);
    // Every line is a row: fewer rows means text that lost lines on its way here.
    if (into.rowCount !== count) {
      throw new Error(`COPY into ${table} took ${into.rowCount} rows of a batch of ${count}`);
    }
  };

  if (ctx.appendFirst) {
    // A source not yet in the table: COPY straight in. A key already present (a repeated key
    // in the file) makes COPY fail; undo it and merge this batch and the rest instead.
    await conn.query('SAVEPOINT crm_append');
    try {
      await copy(spec.name);
      await conn.query('RELEASE SAVEPOINT crm_append');
      return { inserted: count, updated: 0 };
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
      await conn.query('ROLLBACK TO SAVEPOINT crm_append');
      ctx.appendFirst = false;
    }
  }

  const temp = `crm_load_${spec.name}`;
  if (!ctx.state.tempReady) {
    await conn.query(`CREATE TEMP TABLE ${q(temp)} (LIKE ${q(spec.name)} INCLUDING DEFAULTS) ON COMMIT DROP`);
    await conn.query(`ALTER TABLE ${q(temp)} ADD COLUMN crm_seq bigserial`);
    ctx.state.tempReady = true;
  } else {
    await conn.query(`TRUNCATE ${q(temp)}`);
  }
  await copy(temp);
  const keyList = spec.key.map((c) => q(c)).join(', ');
  const updates = valueColumns(spec)
    .map((c) => `${q(c)} = EXCLUDED.${q(c)}`)
    .concat(`updated_at = ${now()}`);
  const hash = q(spec.hashColumn);
  // The last occurrence of a key in the batch wins, as it would in a sequence of upserts.
  const res = await conn.query<{ inserted: string; updated: string }>(
    `WITH merged AS (
       INSERT INTO ${q(spec.name)} (${colList})
       SELECT DISTINCT ON (${keyList}) ${colList} FROM ${q(temp)} ORDER BY ${keyList}, crm_seq DESC
       ON CONFLICT (${keyList}) DO UPDATE SET ${updates.join(', ')}
       WHERE ${q(spec.name)}.${hash} IS DISTINCT FROM EXCLUDED.${hash}
       RETURNING (xmax = 0) AS fresh)
     SELECT count(*) FILTER (WHERE fresh) AS inserted, count(*) FILTER (WHERE NOT fresh) AS updated FROM merged`,
  );
  const row = res.rows[0];
  return { inserted: Number(row?.inserted ?? 0), updated: Number(row?.updated ?? 0) };
}
