import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMarts } from '../../warehouse/marts/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { tableRows } from './read-rows.js';

const targets = await engineTargets();

type Order = [
  key: string,
  customer: number,
  date: string,
  amount: number,
  channel: string | null,
  owner: string | null,
];

/**
 * Same-day ties, worked out by hand (as of 2024-06-30). The buyers' first order is the lowest
 * order id (crm:<key>) in code point order; the lead funnel's first order the lowest channel,
 * then owner, in code point order, over every order (cancelled ones too):
 * - 1: on 1 March crm:a1 (web2) and crm:a (web): crm:a is a prefix of crm:a1, so crm:a is first
 *   (web) for both; later days 5 March and 1 April: 3 purchase days, 45 after the first day.
 * - 2: on 2 March crm:b (mail, zed) and crm:C (Mail, amy): 'C' < 'b' and 'Mail' < 'mail' by code
 *   point (a locale collation says the opposite): Mail for both, owner amy.
 * - 3: on 3 March crm:x (web, bob) and crm:y (web, Bob): buyers web (crm:x); funnel web, owner Bob.
 * - 4: on 4 March crm:m without a channel (the funnel names the source, crm; the buyer has none)
 *   and crm:n (web2) the same day, 10 and 30: one purchase day, nothing after it; a later order
 *   after the as-of day counts for neither.
 * - 5: only a cancelled order (shop, eve): a first order for the funnel, no buyer.
 */
const ORDERS: Order[] = [
  ['a1', 1, '2024-03-01', 10, 'web2', 'kim'],
  ['a', 1, '2024-03-01', 20, 'web', 'lee'],
  ['a2', 1, '2024-03-05', 15, 'shop', null],
  ['a3', 1, '2024-04-01', 30, 'shop', null],
  ['b', 2, '2024-03-02', 12.5, 'mail', 'zed'],
  ['C', 2, '2024-03-02', 7.25, 'Mail', 'amy'],
  ['x', 3, '2024-03-03', 40, 'web', 'bob'],
  ['y', 3, '2024-03-03', 60, 'web', 'Bob'],
  ['m', 4, '2024-03-04', 10, null, null],
  ['n', 4, '2024-03-04', 30, 'web2', 'Zoe'],
  ['late', 4, '2024-07-04', 99, 'web', 'Zoe'],
];
const CANCELLED: Order = ['z', 5, '2024-03-01', 5, 'shop', 'eve'];

async function seed(t: TestWarehouse): Promise<void> {
  const { knex, adapter } = t.wh;
  const at = adapter.timestamp(new Date('2024-07-05T00:00:00Z'));
  const ids = [1, 2, 3, 4, 5];
  await knex('dim_customer').insert(
    ids.map((id) => ({
      customer_id: id,
      full_name: `Buyer ${id}`,
      first_seen: at,
      last_seen: at,
      record_count: 1,
    })),
  );
  await knex('customer_crosswalk').insert(
    ids.map((id) => ({
      source: 'crm',
      source_key: `K${id}`,
      customer_id: id,
      match_rule: 'email',
      match_score: 1,
      linked_at: at,
    })),
  );
  const row = ([key, id, date, amount, channel, owner]: Order, status: string) => ({
    source: 'crm',
    source_key: key,
    customer_source_key: `K${id}`,
    order_date: date,
    amount,
    currency: 'RUB',
    channel,
    owner,
    status,
  });
  await knex('stg_order').insert([...ORDERS.map((o) => row(o, 'paid')), row(CANCELLED, 'Cancelled')]);
}

describe.each(targets)('per-customer first rows on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await seed(t);
    await buildMarts(t.wh, { asOf: '2024-06-30' });
  });
  afterAll(async () => t?.drop());

  const day = (v: unknown) => String(v).slice(0, 10);

  it.skipIf(target.unavailable)(
    'buyers: first order by order id in code point order, purchase days, revenue after the first day',
    async () => {
      const rows = await tableRows(t.wh, 'etl_marts_buyer', [
        'customer_id',
        'first_date',
        'last_date',
        'orders',
        'revenue',
        'channel',
        'purchase_days',
        'repeat_value',
      ]);
      const typed = rows.map(([id, first, last, orders, revenue, channel, days, repeat]) => [
        Number(id),
        day(first),
        day(last),
        Number(orders),
        Number(revenue),
        channel,
        Number(days),
        Number(repeat),
      ]);
      expect(typed).toEqual([
        [1, '2024-03-01', '2024-04-01', 4, 75, 'web', 3, 45],
        [2, '2024-03-02', '2024-03-02', 2, 19.75, 'Mail', 1, 0],
        [3, '2024-03-03', '2024-03-03', 2, 100, 'web', 1, 0],
        [4, '2024-03-04', '2024-03-04', 2, 40, null, 1, 0],
      ]);
    },
  );

  it.skipIf(target.unavailable)(
    'lead funnel: first order of any status by day, then channel and owner in code point order',
    async () => {
      const rows = await tableRows(t.wh, 'etl_marts_first_order', [
        'customer_id',
        'order_date',
        'channel',
        'owner',
      ]);
      expect(rows.map(([id, date, ...rest]) => [Number(id), day(date), ...rest])).toEqual([
        [1, '2024-03-01', 'web', 'lee'],
        [2, '2024-03-02', 'Mail', 'amy'],
        [3, '2024-03-03', 'web', 'Bob'],
        [4, '2024-03-04', 'crm', null],
        [5, '2024-03-01', 'shop', 'eve'],
      ]);
    },
  );
});
