import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import type { Migration } from './migration.js';
import { schemaKit } from './migration.js';

/**
 * Columns the marts add to contract tables (names in DESIGN stay as they are):
 * - fct_order.is_revenue: cancelled orders and returns stay visible as facts but count for
 *   nothing; BI filters on one flag instead of re-implementing the status rules.
 * - mart_customer_clv: the model inputs behind each prediction, with the unit t_x and t_cal are in,
 *   so a prediction can be explained and no one mixes weeks and months.
 * - mart_scoreboard.unit: how to read `actual` (ratio, money, count, hours).
 */
export const martsSchema: Migration = {
  name: '0002-marts',

  async up(knex: Knex, adapter: EngineAdapter) {
    const { column } = schemaKit(knex, adapter);
    await knex.schema.alterTable('fct_order', (t) => {
      column(t, 'is_revenue', 'int').notNullable().defaultTo(1);
    });
    await knex.schema.alterTable('mart_customer_clv', (t) => {
      column(t, 'x', 'int');
      column(t, 't_x', 'float');
      column(t, 't_cal', 'float');
      column(t, 'time_unit', 'key');
      column(t, 'mean_repeat_value', 'money');
    });
    await knex.schema.alterTable('mart_scoreboard', (t) => {
      column(t, 'unit', 'key');
    });
  },

  async down(knex: Knex) {
    await knex.schema.alterTable('mart_scoreboard', (t) => t.dropColumn('unit'));
    await knex.schema.alterTable('mart_customer_clv', (t) => {
      for (const c of ['x', 't_x', 't_cal', 'time_unit', 'mean_repeat_value']) t.dropColumn(c);
    });
    await knex.schema.alterTable('fct_order', (t) => t.dropColumn('is_revenue'));
  },
};
