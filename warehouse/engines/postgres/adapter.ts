import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import pg from 'pg';
import pgCopyStreams from 'pg-copy-streams';
import { tlsOptions } from '../../../lib/db-url.js';
import type { WarehouseUrl } from '../../url.js';
import type {
  BatchResult,
  LoadContext,
  NamedLock,
  StageRow,
  SwapPair,
  SwapResult,
  TruncUnit,
} from '../adapter.js';
import { BulkTextAdapter, quoteIdent as q } from '../base.js';
import { lineEncoder, tsvStream } from '../tsv.js';

// Read DATE as 'YYYY-MM-DD' (not a local-midnight Date), NUMERIC and BIGINT as numbers, so
// results read back the same as on the other engines.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(1700, (v: string) => Number(v));
pg.types.setTypeParser(20, (v: string) => Number(v));

const UNIQUE_VIOLATION = '23505';

export class PostgresAdapter extends BulkTextAdapter {
  readonly name = 'postgres' as const;
  readonly label = 'PostgreSQL';
  /** Hash joins. */
  override readonly joinsOnExpressions = true;

  knexConfig(url: WarehouseUrl): Knex.Config {
    return {
      client: 'pg',
      connection: {
        host: url.host,
        port: url.port,
        user: url.user ?? process.env.PGUSER ?? 'postgres',
        password: url.password ?? process.env.PGPASSWORD,
        database: url.database,
        ssl: tlsOptions(url),
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

  /** Columns, defaults, NOT NULL and CHECK constraints now; indexes, keys and foreign keys after the fill. */
  override async createBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    await knex.raw(
      `CREATE TABLE ${q(table)} (LIKE ${q(like)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)`,
    );
  }

  /**
   * The live table's indexes and keys, built in one sorted pass each under names of their own
   * (swapTables gives them the live names), its foreign keys (added NOT VALID, then validated:
   * dim_customer stays writable meanwhile) and its grants, so the table that replaces it offers
   * readers the same.
   */
  override async finishBuildTable(knex: Knex, table: string, like: string): Promise<void> {
    const indexes = await pgIndexes(knex, like);
    await knex.transaction(async (trx) => {
      await trx.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
      for (const ix of indexes) {
        const name = pgSwapName('b', ix.name);
        await trx.raw(pgIndexDefFor(ix.def, name, table));
        if (ix.contype === 'p' || ix.contype === 'u') {
          const kind = ix.contype === 'p' ? 'PRIMARY KEY' : 'UNIQUE';
          await trx.raw(`ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(name)} ${kind} USING INDEX ${q(name)}`);
        }
      }
    });
    const fks = this.rows(
      await knex.raw(
        `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'f' ORDER BY conname`,
        [q(like)],
      ),
    ) as Array<{ conname: string; def: string }>;
    for (const fk of fks) {
      await knex.raw(`ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(fk.conname)} ${fk.def} NOT VALID`);
      await knex.raw(`ALTER TABLE ${q(table)} VALIDATE CONSTRAINT ${q(fk.conname)}`);
    }
    const grants = this.rows(
      await knex.raw(
        `SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee,
           a.privilege_type, a.is_grantable
         FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
         WHERE c.oid = ?::regclass AND a.grantee <> c.relowner`,
        [q(like)],
      ),
    ) as Array<{ grantee: string; privilege_type: string; is_grantable: boolean }>;
    for (const g of grants) {
      await knex.raw(
        `GRANT ${g.privilege_type} ON ${q(table)} TO ${g.grantee}${g.is_grantable ? ' WITH GRANT OPTION' : ''}`,
      );
    }
    const [described] = this.rows(
      await knex.raw(`SELECT obj_description(?::regclass, 'pg_class') AS comment`, [q(like)]),
    );
    if (typeof described?.comment === 'string') {
      await knex.raw(`COMMENT ON TABLE ${q(table)} IS ?`, [described.comment]);
    }
  }

  /**
   * COPY: the rows stream in as text, with no statement of thousands of parameters to parse and
   * plan per batch (5× faster than multi-row INSERTs). Numbers are written as JavaScript prints
   * them, which reads back as the same double.
   */
  override async insertRows(
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
        conn.query(
          pgCopyStreams.from(`COPY ${q(table)} (${columns.map((c) => q(c)).join(', ')}) FROM STDIN`),
        ),
      );
    } finally {
      await knex.client.releaseConnection(conn);
    }
  }

