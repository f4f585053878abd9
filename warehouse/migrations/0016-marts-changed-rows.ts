import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { Migration } from './migration.js';

/** The staged tables the nightly marts refresh reads by change stamp, and the index each gets. */
export const CHANGED_ROW_INDEXES: ReadonlyArray<{ table: string; index: string }> = Object.freeze([
  { table: 'stg_order', index: 'stg_order_changed' },
  { table: 'stg_interaction', index: 'stg_interaction_changed' },
]);

/**
 * stg_order and stg_interaction get an index on updated_at again (0004 dropped them while
 * nothing read by it). The nightly marts refresh (warehouse/marts/incremental/) reads the rows
 * stamped after its last build: without the index that was a scan of every staged order each
 * night, the refresh's cost growing with the history instead of the day's changes. Loads pay
 * one index entry per row. Names of their own, as 0014's, so 0004 undone and redone leaves them.
 */
export const martsChangedRowsSchema: Migration = {
  name: '0016-marts-changed-rows',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    for (const { table, index } of CHANGED_ROW_INDEXES) {
      if (!(await adapter.hasIndex(knex, table, index)))
        await knex.schema.alterTable(table, (t) => t.index(['updated_at'], index));
    }
  },

  async down(knex: Knex, adapter: EngineAdapter) {
    for (const { table, index } of CHANGED_ROW_INDEXES) {
      if (await adapter.hasIndex(knex, table, index))
        await knex.schema.alterTable(table, (t) => t.dropIndex(['updated_at'], index));
    }
  },
};
