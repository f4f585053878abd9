import { createRequire } from 'node:module';
import type { Knex } from 'knex';
import type PgModule from 'pg';
import { tlsOptions, type DatabaseUrl } from '../../../lib/db-url.js';
import type { WarehouseUrl } from '../../url.js';
import type { SourceSession } from '../engine.js';

let loaded: typeof PgModule | undefined;

/**
 * The driver, loaded when a PostgreSQL connection is first configured (a warehouse on another
 * engine never loads it), with its type parsers set before any connection exists: DATE read as
 * 'YYYY-MM-DD' (not a local-midnight Date), NUMERIC and BIGINT as numbers, so results read back
 * the same as on the other engines. It is the module knex's pg client requires, so one setting serves both.
 */
function pgDriver(): typeof PgModule {
  if (loaded) return loaded;
  const pg = createRequire(import.meta.url)('pg') as typeof PgModule;
  pg.types.setTypeParser(1082, (v: string) => v);
  pg.types.setTypeParser(1700, (v: string) => Number(v));
  pg.types.setTypeParser(20, (v: string) => Number(v));
  return (loaded = pg);
}

/** How long a connection attempt may take before it fails. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Names our sessions in pg_stat_activity. */
const APPLICATION_NAME = 'crm-etl';

/** The warehouse's connections. */
export function warehouseConnection(url: WarehouseUrl): Knex.Config {
  pgDriver();
  return {
    client: 'pg',
    connection: {
      host: url.host,
      port: url.port,
      user: url.user ?? process.env.PGUSER ?? 'postgres',
      password: url.password ?? process.env.PGPASSWORD,
      database: url.database,
      ssl: tlsOptions(url),
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: APPLICATION_NAME,
      // now() defaults and date_trunc work in UTC, as on the other engines.
      options: '-c TimeZone=UTC',
    },
    searchPath: url.params.schema ? [url.params.schema] : undefined,
    pool: { min: 0, max: 6 },
  };
}

// PostgreSQL type OIDs whose text is kept as it is: date, timestamp, timestamptz, int8.
// Numerics become numbers (amounts), as MySQL's decimalNumbers does.
const PG_TEXT_TYPES = new Set([1082, 1114, 1184, 20]);
const PG_NUMERIC = 1700;
const sourceTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (PG_TEXT_TYPES.has(oid)) return (v: string) => v;
    // A whole number beyond 2^53 stays text: as a cursor or key it must not be rounded.
    if (oid === PG_NUMERIC)
      return (v: string) => (/^-?\d{16,}$/.test(v) && !Number.isSafeInteger(Number(v)) ? v : Number(v));
    return pgDriver().types.getTypeParser(oid, format as 'text');
  },
};

/**
 * A source's read-only connection: timestamps as exact text (a cursor with microseconds is
 * compared as the database wrote it), every transaction read-only, lock waits and statements
 * bounded by the server.
 */
export function sourceConnection(url: DatabaseUrl, session: SourceSession): Knex.Config {
  pgDriver();
  return {
    client: 'pg',
    connection: {
      host: url.host,
      port: url.port,
      user: url.user ?? 'postgres',
      password: url.password,
      database: url.database,
      application_name: APPLICATION_NAME,
      ssl: tlsOptions(url),
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types: sourceTypes,
      options:
        `-c default_transaction_read_only=on -c lock_timeout=${session.lockWaitSeconds}s` +
        ` -c statement_timeout=${Math.round(session.statementTimeout * 1000)}`,
    } as Knex.PgConnectionConfig,
    pool: { min: 0, max: 1 },
  };
}
