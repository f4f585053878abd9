import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import type { WarehouseUrl } from '../../url.js';
import type { BatchResult, LoadContext, NamedLock, TruncUnit } from '../adapter.js';
import { BulkTextAdapter, quoteIdent } from '../base.js';

const q = (name: string) => quoteIdent(name, '`');

interface MysqlResult {
  affectedRows: number;
  warningStatus: number;
}
interface MysqlConnection {
  query(
    options: { sql: string; values?: unknown[]; infileStreamFactory?: () => Readable },
    cb: (err: Error | null, result: unknown) => void,
  ): void;
}

/**
 * MySQL and MariaDB. Bulk path: LOAD DATA LOCAL INFILE fed from memory through mysql2's
 * infileStreamFactory (server needs local_infile=ON). LOCAL turns errors into warnings, so
 * every load checks its warnings instead of trusting it.
 */
export class MysqlAdapter extends BulkTextAdapter {
  override readonly transactionalDdl = false;
  readonly name = 'mysql' as const;
  readonly label = 'MySQL/MariaDB';
  /** Byte-exact, case-sensitive keys like the other engines; MariaDB's NO PAD also keeps 'a ' ≠ 'a'. */
  private collation = 'utf8mb4_bin';
  private database = '';

  knexConfig(url: WarehouseUrl): Knex.Config {
    this.database = url.database ?? '';
    return {
      client: 'mysql2',
      connection: {
        host: url.host,
        port: url.port,
        user: url.user ?? 'root',
        password: url.password ?? '',
        database: url.database,
        charset: 'utf8mb4',
        timezone: 'Z',
        dateStrings: ['DATE'],
        decimalNumbers: true,
        supportBigNumbers: true,
        connectTimeout: 10_000,
        // mysql2 options knex's typings do not list (dateStrings, decimalNumbers).
      } as unknown as Knex.MySql2ConnectionConfig,
      pool: { min: 0, max: 6 },
    };
  }

  override async afterCreate(connection: unknown): Promise<void> {
    // CURRENT_TIMESTAMP defaults are written in the session zone: make it UTC like the others.
    await run(connection as MysqlConnection, { sql: "SET time_zone = '+00:00'" });
  }

  override async prepare(knex: Knex): Promise<void> {
    const [rows] = (await knex.raw('SELECT VERSION() AS v')) as [Array<{ v: string }>];
    const version = rows[0]?.v ?? '';
    this.collation = /mariadb/i.test(version) ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
  }

  override tableDefaults(table: Knex.CreateTableBuilder): void {
    table.charset('utf8mb4');
    table.collate(this.collation);
    table.engine('InnoDB');
  }

  override rows(result: unknown): Array<Record<string, unknown>> {
    return (result as [Array<Record<string, unknown>>])[0];
  }

  dateTrunc(unit: TruncUnit, expr: string): string {
    return unit === 'month'
      ? `CAST(DATE_FORMAT(${expr}, '%Y-%m-01') AS DATE)`
      : `DATE_SUB(CAST(${expr} AS DATE), INTERVAL WEEKDAY(${expr}) DAY)`;
  }

  override toFloat(expr: string): string {
    // MySQL has no DOUBLE PRECISION cast target; without a cast its `/` returns a 4-decimal DECIMAL.
    return `CAST(${expr} AS DOUBLE)`;
  }

  daysBetween(from: string, to: string): string {
    return `DATEDIFF(${to}, ${from})`;
  }

  secondsBetween(from: string, to: string): string {
    return `(TIMESTAMPDIFF(MICROSECOND, ${from}, ${to}) / 1000000)`;
  }

  monthIndex(expr: string): string {
    return `(YEAR(${expr}) * 12 + MONTH(${expr}) - 1)`;
  }

  async createTableLike(knex: Knex, table: string, like: string): Promise<void> {
    // LIKE copies columns, collation, keys and indexes (not foreign keys). It is DDL, so it
    // commits implicitly: callers run it outside any transaction.
    await knex.raw(`CREATE TABLE ${q(table)} LIKE ${q(like)}`);
  }

