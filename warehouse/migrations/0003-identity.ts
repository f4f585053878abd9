import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { Migration } from './migration.js';
import { schemaKit } from './migration.js';

/**
 * What identity resolution keeps between runs: the merge log, operators' overrides, the trained
 * model (incremental runs reuse it).
 */
export const identitySchema: Migration = {
  name: '0003-identity',

  async up(knex: Knex, adapter: EngineAdapter) {
    const { create, column, stamps } = schemaKit(knex, adapter);
    await create('customer_merge', (t) => {
      t.bigIncrements('merge_id').primary();
      t.bigInteger('surviving_id').notNullable();
      t.bigInteger('absorbed_id').notNullable();
      column(t, 'kind', 'key').notNullable(); // merge | split
      column(t, 'reason', 'text');
      column(t, 'run_id', 'int');
      stamps(t, 'merged_at');
      t.index(['surviving_id']);
      t.index(['absorbed_id']);
    });
    await create('match_override', (t) => {
      t.bigIncrements('override_id').primary();
      column(t, 'kind', 'key').notNullable(); // same | different
      column(t, 'source_a', 'key').notNullable();
      column(t, 'source_key_a', 'key').notNullable();
      column(t, 'source_b', 'key').notNullable();
      column(t, 'source_key_b', 'key').notNullable();
      column(t, 'note', 'text');
      column(t, 'created_by', 'key');
      stamps(t, 'created_at');
    });
    await create('identity_model', (t) => {
      t.bigIncrements('model_id').primary();
      column(t, 'model', 'json').notNullable();
      /** Warehouse time when the resolve that trained/used it started: later changes are "new". */
      column(t, 'resolved_from', 'datetime').notNullable();
      column(t, 'run_id', 'int');
      column(t, 'full', 'int').notNullable();
      stamps(t, 'created_at');
    });
  },

  async down(knex: Knex) {
    for (const table of ['identity_model', 'match_override', 'customer_merge'])
      await knex.schema.dropTableIfExists(table);
  },
};
