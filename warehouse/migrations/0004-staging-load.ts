import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import { STAGING_TABLES } from '../tables.js';
import type { Migration } from './migration.js';

/**
 * Staging tables lose their index on updated_at. 0001 made it for incremental steps reading what
 * changed since their last run; none does (resolve reads every staged record, see
 * warehouse/identity/read-inputs.ts), and every staged row paid for it: PostgreSQL copying 200k
 * contact rows into stg_contact took ≈2.3 s with it and ≈1.8 s without. A step that comes to
 * need it adds it back in a migration of its own.
 *
 * Each step looks before it acts, so the migration finishes an attempt cut off halfway (MySQL
 * commits each DROP INDEX) and tolerates an index an administrator already dropped.
 */
export const stagingLoadSchema: Migration = {
  name: '0004-staging-load',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    for (const spec of Object.values(STAGING_TABLES)) {
      const index = `${spec.name}_updated`;
      if (await adapter.hasIndex(knex, spec.name, index)) {
        await knex.schema.alterTable(spec.name, (t) => t.dropIndex(['updated_at'], index));
      }
    }
  },

  async down(knex: Knex, adapter: EngineAdapter) {
    for (const spec of Object.values(STAGING_TABLES)) {
      const index = `${spec.name}_updated`;
      if (!(await adapter.hasIndex(knex, spec.name, index))) {
        await knex.schema.alterTable(spec.name, (t) => t.index(['updated_at'], index));
      }
    }
  },
};
