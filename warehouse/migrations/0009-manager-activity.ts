import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { ColumnSpec } from '../tables.js';
import type { Migration } from './migration.js';
import { schemaKit } from './migration.js';

/** Added to fct_interaction by 0009-manager-activity. */
export const FCT_INTERACTION_THREAD: ColumnSpec = Object.freeze({ name: 'thread_key', type: 'key' });

/**
 * What a sales director reads per manager (#17):
 * - fct_interaction.thread_key (stg_interaction.thread_key: References / In-Reply-To, else the
 *   normalized subject), so conversations can be counted and a reply matched to the letter it answers;
 * - mart_manager_activity: per month × owner (the mailbox), letters in and out, conversations,
 *   replies and hours to reply.
 * Each step looks before it acts, so an attempt cut off halfway on MySQL (DDL commits) finishes.
 */
export const managerActivitySchema: Migration = {
  name: '0009-manager-activity',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    const { create, column } = schemaKit(knex, adapter);
    if (!(await knex.schema.hasColumn('fct_interaction', FCT_INTERACTION_THREAD.name))) {
      await knex.schema.alterTable('fct_interaction', (t) => {
        adapter.addColumn(t as unknown as Knex.CreateTableBuilder, FCT_INTERACTION_THREAD);
      });
    }
    if (!(await knex.schema.hasTable('mart_manager_activity'))) {
      await create('mart_manager_activity', (t) => {
        column(t, 'month', 'date').notNullable();
        // '' stands for "not known" so the key stays NOT NULL on every engine.
        column(t, 'owner', 'key').notNullable();
        for (const c of ['inbound', 'outbound', 'threads', 'replies', 'answered', 'unanswered'])
          column(t, c, 'int').notNullable();
        column(t, 'reply_hours_median', 'float');
        column(t, 'reply_hours_p90', 'float');
        t.primary(['month', 'owner']);
      });
    }
  },

  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('mart_manager_activity');
    if (await knex.schema.hasColumn('fct_interaction', FCT_INTERACTION_THREAD.name)) {
      await knex.schema.alterTable('fct_interaction', (t) => t.dropColumn(FCT_INTERACTION_THREAD.name));
    }
  },
};
