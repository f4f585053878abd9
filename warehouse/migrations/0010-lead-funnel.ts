import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { ColumnSpec } from '../tables.js';
import type { Migration } from './migration.js';
import { schemaKit } from './migration.js';

/** Carried from stg_interaction into fct_interaction by 0010-lead-funnel: where a web lead came from. */
export const FCT_INTERACTION_LEAD: readonly ColumnSpec[] = Object.freeze([
  { name: 'form', type: 'key' },
  { name: 'utm_source', type: 'key' },
  { name: 'utm_medium', type: 'key' },
  { name: 'utm_campaign', type: 'text' },
]);

/**
 * The lead funnel (#18): fct_interaction gains a web lead's form and UTM source / medium / campaign
 * (the funnel's channel is the UTM source, else the form, else the source name), and
 * mart_lead_funnel holds per month of the lead × channel × owner: leads, contacted, hours to first
 * contact, converted, conversion rate and revenue of the converted. Each step looks before it
 * acts, so an attempt cut off halfway on MySQL (DDL commits) finishes.
 */
export const leadFunnelSchema: Migration = {
  name: '0010-lead-funnel',
  resumable: true,

  async up(knex: Knex, adapter: EngineAdapter) {
    const { create, column } = schemaKit(knex, adapter);
    for (const spec of FCT_INTERACTION_LEAD) {
      if (!(await knex.schema.hasColumn('fct_interaction', spec.name))) {
        await knex.schema.alterTable('fct_interaction', (t) => {
          adapter.addColumn(t as unknown as Knex.CreateTableBuilder, spec);
        });
      }
    }
    if (!(await knex.schema.hasTable('mart_lead_funnel'))) {
      await create('mart_lead_funnel', (t) => {
        column(t, 'month', 'date').notNullable();
        // '' stands for "not known" so the key stays NOT NULL on every engine.
        column(t, 'channel', 'key').notNullable();
        column(t, 'owner', 'key').notNullable();
        column(t, 'leads', 'int').notNullable();
        column(t, 'contacted', 'int').notNullable();
        column(t, 'first_contact_hours_median', 'float');
        column(t, 'first_contact_hours_p90', 'float');
        column(t, 'converted', 'int').notNullable();
        column(t, 'conversion_rate', 'float');
        column(t, 'converted_revenue', 'money').notNullable();
        t.primary(['month', 'channel', 'owner']);
      });
    }
  },

  async down(knex: Knex) {
    await knex.schema.dropTableIfExists('mart_lead_funnel');
    for (const spec of [...FCT_INTERACTION_LEAD].reverse()) {
      if (await knex.schema.hasColumn('fct_interaction', spec.name)) {
        await knex.schema.alterTable('fct_interaction', (t) => t.dropColumn(spec.name));
      }
    }
  },
};