  /** Build tables get their indexes after the fill: sorting the rows first would only cost time. */
  override buildInsertOrder(_keyExpr: string): string {
    return '';
  }

  /** Sorts and hashes of a build get memory instead of spilling to disk; scratch commits do not wait for fsync. */
  override async runBulk(knex: Knex, sql: string): Promise<void> {
    await knex.transaction(async (trx) => {
      await trx.raw(`SET LOCAL work_mem = '256MB'`);
      await trx.raw('SET LOCAL synchronous_commit = off');
      await trx.raw(sql);
    });
  }

  /**
   * Swaps by renaming, in one transaction (PostgreSQL's DDL is transactional): each live table
   * becomes `old`, each build table takes the live name and its indexes the live indexes' names.
   * Nothing is copied, but readers of the marts wait for the few milliseconds of the swap (ACCESS
   * EXCLUSIVE locks), and the swap waits for running readers: at most SWAP_LOCK_TIMEOUT per try.
   * When the locks cannot be had, or something is attached to a live table that a rename would
   * leave behind (a view, a trigger, a policy, a publication, a foreign key pointing at it, another
   * owner), the rows are copied instead (the base swap: slower, never blocks readers).
   */
  override async swapTables(
    knex: Knex,
    pairs: readonly SwapPair[],
    afterTable?: (table: string) => Promise<void> | void,
  ): Promise<SwapResult> {
    const blockers: string[] = [];
    for (const { table } of pairs) blockers.push(...(await pgRenameBlockers(knex, table)));
    if (blockers.length > 0) {
      const result = await super.swapTables(knex, pairs, afterTable);
      return { ...result, note: `copied, not renamed: ${blockers.join('; ')}` };
    }
    const indexes = new Map<string, PgIndex[]>();
    for (const { table } of pairs) indexes.set(table, await pgIndexes(knex, table));
    for (let attempt = 1; ; attempt++) {
      try {
        await knex.transaction(async (trx) => {
          await trx.raw(`SET LOCAL lock_timeout = '${SWAP_LOCK_TIMEOUT}'`);
          // All locks first, in one order, so a reader never holds one table the swap still needs.
          await trx.raw(`LOCK TABLE ${pairs.map((p) => q(p.table)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
          for (const { table, build, old } of pairs) {
            await trx.raw(`ALTER TABLE ${q(table)} RENAME TO ${q(old)}`);
            for (const ix of indexes.get(table)!) {
              await trx.raw(`ALTER INDEX ${q(ix.name)} RENAME TO ${q(pgSwapName('o', ix.name))}`);
            }
            await trx.raw(`ALTER TABLE ${q(build)} RENAME TO ${q(table)}`);
            // Renaming a key's index renames its constraint too.
            for (const ix of indexes.get(table)!) {
              await trx.raw(`ALTER INDEX ${q(pgSwapName('b', ix.name))} RENAME TO ${q(ix.name)}`);
            }
            await afterTable?.(table);
          }
        });
        break;
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (!['55P03', '40P01'].includes(code)) throw err;
        if (attempt >= SWAP_ATTEMPTS) {
          const result = await super.swapTables(knex, pairs, afterTable);
          return {
            ...result,
            note: `copied, not renamed: readers held the marts for ${SWAP_ATTEMPTS} tries`,
          };
        }
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
    for (const { old } of pairs) await knex.raw(`DROP TABLE IF EXISTS ${q(old)}`);
    return { method: 'rename' };
  }

  override rows(result: unknown): Array<Record<string, unknown>> {
    return (result as { rows: Array<Record<string, unknown>> }).rows;
  }

  override readonly bulkFormat = 'copy-text' as const;

  protected async loadText(
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
      const into = conn.query(pgCopyStreams.from(`COPY ${q(table)} (${colList}) FROM STDIN`));
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

  async hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
    const { rows } = (await knex.raw(
      'SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? AND indexname = ?',
      [table, index],
    )) as { rows: unknown[] };
    return rows.length > 0;
  }

  async listTables(knex: Knex): Promise<string[]> {
    const { rows } = (await knex.raw(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )) as { rows: Array<{ name: string }> };
    return rows.map((r) => r.name);
  }

  override async createReadRole(
    knex: Knex,
    role: string,
    password: string | undefined,
  ): Promise<boolean | null> {
    const { rows } = (await knex.raw('SELECT 1 FROM pg_roles WHERE rolname = ?', [role])) as {
      rows: unknown[];
    };
    if (rows.length > 0) return false;
    if (password === undefined) return null;
    // Utility statements take no parameters: format() quotes the name and the password.
    const { rows: sql } = (await knex.raw(
      `SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', ?::text, ?::text) AS s`,
      [role, password],
    )) as { rows: Array<{ s: string }> };
    await knex.raw(sql[0]!.s);
    return true;
  }

  override async grantSelect(knex: Knex, role: string, tables: readonly string[]): Promise<void> {
    const statements = [
      `SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ?::text) AS s`,
      `SELECT format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), ?::text) AS s`,
      ...tables.map(() => `SELECT format('GRANT SELECT ON %I TO %I', ?::text, ?::text) AS s`),
    ];
    const bindings = [[role], [role], ...tables.map((t) => [t, role])];
    await knex.transaction(async (trx) => {
      for (const [i, sql] of statements.entries()) {
        const { rows } = (await trx.raw(sql, bindings[i]!)) as { rows: Array<{ s: string }> };
        await trx.raw(rows[0]!.s);
      }
    });
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

const SWAP_LOCK_TIMEOUT = '5s';
const SWAP_ATTEMPTS = 3;

interface PgIndex {
  name: string;
  def: string;
  /** 'p' primary key, 'u' unique constraint, null a plain index. */
  contype: string | null;
}

async function pgIndexes(knex: Knex, table: string): Promise<PgIndex[]> {
  const res = (await knex.raw(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def, c.contype
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u')
     WHERE x.indrelid = ?::regclass ORDER BY i.relname`,
    [q(table)],
  )) as { rows: PgIndex[] };
  return res.rows;
}

/** Index names (schema-wide, ≤ 63 bytes) for a build's copy ('b') or a retired table's ('o') of index `name`. */
function pgSwapName(kind: 'b' | 'o', name: string): string {
  return `etl_${kind}_${createHash('sha1').update(name).digest('hex').slice(0, 24)}`;
}

const PG_IDENT = '(?:"(?:[^"]|"")*"|[^\\s."]+)';
const PG_INDEX_DEF = new RegExp(
  `^(CREATE (?:UNIQUE )?INDEX )${PG_IDENT}( ON (?:ONLY )?)${PG_IDENT}(?:\\.${PG_IDENT})?( USING )`,
);

/** pg_get_indexdef's statement for the same index under another name on another table. */
function pgIndexDefFor(def: string, name: string, table: string): string {
  if (!PG_INDEX_DEF.test(def)) throw new Error(`Unexpected index definition: ${def}`);
  return def.replace(PG_INDEX_DEF, `$1${q(name)}$2${q(table)}$3`);
}

/** What a rename would leave attached to the retired table (or lose), as readable reasons. */
async function pgRenameBlockers(knex: Knex, table: string): Promise<string[]> {
  const res = (await knex.raw(
    `SELECT 'view ' || r.ev_class::regclass::text AS reason FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
       WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = ?::regclass AND r.ev_class <> d.refobjid
     UNION SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = ?::regclass AND NOT tgisinternal
     UNION SELECT 'foreign key from ' || conrelid::regclass::text FROM pg_constraint
       WHERE contype = 'f' AND confrelid = ?::regclass AND conrelid <> confrelid
     UNION SELECT 'row security' FROM pg_class WHERE oid = ?::regclass AND relrowsecurity
     UNION SELECT 'publication' FROM pg_publication_rel WHERE prrelid = ?::regclass
     UNION SELECT 'owner ' || pg_get_userbyid(relowner) FROM pg_class
       WHERE oid = ?::regclass AND pg_get_userbyid(relowner) <> current_user`,
    Array(6).fill(q(table)),
  )) as { rows: Array<{ reason: string }> };
  return res.rows.map((r) => `${table}: ${r.reason}`);
}