  override async analyze(knex: Knex, table: string): Promise<void> {
    await knex.raw(`ANALYZE TABLE ${q(table)}`);
  }

  async listTables(knex: Knex): Promise<string[]> {
    const [rows] = (await knex.raw(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
    )) as [Array<{ name: string }>];
    return rows.map((r) => r.name);
  }

  async hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
    const [rows] = (await knex.raw(
      'SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ? LIMIT 1',
      [table, index],
    )) as [unknown[]];
    return rows.length > 0;
  }

  override readonly bulkFormat = 'load-data-text' as const;

  protected async loadText(
    trx: Knex.Transaction,
    ctx: LoadContext,
    count: number,
    text: () => Readable,
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

    const temp = `crm_load_${spec.name}`;
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
    const sets = this.valueColumns(spec)
      .map((c) => `s.${q(c)} = t.${q(c)}`)
      .concat(`s.updated_at = ${this.now()}`);
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

  override async insertReturningId(knex: Knex, table: string, row: Record<string, unknown>): Promise<number> {
    // MySQL has no RETURNING; the driver reports the AUTO_INCREMENT id instead.
    const [id] = await knex(table).insert(row);
    return Number(id);
  }

  override async endLoad(trx: Knex.Transaction, ctx: LoadContext): Promise<void> {
    if (ctx.state.tempReady)
      await trx.raw(`DROP TEMPORARY TABLE IF EXISTS ${q(`crm_load_${ctx.spec.name}`)}`);
  }

  override async createReadRole(
    knex: Knex,
    role: string,
    password: string | undefined,
  ): Promise<boolean | null> {
    const [rows] = (await knex.raw('SELECT 1 FROM mysql.user WHERE User = ?', [role])) as [unknown[]];
    if (rows.length > 0) return false;
    if (password === undefined) return null;
    await knex.raw("CREATE USER ?@'%' IDENTIFIED BY ?", [role, password]);
    return true;
  }

  override async grantSelect(knex: Knex, role: string, tables: readonly string[]): Promise<void> {
    // The user may exist for several hosts: grant to each of them.
    const [hosts] = (await knex.raw('SELECT Host AS host FROM mysql.user WHERE User = ?', [role])) as [
      Array<{ host: string }>,
    ];
    for (const { host } of hosts)
      for (const table of tables)
        await knex.raw('GRANT SELECT ON ??.?? TO ?@?', [this.database, table, role, host]);
  }

  async tryLock(knex: Knex, name: string): Promise<NamedLock | null> {
    // GET_LOCK names are server-wide and at most 64 characters: scope by database, hash if long.
    let lockName = `${this.database}:${name}`;
    if (lockName.length > 64) lockName = createHash('sha1').update(lockName).digest('hex');
    const conn = await knex.client.acquireConnection();
    try {
      const [rows] = (await knex.raw('SELECT GET_LOCK(?, 0) AS ok', [lockName]).connection(conn)) as [
        Array<{ ok: number }>,
      ];
      if (rows[0]?.ok !== 1) {
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
          await knex.raw('SELECT RELEASE_LOCK(?)', [lockName]).connection(conn);
        } finally {
          await knex.client.releaseConnection(conn);
        }
      },
    };
  }
}

function run(conn: MysqlConnection, options: Parameters<MysqlConnection['query']>[0]): Promise<MysqlResult> {
  return new Promise((resolve, reject) =>
    conn.query(options, (err, result) => (err ? reject(err) : resolve(result as MysqlResult))),
  );
}

async function failOnWarnings(conn: MysqlConnection, table: string): Promise<never> {
  const res = await new Promise<Array<{ Message: string }>>((resolve, reject) =>
    conn.query({ sql: 'SHOW WARNINGS LIMIT 3' }, (err, rows) =>
      err ? reject(err) : resolve(rows as Array<{ Message: string }>),
    ),
  );
  throw new Error(`Loading ${table} produced warnings: ${res.map((w) => w.Message).join('; ')}`);
}
