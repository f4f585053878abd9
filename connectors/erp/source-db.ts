/**
 * A read-only connection to an ERP's database. Each engine's module (warehouse/engines/<engine>/
 * connection.ts) says how to reach it: driver, pool, timeouts, how values arrive (timestamps as
 * exact text, so a cursor with microseconds is compared as the database wrote it), and how a
 * session is made read-only; this file asks for the limits below.
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
import { parseDatabaseUrl, type DatabaseUrl, type UrlRole } from '../../lib/db-url.js';
import { ConnectionError } from '../../lib/errors.js';
import { knexLog } from '../../lib/knex-log.js';
import type { Logger } from '../../lib/logger.js';
// The one connector allowed to import warehouse/: it is a database connection, and takes each
// engine's connection settings and error codes from the engine's module.
import { explainConnectError } from '../../warehouse/engines/errors.js';
import { getEngine } from '../../warehouse/engines/index.js';
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

export interface SourceDbOptions {
  /** Seconds one statement may run before the server cancels it (0: no limit). */
  statementTimeout?: number;
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
  const { label, sourceConnection } = getEngine(engine);
  if (engine === 'sqlite' && !fs.existsSync(url.file!)) {
    throw new ConnectionError(`Source '${name}': SQLite file ${url.file} does not exist`, {
      hint: `Check ${role.where}`,
    });
  }
  const knex = knexFactory({
    ...sourceConnection(url, {
      lockWaitSeconds: LOCK_WAIT_SECONDS,
      statementTimeout: options.statementTimeout ?? 0,
    }),
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
      return `${label} ${String((await select(sql, []))[0]?.v ?? '')}`;
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
    throw explainConnectError(err, url, label, role);
  }
  return db;
}

function rowsOf(engine: ErpEngine, result: unknown): Array<Record<string, unknown>> {
  if (engine === 'mysql') return (result as [Array<Record<string, unknown>>])[0];
  if (engine === 'postgres') return (result as { rows: Array<Record<string, unknown>> }).rows;
  return result as Array<Record<string, unknown>>;
}
