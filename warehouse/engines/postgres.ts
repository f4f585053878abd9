import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import pg from 'pg';
import pgCopyStreams from 'pg-copy-streams';
import type { WarehouseUrl } from '../url.js';
import type { BatchResult, LoadContext, NamedLock, StageRow, TruncUnit } from './adapter.js';
import { BaseAdapter, quoteIdent as q } from './base.js';
import { tsvStream } from './tsv.js';

// Read DATE as 'YYYY-MM-DD' (not a local-midnight Date), NUMERIC and BIGINT as numbers, so
// results read back the same as on the other engines.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(1700, (v: string) => Number(v));
pg.types.setTypeParser(20, (v: string) => Number(v));

const UNIQUE_VIOLATION = '23505';

export class PostgresAdapter extends BaseAdapter {
  readonly name = 'postgres' as const;
  readonly label = 'PostgreSQL';

  knexConfig(url: WarehouseUrl): Knex.Config {
    const ssl =
      url.params.ssl === 'true' || ['require', 'verify-ca', 'verify-full'].includes(url.params.sslmode ?? '');
    return {
      client: 'pg',
      connection: {
        host: url.host,
        port: url.port,
        user: url.user ?? process.env.PGUSER ?? 'postgres',
        password: url.password ?? process.env.PGPASSWORD,
        database: url.database,
        ssl: ssl ? { rejectUnauthorized: url.params.sslmode === 'verify-full' } : undefined,
        connectionTimeoutMillis: 10_000,
        application_name: 'crm-etl',
        // now() defaults and date_trunc work in UTC, as on the other engines.
        options: '-c TimeZone=UTC',
      },
      searchPath: url.params.schema ? [url.params.schema] : undefined,
      pool: { min: 0, max: 6 },
    };
  }

  override now(): string {
    return 'now()';
  }

  dateTrunc(unit: TruncUnit, expr: string): string {
    return `CAST(date_trunc('${unit}', CAST(${expr} AS timestamp)) AS date)`;
  }

  daysBetween(from: string, to: string): string {
    return `(CAST(${to} AS date) - CAST(${from} AS date))`;
  }

  secondsBetween(from: string, to: string): string {
    return `EXTRACT(EPOCH FROM (CAST(${to} AS timestamptz) - CAST(${from} AS timestamptz)))`;
  }

  monthIndex(expr: string): string {
    const d = `CAST(${expr} AS date)`;
    return `CAST(EXTRACT(YEAR FROM ${d}) * 12 + EXTRACT(MONTH FROM ${d}) - 1 AS integer)`;
  }

  /** A database created with a linguistic collation (en_US.UTF-8) would sort 'a' < 'B'; "C" sorts by code point. */
  override binaryOrder(expr: string): string {
    return `(${expr}) COLLATE "C"`;
  }

  async createTableLike(knex: Knex, table: string, like: string): Promise<void> {
    await knex.raw(`CREATE TABLE ${q(table)} (LIKE ${q(like)} INCLUDING DEFAULTS INCLUDING INDEXES)`);
  }

  override rows(result: unknown): Array<Record<string, unknown>> {
    return (result as { rows: Array<Record<string, unknown>> }).rows;
  }

  async loadBatch(trx: Knex.Transaction, ctx: LoadContext, rows: StageRow[]): Promise<BatchResult> {
    const conn = (await trx.client.acquireConnection()) as pg.Client;
    const spec = ctx.spec;
    const cols = spec.columns.map((c) => c.name);
    const colList = cols.map((c) => q(c)).join(', ');
    const copy = async (table: string) =>
      pipeline(
        tsvStream(rows, cols),
        conn.query(pgCopyStreams.from(`COPY ${q(table)} (${colList}) FROM STDIN`)),
      );

    if (ctx.appendFirst) {
      // A source not yet in the table: COPY straight in. A key already present (a repeated key
      // in the file) makes COPY fail; undo it and merge this batch and the rest instead.
      await conn.query('SAVEPOINT crm_append');
      try {
        await copy(spec.name);
        await conn.query('RELEASE SAVEPOINT crm_append');
        return { inserted: rows.length, updated: 0 };
      } catch (err) {
        if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
        await conn.query('ROLLBACK TO SAVEPOINT crm_append');
        ctx.appendFirst = false;
      }
    }

    const temp = `crm_load_${spec.name}`;
    if (!ctx.state.tempReady) {
      await conn.query(
        `CREATE TEMP TABLE ${q(temp)} (LIKE ${q(spec.name)} INCLUDING DEFAULTS) ON COMMIT DROP`,
      );
      await conn.query(`ALTER TABLE ${q(temp)} ADD COLUMN crm_seq bigserial`);
      ctx.state.tempReady = true;
    } else {
      await conn.query(`TRUNCATE ${q(temp)}`);
    }
    await copy(temp);
    const keyList = spec.key.map((c) => q(c)).join(', ');
    const updates = this.valueColumns(spec)
      .map((c) => `${q(c)} = EXCLUDED.${q(c)}`)
      .concat(`updated_at = ${this.now()}`);
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

  async tryLock(knex: Knex, name: string): Promise<NamedLock | null> {
    // A session-level advisory lock on a connection of its own: the server frees it if this
    // process dies, so a crashed run never blocks the next one.
    const conn = (await knex.client.acquireConnection()) as pg.Client;
    try {
      const res = await conn.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
        [name],
      );
      if (!res.rows[0]?.ok) {
        await knex.client.releaseConnection(conn);
        return null;
      }
    } catch (err) {
      await knex.client.releaseConnection(conn);
      throw err;
    }
    return {
      release: async () => {
        try {
          await conn.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
        } finally {
          await knex.client.releaseConnection(conn);
        }
      },
    };
  }
}
