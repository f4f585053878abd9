import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.js';
import { migrate } from '../../warehouse/migrate.js';
import { parseWarehouseUrl, type EngineName } from '../../warehouse/url.js';

/**
 * The engines every warehouse suite runs against. Server URLs come from CRM_TEST_PG_URL and
 * CRM_TEST_MYSQL_URL (defaults: the local services); each suite gets a throwaway database there.
 */
export interface EngineTarget {
  engine: EngineName;
  /** null when reachable; else why the suite is skipped (outside CI) or fails (CI=true). */
  unavailable: string | null;
  serverUrl: string;
}

const SERVER_URLS: Record<Exclude<EngineName, 'sqlite'>, string> = {
  postgres: process.env.CRM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.CRM_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

async function probe(engine: Exclude<EngineName, 'sqlite'>): Promise<string | null> {
  let wh: Warehouse | undefined;
  try {
    wh = await openWarehouse(SERVER_URLS[engine]);
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await wh?.close();
  }
}

/** Probes the servers once per test file. */
export async function engineTargets(): Promise<EngineTarget[]> {
  const targets: EngineTarget[] = [{ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' }];
  for (const engine of ['postgres', 'mysql'] as const) {
    const unavailable = await probe(engine);
    if (unavailable) {
      if (process.env.CI === 'true') {
        throw new Error(`CI=true and the ${engine} test server is unreachable: ${unavailable}`);
      }
      console.warn(`\n[crm-etl tests] SKIPPING ${engine} suites: ${unavailable}\n`);
    }
    targets.push({ engine, unavailable, serverUrl: SERVER_URLS[engine] });
  }
  return targets;
}

export interface TestWarehouse {
  wh: Warehouse;
  url: string;
  drop(): Promise<void>;
}

/** A brand-new empty database on the target's server (a temp file for SQLite), not migrated. */
export async function freshDatabase(target: EngineTarget): Promise<{ url: string; drop(): Promise<void> }> {
  // CRM_TEST_DB_PREFIX (letters, digits, _) names the databases of one worker apart from others'.
  const prefix = /^[a-z][a-z0-9_]{0,30}$/.test(process.env.CRM_TEST_DB_PREFIX ?? '')
    ? process.env.CRM_TEST_DB_PREFIX
    : 'crm_test_';
  const name = `${prefix}${crypto.randomBytes(5).toString('hex')}`;
  if (target.engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-etl-'));
    return {
      url: `sqlite:${path.join(dir, 'warehouse.db')}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = await openWarehouse(target.serverUrl);
  const quote = target.engine === 'mysql' ? '`' : '"';
  await admin.knex.raw(`CREATE DATABASE ${quote}${name}${quote}`);
  await admin.close();
  const server = parseWarehouseUrl(target.serverUrl);
  const url = target.serverUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  return {
    url,
    drop: async () => {
      const k = knexFactory(
        target.engine === 'postgres'
          ? {
              client: 'pg',
              connection: {
                host: server.host,
                port: server.port,
                user: server.user,
                password: server.password,
                database: server.database,
              },
            }
          : {
              client: 'mysql2',
              connection: {
                host: server.host,
                port: server.port,
                user: server.user,
                password: server.password,
              },
            },
      );
      try {
        await k.raw(
          target.engine === 'postgres'
            ? `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`
            : `DROP DATABASE IF EXISTS \`${name}\``,
        );
      } finally {
        await k.destroy();
      }
    },
  };
}

/** A fresh database with the real migrations applied. */
export async function migratedWarehouse(target: EngineTarget): Promise<TestWarehouse> {
  const db = await freshDatabase(target);
  const wh = await openWarehouse(db.url);
  await migrate(wh);
  return {
    wh,
    url: db.url,
    drop: async () => {
      await wh.close();
      await db.drop();
    },
  };
}
