import type { Knex } from 'knex';
import { CrmEtlError, NotMigratedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Warehouse } from './connection.js';
import { waitForLock } from './locks.js';
import { MIGRATIONS, MIGRATIONS_TABLE, migrationSource } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

export interface MigrateResult {
  /** Migrations applied by this call (empty when the schema was already current). */
  applied: string[];
  /** Every migration the schema now has. */
  current: string[];
  /** Half-applied attempts of a process that died mid-migration, undone before applying them again. */
  undone?: string[];
}

/**
 * Where a migration in progress is marked on engines whose DDL commits as it goes (MySQL), with
 * the tables the database had before it began. A process killed halfway leaves the marker next
 * to its half-built tables: when the attempt began on a database with none of crm-etl's tables,
 * everything the migration creates is the attempt's own and is undone (its `down`) before it is
 * applied again. Otherwise nothing is dropped: the user is told what to clean up.
 */
const ATTEMPTS_TABLE = 'etl_schema_attempt';

/** Creates or upgrades the warehouse schema. Idempotent: a second run applies nothing. */
export async function migrate(wh: Warehouse): Promise<MigrateResult> {
  const options: Knex.MigratorConfig = {
    migrationSource: migrationSource(wh.adapter),
    tableName: MIGRATIONS_TABLE,
  };
  if (wh.adapter.transactionalDdl) {
    const [, applied] = (await wh.knex.migrate.latest(options)) as [number, string[]];
    return { applied, current: await completed(wh, options) };
  }

  if (!(await wh.knex.schema.hasTable(ATTEMPTS_TABLE))) {
    await wh.knex.schema.createTable(ATTEMPTS_TABLE, (t) => {
      t.string('name', 255).primary();
      t.text('tables_before');
    });
  }
  const undone = await undoInterrupted(wh, new Set(await completed(wh, options)));
  const applied: string[] = [];
  for (;;) {
    const [, pending] = (await wh.knex.migrate.list(options)) as [unknown[], Migration[]];
    const next = pending[0];
    if (!next) break;
    const before = await wh.adapter.listTables(wh.knex);
    await wh.knex(ATTEMPTS_TABLE).insert({ name: next.name, tables_before: JSON.stringify(before) });
    await wh.knex.migrate.up(options);
    await wh.knex(ATTEMPTS_TABLE).where({ name: next.name }).delete();
    applied.push(next.name);
  }
  return { applied, current: await completed(wh, options), ...(undone.length ? { undone } : {}) };
}

/** Undoes attempts a dead process left half-applied, where that is safe (see ATTEMPTS_TABLE). */
async function undoInterrupted(wh: Warehouse, done: ReadonlySet<string>): Promise<string[]> {
  const undone: string[] = [];
  const attempts = (await wh.knex(ATTEMPTS_TABLE).select('name', 'tables_before')) as Array<{
    name: string;
    tables_before: string | null;
  }>;
  for (const { name, tables_before } of attempts) {
    if (!done.has(name) && !migrationNamed(name).resumable) {
      const ours = (JSON.parse(tables_before ?? '[]') as string[]).filter(
        (t) => t !== ATTEMPTS_TABLE && !t.startsWith(MIGRATIONS_TABLE),
      );
      if (ours.length > 0) {
        throw new CrmEtlError(
          `Migration ${name} was interrupted on a database that already had tables (${ours.slice(0, 5).join(', ')}${ours.length > 5 ? ', …' : ''}), so crm-etl will not drop what it half-created`,
          {
            hint: `Remove what ${name} created by hand (see warehouse/migrations), delete its row from ${ATTEMPTS_TABLE}, then run crm-etl migrate`,
          },
        );
      }
      await migrationNamed(name).down(wh.knex, wh.adapter);
      undone.push(name);
    }
    await wh.knex(ATTEMPTS_TABLE).where({ name }).delete();
  }
  return undone;
}

