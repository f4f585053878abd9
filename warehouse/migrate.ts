import type { Warehouse } from './connection.js';
import { MIGRATIONS_TABLE, migrationSource } from './migrations/index.js';

export interface MigrateResult {
  /** Migrations applied by this call (empty when the schema was already current). */
  applied: string[];
  /** Every migration the schema now has. */
  current: string[];
}

/** Creates or upgrades the warehouse schema. Idempotent: a second run applies nothing. */
export async function migrate(wh: Warehouse): Promise<MigrateResult> {
  const options = { migrationSource: migrationSource(wh.adapter), tableName: MIGRATIONS_TABLE };
  const [, applied] = (await wh.knex.migrate.latest(options)) as [number, string[]];
  const [completed] = (await wh.knex.migrate.list(options)) as [Array<{ name: string } | string>];
  return { applied, current: completed.map((m) => (typeof m === 'string' ? m : m.name)) };
}
