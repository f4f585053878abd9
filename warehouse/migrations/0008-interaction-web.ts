import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import { INTERACTION_WEB_COLUMNS } from '../tables.js';
import type { Migration } from './migration.js';

/**
 * stg_interaction gains where a web lead came from (the web-form receiver): the form, the page it
 * was sent from, the referrer and the UTM tags, so the lead funnel can tell channels apart. 0001
 * creates staging tables from the current specs, so a warehouse made since has them already: each
 * column is added only where it is missing, which also finishes an attempt cut off halfway on MySQL
 * (whose DDL commits as it goes).
 */
export const interactionWebSchema: Migration = {
  name: '0008-interaction-web',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    for (const spec of INTERACTION_WEB_COLUMNS) {
      if (!(await knex.schema.hasColumn('stg_interaction', spec.name))) {
        await knex.schema.alterTable('stg_interaction', (t) => {
          adapter.addColumn(t as unknown as Knex.CreateTableBuilder, spec);
        });
      }
    }
  },

  async down(knex: Knex) {
    for (const spec of [...INTERACTION_WEB_COLUMNS].reverse()) {
      if (await knex.schema.hasColumn('stg_interaction', spec.name)) {
        await knex.schema.alterTable('stg_interaction', (t) => t.dropColumn(spec.name));
      }
    }
  },
};
