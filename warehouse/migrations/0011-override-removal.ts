import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { ColumnSpec } from '../tables.js';
import type { Migration } from './migration.js';

/** Added to match_override by 0011-override-removal. */
export const OVERRIDE_REMOVAL_COLUMNS: readonly ColumnSpec[] = Object.freeze([
  { name: 'removed_at', type: 'datetime' },
  { name: 'removed_by', type: 'key' },
]);

/**
 * `crm-etl overrides remove <id>` keeps the override, marked removed, instead of deleting it: the
 * operator can still see who said what and who took it back, and the next incremental resolve
 * finds the records of overrides removed since it last ran and compares them afresh (a removed
 * "different" may join them again, a removed "same" may part them). Added only where missing, so
 * an attempt cut off halfway on MySQL (DDL commits) finishes.
 */
export const overrideRemovalSchema: Migration = {
  name: '0011-override-removal',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    for (const spec of OVERRIDE_REMOVAL_COLUMNS) {
      if (!(await knex.schema.hasColumn('match_override', spec.name))) {
        await knex.schema.alterTable('match_override', (t) => {
          adapter.addColumn(t as unknown as Knex.CreateTableBuilder, spec);
        });
      }
    }
  },

  async down(knex: Knex) {
    for (const spec of [...OVERRIDE_REMOVAL_COLUMNS].reverse()) {
      if (await knex.schema.hasColumn('match_override', spec.name)) {
        await knex.schema.alterTable('match_override', (t) => t.dropColumn(spec.name));
      }
    }
  },
};
