import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import { INTERACTION_MAIL_COLUMNS } from '../tables.js';
import type { Migration } from './migration.js';

/**
 * stg_interaction gains what a letter needs (the e-mail connector): the manager whose activity it
 * is (owner), the conversation (thread_key), the addresses as the headers give them, and the text
 * as the source keeps it. 0001 creates staging tables from the current specs, so a warehouse made
 * since has them already: each column is added only where it is missing, which also finishes an
 * attempt cut off halfway on MySQL (whose DDL commits as it goes).
 */
export const interactionMailSchema: Migration = {
  name: '0006-interaction-mail',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    for (const spec of INTERACTION_MAIL_COLUMNS) {
      if (!(await knex.schema.hasColumn('stg_interaction', spec.name))) {
        await knex.schema.alterTable('stg_interaction', (t) => {
          adapter.addColumn(t as unknown as Knex.CreateTableBuilder, spec);
        });
      }
    }
  },

  async down(knex: Knex) {
    for (const spec of [...INTERACTION_MAIL_COLUMNS].reverse()) {
      if (await knex.schema.hasColumn('stg_interaction', spec.name)) {
        await knex.schema.alterTable('stg_interaction', (t) => t.dropColumn(spec.name));
      }
    }
  },
};
