import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { Migration } from './migration.js';
import { schemaKit } from './migration.js';

/**
 * What the nightly marts refresh keeps between builds (warehouse/marts/incremental/): one row
 * per name. `base` says which full build the marts descend from (definition and config hashes,
 * the as-of day); `mark:<table>` holds the high-water mark of an input (its latest change stamp,
 * copied by SQL so no engine's timestamp passes through Node); `clv-fit` the fitted CLV
 * parameters and when they were fitted.
 */
export const martsIncrementalSchema: Migration = {
  name: '0015-marts-incremental',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    if (await knex.schema.hasTable('etl_marts_state')) return;
    const { create, column, stamps } = schemaKit(knex, adapter);
    await create('etl_marts_state', (t) => {
      column(t, 'name', 'key').primary();
      column(t, 'value', 'json');
      column(t, 'mark', 'datetime');
      column(t, 'number', 'int');
      stamps(t, 'updated_at');
    });
  },

  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('etl_marts_state');
  },
};
