/**
 * A read-only connection to an ERP's database. Every difference between the engines a source
 * can live on is here: drivers, how values arrive (timestamps as exact text, so a cursor with
 * microseconds is compared as the database wrote it), and how a session is made read-only.
 *
 * Read-only means the ERP never receives a write and never a lock its users wait on: every
 * statement runs in a read-only transaction (PostgreSQL and MySQL refuse writes in one), plain
 * SELECTs take no row locks, a statement that would wait on a lock (e.g. behind an ALTER TABLE)
 * gives up after a few seconds instead of queueing the ERP's users behind it, and a statement
 * that runs longer than the source's `statementTimeout` is cancelled by the server (so an ALTER
 * never waits long behind one of ours). SQLite files are opened read-only.
 */
import fs from 'node:fs';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { explainConnectError } from '../../lib/db-errors.js';
import { parseDatabaseUrl, tlsOptions, type DatabaseUrl, type UrlRole } from '../../lib/db-url.js';
import { ConnectionError } from '../../lib/errors.js';
import { knexLog } from '../../lib/knex-log.js';
import type { Logger } from '../../lib/logger.js';
import type { ErpEngine } from './spec.js';

export interface SourceDb {
  readonly engine: ErpEngine;
  readonly url: DatabaseUrl;
  /** Runs one SELECT and returns its rows as plain objects. */
  select(sql: string, bindings: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
  /** `?? ` placeholders quoted the engine's way: `quote('tabSales Invoice')` → `` `tabSales Invoice` ``. */
  quote(identifier: string): string;
  /** The server's version line, for `check`. */
  version(): Promise<string>;
  /** Whether the session refuses writes, as the server reports it (for `check`). */
  readOnly(): Promise<boolean>;
  close(): Promise<void>;
}

/** Seconds a statement may wait for a lock before it gives up. */
const LOCK_WAIT_SECONDS = 5;

const LABEL: Record<ErpEngine, string> = { mysql: 'MySQL/MariaDB', postgres: 'PostgreSQL', sqlite: 'SQLite' };

// PostgreSQL type OIDs whose text is kept as it is: date, timestamp, timestamptz, int8.
// Numerics become numbers (amounts), as MySQL's decimalNumbers does.
const PG_TEXT_TYPES = new Set([1082, 1114, 1184, 20]);
const PG_NUMERIC = 1700;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (PG_TEXT_TYPES.has(oid)) return (v: string) => v;
    // A whole number beyond 2^53 stays text: as a cursor or key it must not be rounded.
    if (oid === PG_NUMERIC)
      return (v: string) => (/^-?\d{16,}$/.test(v) && !Number.isSafeInteger(Number(v)) ? v : Number(v));
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface SourceDbOptions {
  /** Seconds one statement may run before the server cancels it (0: no limit). */
  statementTimeout?: number;
}

function knexConfig(url: DatabaseUrl, options: SourceDbOptions): Knex.Config {
  const timeout = options.statementTimeout ?? 0;
  switch (url.engine) {
    case 'postgres':
      return {
        client: 'pg',
        connection: {
          host: url.host,
          port: url.port,
          user: url.user ?? 'postgres',
          password: url.password,
          database: url.database,
          application_name: 'crm-etl',
          ssl: tlsOptions(url),
          connectionTimeoutMillis: 10_000,
          types: pgTypes,
          options:
            `-c default_transaction_read_only=on -c lock_timeout=${LOCK_WAIT_SECONDS}s` +
            ` -c statement_timeout=${Math.round(timeout * 1000)}`,
        } as Knex.PgConnectionConfig,
        pool: { min: 0, max: 1 },
      };
    case 'mysql':
      return {
        client: 'mysql2',
        connection: {
          host: url.host,
          port: url.port,
          user: url.user ?? 'root',
          password: url.password ?? '',
          database: url.database,
          charset: 'utf8mb4',
          ssl: tlsOptions(url),
          // Dates and timestamps as the server writes them: exact to the microsecond, no zone shift.
          dateStrings: true,
          decimalNumbers: true,
          supportBigNumbers: true,
          bigNumberStrings: true,
          connectTimeout: 10_000,
        } as unknown as Knex.MySql2ConnectionConfig,
        pool: {
          min: 0,
          max: 1,
          afterCreate: (conn: MysqlConn, done: (err: Error | null, conn: unknown) => void) => {
            mysqlSession(conn, timeout).then(
              () => done(null, conn),
              (err: Error) => done(err, conn),
            );
          },
        },
      };
    case 'sqlite':
      return {
        client: 'better-sqlite3',
        connection: { filename: url.file!, options: { readonly: true } } as Knex.Sqlite3ConnectionConfig,
        useNullAsDefault: true,
        pool: { min: 0, max: 1 },
      };
  }
}

interface MysqlConn {
  query(sql: string, cb: (err: Error | null) => void): void;
}

/**
 * Read-only, short lock waits, and TIMESTAMP columns in UTC (a session zone with DST makes an
 * hour of cursor values ambiguous). The statement limit is MariaDB's max_statement_time, or
 * MySQL's max_execution_time (milliseconds, SELECTs) where that does not exist.
 */
async function mysqlSession(conn: MysqlConn, timeout: number): Promise<void> {
  const run = (sql: string) =>
    new Promise<void>((resolve, reject) => conn.query(sql, (err) => (err ? reject(err) : resolve())));
  await run('SET SESSION TRANSACTION READ ONLY');
  await run(
    `SET SESSION lock_wait_timeout = ${LOCK_WAIT_SECONDS}, SESSION innodb_lock_wait_timeout = ${LOCK_WAIT_SECONDS}, SESSION time_zone = '+00:00'`,
  );
  await run(`SET SESSION max_statement_time = ${timeout}`).catch(() =>
    run(`SET SESSION max_execution_time = ${Math.round(timeout * 1000)}`),
  );
}

/** Opens the source's database and checks it answers. `name` is the source's name, for messages. */
export async function openSourceDb(
  rawUrl: string,
  name: string,
  logger?: Logger,
  options: SourceDbOptions = {},
): Promise<SourceDb> {
  const role: UrlRole = { what: `source '${name}'`, where: `the url of source '${name}' in the config` };
  const url = parseDatabaseUrl(rawUrl, role);
  const engine = url.engine;
  if (engine === 'sqlite' && !fs.existsSync(url.file!)) {
    throw new ConnectionError(`Source '${name}': SQLite file ${url.file} does not exist`, {
      hint: `Check ${role.where}`,
    });
  }
  const knex = knexFactory({
    ...knexConfig(url, options),
    acquireConnectionTimeout: 15_000,
    log: knexLog(logger),
  });
  const select = async (sql: string, bindings: readonly unknown[]) =>
    rowsOf(engine, await knex.raw(sql, bindings as Knex.RawBinding[]));
  const db: SourceDb = {
    engine,
    url,
    select,
    quote: (identifier) => knex.raw('??', [identifier]).toQuery(),
    version: async () => {
      const sql = engine === 'sqlite' ? 'SELECT sqlite_version() AS v' : 'SELECT VERSION() AS v';
      return `${LABEL[engine]} ${String((await select(sql, []))[0]?.v ?? '')}`;
    },
    readOnly: async () => {
      if (engine === 'sqlite') return true; // opened with readonly: true
      if (engine === 'postgres')
        return String((await select('SHOW transaction_read_only', []))[0]?.transaction_read_only) === 'on';
      // MariaDB < 11.1 and MySQL < 8 name it tx_read_only; MySQL 8 only transaction_read_only.
      const rows = await select('SELECT @@session.tx_read_only AS ro', []).catch(() =>
        select('SELECT @@session.transaction_read_only AS ro', []),
      );
      return Number(rows[0]?.ro) === 1;
    },
    close: () => knex.destroy(),
  };
  try {
    await db.version();
  } catch (err) {
    await knex.destroy().catch(() => undefined);
    throw explainConnectError(err, url, LABEL[engine], role);
  }
  return db;
}

function rowsOf(engine: ErpEngine, result: unknown): Array<Record<string, unknown>> {
  if (engine === 'mysql') return (result as [Array<Record<string, unknown>>])[0];
  if (engine === 'postgres') return (result as { rows: Array<Record<string, unknown>> }).rows;
  return result as Array<Record<string, unknown>>;
}
