import type { Knex } from 'knex';
import type { Warehouse } from './connection.js';
import { MIGRATIONS, MIGRATIONS_TABLE, migrationSource } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';
import { CrmEtlError } from '../lib/errors.js';

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
