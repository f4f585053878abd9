import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { BatchResult, LoadContext } from '../adapter.js';
import { valueColumns } from '../base.js';
import { run, type MysqlConnection } from './connection.js';
import { q } from './dialect.js';

/**
 * Loads one batch of staging rows given as LOAD DATA text (BulkTextAdapter.loadText), fed from
 * memory through mysql2's infileStreamFactory (the server needs local_infile=ON). LOCAL turns
 * errors into warnings, so every load checks its warnings instead of trusting it. `now` is the
 * SQL for the current instant, for updated_at.
 */
export async function loadDataLoad(
  trx: Knex.Transaction,
  ctx: LoadContext,
  count: number,
  text: () => Readable,
  now: string,
): Promise<BatchResult> {
  const conn = (await trx.client.acquireConnection()) as MysqlConnection;
  const spec = ctx.spec;
  const cols = spec.columns.map((c) => c.name);
  const load = (table: string, replace: boolean) =>
    run(conn, {
      sql:
        `LOAD DATA LOCAL INFILE 'crm-etl-batch' ${replace ? 'REPLACE ' : ''}INTO TABLE ${q(table)} ` +
        `CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ` +
        `(${cols.map(q).join(', ')})`,
      infileStreamFactory: text,
    });

  if (ctx.appendFirst) {
    // LOCAL skips rows whose key exists, with a warning: fewer rows than sent means keys
    // repeat, so undo and merge instead.
    await run(conn, { sql: 'SAVEPOINT crm_append' });
    const res = await load(spec.name, false);
    if (res.affectedRows === count && res.warningStatus === 0) {
      await run(conn, { sql: 'RELEASE SAVEPOINT crm_append' });
      return { inserted: count, updated: 0 };
    }
    await run(conn, { sql: 'ROLLBACK TO SAVEPOINT crm_append' });
    ctx.appendFirst = false;
  }

  const temp = loadTable(ctx);
  if (!ctx.state.tempReady) {
    // TEMPORARY tables do not commit the surrounding transaction.
    await run(conn, { sql: `CREATE TEMPORARY TABLE ${q(temp)} LIKE ${q(spec.name)}` });
    ctx.state.tempReady = true;
  } else {
    await run(conn, { sql: `DELETE FROM ${q(temp)}` });
  }
  // REPLACE: the last occurrence of a key in the batch wins.
  const loaded = await load(temp, true);
  if (loaded.warningStatus > 0) await failOnWarnings(conn, spec.name);

  const keyJoin = spec.key.map((k) => `s.${q(k)} = t.${q(k)}`).join(' AND ');
  const sets = valueColumns(spec)
    .map((c) => `s.${q(c)} = t.${q(c)}`)
    .concat(`s.updated_at = ${now}`);
  const hash = q(spec.hashColumn);
  const updated = await run(conn, {
    sql: `UPDATE ${q(spec.name)} s JOIN ${q(temp)} t ON ${keyJoin} SET ${sets.join(', ')} WHERE NOT (s.${hash} <=> t.${hash})`,
  });
  const inserted = await run(conn, {
    sql:
      `INSERT INTO ${q(spec.name)} (${cols.map(q).join(', ')}) ` +
      `SELECT ${cols.map((c) => `t.${q(c)}`).join(', ')} FROM ${q(temp)} t ` +
      `LEFT JOIN ${q(spec.name)} s ON ${keyJoin} WHERE s.${q(spec.key[0]!)} IS NULL`,
  });
  return { inserted: inserted.affectedRows, updated: updated.affectedRows };
}

/** Drops the temporary table a load merged through, if it made one. */
export async function endLoad(trx: Knex.Transaction, ctx: LoadContext): Promise<void> {
  if (ctx.state.tempReady) await trx.raw(`DROP TEMPORARY TABLE IF EXISTS ${q(loadTable(ctx))}`);
}

function loadTable(ctx: LoadContext): string {
  return `crm_load_${ctx.spec.name}`;
}

async function failOnWarnings(conn: MysqlConnection, table: string): Promise<never> {
  const res = await new Promise<Array<{ Message: string }>>((resolve, reject) =>
    conn.query({ sql: 'SHOW WARNINGS LIMIT 3' }, (err, rows) =>
      err ? reject(err) : resolve(rows as Array<{ Message: string }>),
    ),
  );
  throw new Error(`Loading ${table} produced warnings: ${res.map((w) => w.Message).join('; ')}`);
}
