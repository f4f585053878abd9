import type { Knex } from 'knex';
import type { Warehouse } from '../../warehouse/connection.js';

const MANAGERS = ['Petrova A.', 'Grigoriev K.', 'Yusupova D.', 'Smirnov P.', 'Orlova E.'];

/** SQL CASE giving values[i] when expr = i. */
const pick = (expr: string, values: ReadonlyArray<string | null>) =>
  `CASE ${values.map((v, i) => `WHEN ${expr} = ${i} THEN ${v === null ? 'NULL' : `'${v}'`}`).join(' ')} END`;

/**
 * What the bench's customers have besides orders, so the marts that read them (fct_interaction,
 * the lead funnel, manager activity, the scoreboard's lead response) do real work and the
 * refresh's figures include them: a record per customer (created on the day its orders begin,
 * for three in four), an inbound web lead or call on that day for seven in eight (UTM source for
 * some), and a manager's reply 1–30 hours later for half of those — about 1.4 interactions per
 * customer. `numbers` and `bench_day` (k, day) are seedBench's; `customers` as there.
 */
export async function seedBenchTalks(
  wh: Warehouse,
  customers: number,
  numbers: (count: number) => string,
): Promise<void> {
  const { knex, adapter } = wh;
  // Each day's instants as the engine stores them (SQLite: ISO text), computed once here.
  const days = adapter.rows(await knex.raw('SELECT k, day FROM bench_day ORDER BY k'));
  await knex.schema.createTable('bench_instant', (t) => {
    t.integer('k').primary();
    adapter.addColumn(t, { name: 'created_at', type: 'datetime' });
    adapter.addColumn(t, { name: 'lead_at', type: 'datetime' });
    adapter.addColumn(t, { name: 'reply_at', type: 'datetime' });
  });
  const rows = days.map((d) => {
    const k = Number(d.k);
    const day = new Date(Date.UTC(2023, 0, 1 + k));
    const lead = new Date(day.getTime() + (9 + (k % 8)) * 3_600_000);
    return {
      k,
      created_at: adapter.timestamp(new Date(day.getTime() + 8 * 3_600_000)),
      lead_at: adapter.timestamp(lead),
      reply_at: adapter.timestamp(new Date(lead.getTime() + (1 + (k % 30)) * 3_600_000)),
    };
  });
  for (let i = 0; i < rows.length; i += 200) await knex('bench_instant').insert(rows.slice(i, i + 200));
  // Customer n's orders begin on day (n·13) mod 800 (seedBench).
  const from = `FROM (${numbers(customers)}) s JOIN bench_instant d ON d.k = (n * 13) % 800`;
  await knex.raw(`INSERT INTO stg_contact (source, source_key, full_name, email, owner, source_created_at)
    SELECT 'bench', CONCAT('c', n), CONCAT('Customer ', n), CONCAT('c', n, '@example.com'),
      ${pick('n % 5', MANAGERS)}, d.created_at
    ${from} WHERE n % 4 <> 0`);
  await knex.raw(`INSERT INTO stg_interaction (source, source_key, customer_source_key, occurred_at, channel, direction, form, utm_source)
    SELECT 'bench', CONCAT('lead-', n), CONCAT('c', n), d.lead_at,
      CASE WHEN n % 2 = 0 THEN 'web' ELSE 'phone' END, 'inbound',
      CASE WHEN n % 2 = 0 THEN 'contact' END, ${pick('n % 6', ['yandex', 'google', null, 'vk', null, null])}
    ${from} WHERE n % 8 <> 7`);
  await knex.raw(`INSERT INTO stg_interaction (source, source_key, customer_source_key, occurred_at, channel, direction, owner)
    SELECT 'bench', CONCAT('reply-', n), CONCAT('c', n), d.reply_at, 'phone', 'outbound', ${pick('n % 5', MANAGERS)}
    ${from} WHERE n % 8 <> 7 AND n % 2 = 0`);
  await knex.schema.dropTable('bench_instant');
}

/**
 * A night's interactions and records: a web lead and its reply for one customer in a hundred (1 %
 * of the customers; `pick` = 1 or 2 chooses which hundredth), dated `day`; and the manager of the
 * changed customers' records (customer_id mod 200 = 3) rewritten, by key (MariaDB runs an
 * UPDATE … IN (SELECT …) as a probe per row).
 */
export async function benchNightTalks(
  wh: Warehouse,
  customers: number,
  tag: string,
  pick: number,
  day: string,
): Promise<void> {
  const { knex, adapter } = wh;
  const at = (hour: number) => adapter.timestamp(new Date(`${day}T${hour}:00:00Z`)) as Knex.Value;
  await knex.raw(
    `INSERT INTO stg_interaction (source, source_key, customer_source_key, occurred_at, channel, direction, form, utm_source)
     SELECT 'bench', CONCAT('${tag}-lead-', customer_id), CONCAT('c', customer_id - 1), ?, 'web', 'inbound', 'contact', 'yandex'
     FROM dim_customer WHERE customer_id % 100 = ${pick}`,
    [at(10)],
  );
  await knex.raw(
    `INSERT INTO stg_interaction (source, source_key, customer_source_key, occurred_at, channel, direction, owner)
     SELECT 'bench', CONCAT('${tag}-reply-', customer_id), CONCAT('c', customer_id - 1), ?, 'phone', 'outbound', 'Orlova E.'
     FROM dim_customer WHERE customer_id % 100 = ${pick}`,
    [at(15)],
  );
  const keys: string[] = [];
  for (let id = 3; id <= customers; id += 200) keys.push(`c${id - 1}`);
  for (let i = 0; i < keys.length; i += 1000) {
    await knex('stg_contact')
      .where('source', 'bench')
      .whereIn('source_key', keys.slice(i, i + 1000))
      .update({ owner: 'Novikova V.', updated_at: knex.raw(adapter.now()) });
  }
}
