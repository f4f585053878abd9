import type { Warehouse } from '../../warehouse/connection.js';
import { crosswalk, customers, interactions, ORDERS, spend } from './fixture.js';

/** Empties every table the marts read or write, then loads the dataset above. */
export async function seedSmallCompany(wh: Warehouse): Promise<void> {
  const { knex, adapter } = wh;
  const at = (iso: string) => adapter.timestamp(new Date(iso));
  for (const table of [
    'customer_crosswalk',
    'mart_customer_rfm',
    'mart_customer_clv',
    'fct_order',
    'fct_interaction',
    'dim_customer',
    'stg_order',
    'stg_interaction',
    'stg_spend',
    'stg_contact',
    'mart_scoreboard',
    'mart_cohort_retention',
    'mart_segment_profitability',
  ]) {
    await knex(table).delete();
  }
  await knex('dim_customer').insert(
    customers.map(({ seen, ...c }) => ({ ...c, first_seen: at(seen), last_seen: at(seen), record_count: 1 })),
  );
  await knex('customer_crosswalk').insert(
    crosswalk.map(([key, id]) => ({
      source: 'crm',
      source_key: key,
      customer_id: id,
      match_rule: 'email',
      match_score: 1,
      linked_at: at('2024-07-01T00:00:00Z'),
    })),
  );
  // The crm's customer records (the shop and the mailbox name customers only in orders and mails).
  await knex('stg_contact').insert(
    crosswalk.map(([key, id]) => ({
      source: 'crm',
      source_key: key,
      full_name: customers.find((c) => c.customer_id === id)!.full_name,
    })),
  );
  await knex('stg_order').insert(
    ORDERS.map(([source, key, customerKey, date, amount, cost, channel, status, extra]) => ({
      source,
      source_key: key,
      customer_source_key: customerKey,
      order_date: date,
      amount,
      cost,
      channel,
      status,
      currency: 'RUB',
      ...extra,
    })),
  );
  await knex('stg_interaction').insert(
    interactions.map(([source, key, customerKey, direction, when, extra]) => ({
      source,
      source_key: key,
      customer_source_key: customerKey,
      direction,
      occurred_at: at(when),
      channel: 'email',
      ...extra,
    })),
  );
  await knex('stg_spend').insert(
    spend.map(([key, channel, start, end, amount]) => ({
      source: 'mkt',
      source_key: key,
      channel,
      period_start: start,
      period_end: end,
      amount,
    })),
  );
}
