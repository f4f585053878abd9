/**
 * ERPNext test databases: the schema and seeder live in samples/erp/erpnext-schema.ts (the demo
 * uses them too); this adds a throwaway database per test on the real engines.
 */
import knexFactory, { type Knex } from 'knex';
import { createErpnextDb, type ClockOptions, type ErpnextSeeder } from '../../samples/erp/erpnext-schema.js';
import type { EngineTarget } from '../support/engines.js';
import { freshSourceDb, type TestSourceDb } from './fresh-source.js';

export * from '../../samples/erp/erpnext-schema.js';

/**
 * A knex for an ERP database URL (mysql://… or sqlite:<file>). DATETIME and DATE come back as
 * strings, so `modified` keeps its microseconds; DECIMAL as numbers.
 */
export function erpKnex(url: string): Knex {
  if (url.startsWith('sqlite:')) {
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: url.slice('sqlite:'.length) },
      useNullAsDefault: true,
      pool: { min: 1, max: 1 },
    });
  }
  const u = new URL(url);
  if (!/^(mysql|mariadb):$/.test(u.protocol)) throw new Error(`Not a MariaDB/SQLite URL: ${url}`);
  return knexFactory({
    client: 'mysql2',
    connection: {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1),
      charset: 'utf8mb4',
      timezone: 'Z',
      dateStrings: true,
      decimalNumbers: true,
    } as unknown as Knex.MySql2ConnectionConfig,
    pool: { min: 0, max: 4 },
  });
}

export type TestErpnextDb = TestSourceDb<ErpnextSeeder>;

/** A fresh, empty ERPNext database on the target's server (a temp file for SQLite). */
export async function freshErpnextDb(target: EngineTarget, clock?: ClockOptions): Promise<TestErpnextDb> {
  if (target.engine === 'postgres') throw new Error('ERPNext runs on MariaDB (or SQLite for the demo)');
  return freshSourceDb(target, erpKnex, (knex) => createErpnextDb(knex, clock));
}
