import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { ColumnSpec } from '../tables.js';
import type { Migration } from './migration.js';

/** Added to fct_interaction by 0007-interaction-owner. */
export const FCT_INTERACTION_OWNER: ColumnSpec = Object.freeze({ name: 'owner', type: 'text' });

/**
 * fct_interaction gains the manager whose activity an interaction is (stg_interaction.owner: the
 * mailbox a letter was read from), so activity and lead response time can be told per manager.
 * Added only where missing, so an attempt cut off halfway on MySQL (DDL commits) finishes.
 */
export const interactionOwnerSchema: Migration = {
  name: '0007-interaction-owner',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    if (!(await knex.schema.hasColumn('fct_interaction', FCT_INTERACTION_OWNER.name))) {
      await knex.schema.alterTable('fct_interaction', (t) => {
        adapter.addColumn(t as unknown as Knex.CreateTableBuilder, FCT_INTERACTION_OWNER);
      });
    }
  },

  async down(knex: Knex) {
    if (await knex.schema.hasColumn('fct_interaction', FCT_INTERACTION_OWNER.name)) {
      await knex.schema.alterTable('fct_interaction', (t) => t.dropColumn(FCT_INTERACTION_OWNER.name));
    }
  },
};
