import type { Knex } from 'knex';
import type { EngineAdapter } from '../engines/adapter.js';
import { CONTACT_FIELDS, STAGING_TABLES } from '../tables.js';
import type { Migration } from './migration.js';
import { schemaKit } from './migration.js';

/** Every table of DESIGN.md's contract, with the keys BI tools read and the indexes later steps use. */
export const coreSchema: Migration = {
  name: '0001-core',

  async up(knex: Knex, adapter: EngineAdapter) {
    const { create, columns, column, stamps } = schemaKit(knex, adapter);

    await create('etl_run', (t) => {
      t.bigIncrements('run_id').primary();
      column(t, 'pipeline', 'key').notNullable();
      column(t, 'status', 'key').notNullable();
      column(t, 'started_at', 'datetime').notNullable();
      column(t, 'finished_at', 'datetime');
      column(t, 'error', 'text');
      column(t, 'stats', 'json');
      column(t, 'host', 'key');
      column(t, 'pid', 'int');
      t.index(['pipeline', 'started_at'], 'etl_run_pipeline_started');
    });

    await create('etl_lock', (t) => {
      column(t, 'name', 'key').primary();
      column(t, 'owner', 'key').notNullable();
      column(t, 'host', 'key').notNullable();
      column(t, 'pid', 'int').notNullable();
      column(t, 'acquired_at', 'datetime').notNullable();
    });

    await create('connector_state', (t) => {
      column(t, 'source', 'key').notNullable();
      column(t, 'stream', 'key').notNullable();
      column(t, 'state', 'json');
      stamps(t, 'updated_at');
      t.primary(['source', 'stream']);
    });

    for (const spec of Object.values(STAGING_TABLES)) {
      await create(spec.name, (t) => {
        for (const c of spec.columns) {
          const built = column(t, c.name, c.type);
          if (spec.key.includes(c.name)) built.notNullable();
        }
        stamps(t, 'loaded_at', 'updated_at');
        t.primary([...spec.key]);
        // Incremental steps pick up what changed since their last run.
        t.index(['updated_at'], `${spec.name}_updated`);
      });
    }
    await knex.schema.alterTable('stg_order', (t) => {
      t.index(['source', 'customer_source_key'], 'stg_order_customer');
    });
    await knex.schema.alterTable('stg_interaction', (t) => {
      t.index(['source', 'customer_source_key'], 'stg_interaction_customer');
    });

    await create('stg_quarantine', (t) => {
      t.bigIncrements('id').primary();
      column(t, 'source', 'key').notNullable();
      column(t, 'stream', 'key');
      column(t, 'run_id', 'int');
      column(t, 'file', 'text');
      column(t, 'line', 'int');
      column(t, 'reason', 'text').notNullable();
      column(t, 'raw', 'text');
      stamps(t, 'created_at');
      t.index(['source', 'run_id'], 'stg_quarantine_source_run');
    });

    await create('dim_customer', (t) => {
      t.bigInteger('customer_id').primary();
      columns(t, CONTACT_FIELDS);
      column(t, 'first_seen', 'datetime');
      column(t, 'last_seen', 'datetime');
      column(t, 'record_count', 'int').notNullable().defaultTo(0);
      column(t, 'row_hash', 'key');
      stamps(t, 'created_at', 'updated_at');
      t.index(['tax_id'], 'dim_customer_tax_id');
    });

    const customerFk = (t: Knex.CreateTableBuilder, nullable = false) => {
      const c = t.bigInteger('customer_id');
      if (!nullable) c.notNullable();
      t.foreign('customer_id').references('dim_customer.customer_id').onDelete('CASCADE');
      t.index(['customer_id']);
    };

    await create('customer_crosswalk', (t) => {
      column(t, 'source', 'key').notNullable();
      column(t, 'source_key', 'key').notNullable();
      customerFk(t);
      column(t, 'match_rule', 'key').notNullable();
      column(t, 'match_score', 'float');
      column(t, 'linked_at', 'datetime').notNullable();
      // The pair and per-field weights that decided the link, for `crm-etl explain`.
      column(t, 'matched_source', 'key');
      column(t, 'matched_source_key', 'key');
      column(t, 'match_detail', 'json');
      column(t, 'row_hash', 'key');
      column(t, 'updated_at', 'datetime');
      t.primary(['source', 'source_key']);
    });

    await create('fct_order', (t) => {
      t.string('order_id', 512).primary();
      column(t, 'source', 'key').notNullable();
      column(t, 'source_key', 'key').notNullable();
      customerFk(t);
      column(t, 'order_date', 'date');
      column(t, 'amount', 'money');
      column(t, 'cost', 'money');
      column(t, 'margin', 'money');
      column(t, 'currency', 'key');
      column(t, 'channel', 'key');
      column(t, 'status', 'key');
      column(t, 'owner', 'text');
      t.index(['order_date']);
    });

    await create('fct_interaction', (t) => {
      t.string('interaction_id', 512).primary();
      column(t, 'source', 'key').notNullable();
      column(t, 'source_key', 'key').notNullable();
      customerFk(t);
      column(t, 'channel', 'key');
      column(t, 'direction', 'key');
      column(t, 'occurred_at', 'datetime');
      column(t, 'subject', 'text');
      t.index(['occurred_at']);
    });

    await create('mart_customer_rfm', (t) => {
      t.bigInteger('customer_id').primary();
      t.foreign('customer_id').references('dim_customer.customer_id').onDelete('CASCADE');
      column(t, 'recency_days', 'int');
      column(t, 'frequency', 'int');
      column(t, 'monetary', 'money');
      for (const s of ['r_score', 'f_score', 'm_score']) column(t, s, 'int');
      column(t, 'segment', 'key');
      column(t, 'as_of', 'date');
    });

    await create('mart_cohort_retention', (t) => {
      column(t, 'cohort_month', 'date').notNullable();
      column(t, 'period_number', 'int').notNullable();
      column(t, 'cohort_size', 'int');
      column(t, 'retained', 'int');
      column(t, 'retention_rate', 'float');
      t.primary(['cohort_month', 'period_number']);
    });

    await create('mart_customer_clv', (t) => {
      t.bigInteger('customer_id').primary();
      t.foreign('customer_id').references('dim_customer.customer_id').onDelete('CASCADE');
      column(t, 'historical_value', 'money');
      column(t, 'expected_purchases', 'float');
      column(t, 'p_alive', 'float');
      column(t, 'expected_avg_value', 'money');
      column(t, 'clv', 'money');
      column(t, 'horizon_months', 'int');
      column(t, 'as_of', 'date');
    });

    await create('mart_segment_profitability', (t) => {
      // '' stands for "not known" so the key stays NOT NULL on every engine.
      column(t, 'segment', 'key').notNullable();
      column(t, 'region', 'key').notNullable();
      column(t, 'owner', 'key').notNullable();
      column(t, 'customers', 'int');
      for (const m of ['revenue', 'cost', 'margin', 'acquisition_cost', 'profit', 'profit_per_customer']) {
        column(t, m, 'money');
      }
      t.primary(['segment', 'region', 'owner']);
    });

    await create('mart_scoreboard', (t) => {
      column(t, 'indicator', 'key').notNullable();
      column(t, 'horizon', 'key').notNullable();
      column(t, 'period', 'key').notNullable();
      column(t, 'actual', 'float');
      column(t, 'baseline', 'float');
      column(t, 'target', 'float');
      column(t, 'due_date', 'date');
      column(t, 'status', 'key');
      t.primary(['indicator', 'period']);
    });
  },

  async down(knex: Knex) {
    for (const table of [
      'mart_scoreboard',
      'mart_segment_profitability',
      'mart_customer_clv',
      'mart_cohort_retention',
      'mart_customer_rfm',
      'fct_interaction',
      'fct_order',
      'customer_crosswalk',
      'dim_customer',
      'stg_quarantine',
      ...Object.values(STAGING_TABLES).map((s) => s.name),
      'connector_state',
      'etl_lock',
      'etl_run',
    ]) {
      await knex.schema.dropTableIfExists(table);
    }
  },
};