async function completed(wh: Warehouse, options: Knex.MigratorConfig): Promise<string[]> {
  const [done] = (await wh.knex.migrate.list(options)) as [Array<{ name: string } | string>];
  return done.map((m) => (typeof m === 'string' ? m : m.name));
}

function migrationNamed(name: string): Migration {
  const found = MIGRATIONS.find((m) => m.name === name);
  if (!found)
    throw new Error(`The schema marks migration ${name} in progress, but this version does not have it`);
  return found;
}

/**
 * Migrates under a warehouse-wide named lock. knex's own migration lock is a row that throws
 * at once when taken (two first runs on a fresh warehouse would fail one) and, on MySQL, where
 * DDL commits implicitly, outlives a process killed mid-migration and blocks every later run.
 * The named lock serializes migrators and dies with its holder, so while holding it a taken
 * knex lock can only be a dead migrator's, and is freed.
 */
export async function migrateUnderLock(wh: Warehouse, logger: Logger): Promise<MigrateResult> {
  // SQLite keeps named locks in etl_lock, which a fresh warehouse does not have yet: migrate
  // unguarded then (one host, and a fresh file has no dead migrator to recover from).
  const guard = await waitForLock(wh, 'warehouse:migrate', 60_000).catch(() => null);
  try {
    return await migrate(wh);
  } catch (err) {
    if (!guard || !/Migration table is already locked/i.test((err as Error).message ?? '')) throw err;
    logger.warn('freeing the schema migration lock left by a process that died while migrating');
    await wh.knex.migrate.forceFreeMigrationsLock({ tableName: MIGRATIONS_TABLE });
    return await migrate(wh);
  } finally {
    if (guard) {
      // A lost connection frees a server-side lock by itself.
      await guard.release().catch((err: unknown) => {
        logger.warn(
          { err },
          'could not release the migration lock (the server frees it with the connection)',
        );
      });
    }
  }
}

export interface SchemaStatus {
  /** Migrations the warehouse has. */
  applied: string[];
  /** Migrations of this version it lacks: all of them when it was never migrated. */
  pending: string[];
}

/**
 * Reads which migrations the warehouse has, writing nothing: knex's own listing creates its
 * table, which a read-only command must not do.
 */
export async function schemaStatus(wh: Warehouse): Promise<SchemaStatus> {
  const applied = (await wh.knex.schema.hasTable(MIGRATIONS_TABLE))
    ? ((await wh.knex(MIGRATIONS_TABLE).select('name')) as Array<{ name: string }>).map((r) => r.name)
    : [];
  const done = new Set(applied);
  return { applied, pending: MIGRATIONS.map((m) => m.name).filter((name) => !done.has(name)) };
}

/** For read-only commands: the warehouse has this version's whole schema, else NotMigratedError. */
export async function assertMigrated(wh: Warehouse): Promise<void> {
  const { applied, pending } = await schemaStatus(wh);
  if (applied.length === 0) throw neverMigrated(wh);
  if (pending.length > 0) {
    throw new NotMigratedError(
      `The warehouse ${wh.url.display} lacks migration(s) ${pending.join(', ')} of this crm-etl version`,
      { hint: 'Run crm-etl migrate first (it upgrades the schema and keeps the data)' },
    );
  }
}

/**
 * For commands that write into what earlier steps built (resolve, marts, overrides): upgrades a
 * warehouse that was migrated before, but refuses one that never was, which is a wrong --db,
 * DATABASE_URL or config rather than a warehouse to create here.
 */
export async function migrateExisting(wh: Warehouse): Promise<MigrateResult> {
  const { applied } = await schemaStatus(wh);
  if (applied.length === 0) throw neverMigrated(wh);
  return migrate(wh);
}

function neverMigrated(wh: Warehouse): NotMigratedError {
  return new NotMigratedError(`The warehouse ${wh.url.display} has never been migrated (no crm-etl schema)`, {
    hint: 'Run crm-etl migrate first, with the same --db, DATABASE_URL or config warehouse',
  });
}
