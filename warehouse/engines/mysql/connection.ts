import type { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { tlsOptions, type DatabaseUrl } from '../../../lib/db-url.js';
import type { WarehouseUrl } from '../../url.js';
import type { SourceSession } from '../engine.js';

/** How long a connection attempt may take before it fails. */
const CONNECT_TIMEOUT_MS = 10_000;

/** The warehouse's connections. */
export function warehouseConnection(url: WarehouseUrl): Knex.Config {
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
      connectTimeout: CONNECT_TIMEOUT_MS,
      // mysql2 options knex's typings do not list (dateStrings, decimalNumbers).
    } as unknown as Knex.MySql2ConnectionConfig,
    pool: { min: 0, max: 6 },
  };
}

/** Session setup on each of the warehouse's pooled connections. */
export async function warehouseSession(connection: MysqlConnection): Promise<void> {
  // CURRENT_TIMESTAMP defaults are written in the session zone: make it UTC like the others.
  await run(connection, { sql: "SET time_zone = '+00:00'" });
}

/** A source's read-only connection: dates and timestamps as the server writes them, a read-only session. */
export function sourceConnection(url: DatabaseUrl, session: SourceSession): Knex.Config {
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
      connectTimeout: CONNECT_TIMEOUT_MS,
    } as unknown as Knex.MySql2ConnectionConfig,
    pool: {
      min: 0,
      max: 1,
      afterCreate: (conn: MysqlConnection, done: (err: Error | null, conn: unknown) => void) => {
        sourceSession(conn, session).then(
          () => done(null, conn),
          (err: Error) => done(err, conn),
        );
      },
    },
  };
}

/**
 * Read-only, short lock waits, and TIMESTAMP columns in UTC (a session zone with DST makes an
 * hour of cursor values ambiguous). The statement limit is MariaDB's max_statement_time, or
 * MySQL's max_execution_time (milliseconds, SELECTs) where that does not exist.
 */
async function sourceSession(conn: MysqlConnection, session: SourceSession): Promise<void> {
  const { lockWaitSeconds: wait, statementTimeout: timeout } = session;
  const set = (sql: string) => run(conn, { sql });
  await set('SET SESSION TRANSACTION READ ONLY');
  await set(
    `SET SESSION lock_wait_timeout = ${wait}, SESSION innodb_lock_wait_timeout = ${wait}, SESSION time_zone = '+00:00'`,
  );
  await set(`SET SESSION max_statement_time = ${timeout}`).catch(() =>
    set(`SET SESSION max_execution_time = ${Math.round(timeout * 1000)}`),
  );
}

export interface MysqlResult {
  affectedRows: number;
  warningStatus: number;
}

/** mysql2's own connection, under knex: what LOAD DATA LOCAL INFILE from memory needs. */
export interface MysqlConnection {
  query(
    options: { sql: string; values?: unknown[]; infileStreamFactory?: () => Readable },
    cb: (err: Error | null, result: unknown) => void,
  ): void;
}

export function run(
  conn: MysqlConnection,
  options: Parameters<MysqlConnection['query']>[0],
): Promise<MysqlResult> {
  return new Promise((resolve, reject) =>
    conn.query(options, (err, result) => (err ? reject(err) : resolve(result as MysqlResult))),
  );
}
