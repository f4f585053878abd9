import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageRow } from '../../warehouse/engines/adapter.js';
import { explainCustomer } from '../../warehouse/identity/explain.js';
import { resolveWarehouse } from '../../warehouse/identity/resolve-warehouse.js';
import { loadStaging } from '../../warehouse/staging/loader.js';
import { STG_CONTACT, STG_ORDER } from '../../warehouse/tables.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

const contact = (source: string, key: string, fields: Record<string, string>): StageRow => ({
  source,
  source_key: key,
  ...fields,
});

const CONTACTS = [
  contact('sales', '1', {
    last_name: 'Иванов',
    first_name: 'Иван',
    middle_name: 'Иванович',
    full_name: 'Иванов Иван Иванович',
    email: 'ivan.ivanov@mail.ru',
    phone: '+79161234567',
    city: 'Москва',
  }),
  contact('web', 'a', {
    first_name: 'Ivan',
    last_name: 'Ivanov',
    full_name: 'Ivan Ivanov',
    email: 'ivan.ivanov@mail.ru',
    city: 'Moscow',
  }),
  contact('sales', '2', {
    last_name: 'Петров',
    first_name: 'Пётр',
    full_name: 'Петров Пётр',
    phone: '+79990001122',
    city: 'Казань',
  }),
  contact('web', 'b', {
    first_name: 'Petr',
    last_name: 'Petrov',
    full_name: 'Petr Petrov',
    phone: '+79990001122',
  }),
  contact('sales', '3', {
    last_name: 'Сидорова',
    first_name: 'Анна',
    full_name: 'Сидорова Анна',
    email: 'anna.sidorova@yandex.ru',
    city: 'Самара',
  }),
];

describe.each(targets)('resolve into dim_customer on $engine', (target) => {
  let t: TestWarehouse;
  const customerOf = async (source: string, key: string) =>
    Number(
      (await t.wh.knex('customer_crosswalk').where({ source, source_key: key }).first('customer_id'))
        ?.customer_id,
    );

  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await loadStaging(t.wh, STG_CONTACT, CONTACTS);
    await loadStaging(t.wh, STG_ORDER, [
      {
        source: 'shop',
        source_key: 'O-1',
        order_date: '2026-01-10',
        amount: 100,
        full_name: 'Иванов Иван',
        phone: '+79161234567',
      },
      { source: 'shop', source_key: 'O-2', order_date: '2026-02-10', amount: 50, full_name: 'Гусев Олег' },
    ]);
  });
  afterAll(async () => t?.drop());

  it.skipIf(target.unavailable)('links every record to exactly one customer, with a rule', async () => {
    const s = await resolveWarehouse(t.wh);
    expect(s.mode).toBe('full');
    expect(s.records).toBe(7); // 5 contacts + 2 customers named only by orders
    const ivan = await customerOf('sales', '1');
    expect(await customerOf('web', 'a')).toBe(ivan);
    expect(await customerOf('shop', 'phone:+79161234567')).toBe(ivan);
    expect(await customerOf('web', 'b')).toBe(await customerOf('sales', '2'));
    expect(await customerOf('sales', '3')).not.toBe(ivan);
    expect(await customerOf('shop', 'name:Гусев Олег')).not.toBe(ivan);
    expect(s.customers).toBe(4);
    const rows = await t.wh.knex('customer_crosswalk').select('match_rule');
    expect(rows).toHaveLength(7);
    for (const r of rows)
      expect(['email', 'phone', 'tax_id', 'fs', 'must_link', 'none']).toContain(r.match_rule);
    const golden = await t.wh.knex('dim_customer').where({ customer_id: ivan }).first();
    expect(golden).toMatchObject({ email: 'ivan.ivanov@mail.ru', phone: '+79161234567', record_count: 3 });
  });

  it.skipIf(target.unavailable)('a second run changes nothing and keeps every id', async () => {
    const before = await t.wh
      .knex('customer_crosswalk')
      .select('source', 'source_key', 'customer_id')
      .orderBy(['source', 'source_key']);
    const s = await resolveWarehouse(t.wh);
    expect(s).toMatchObject({
      mode: 'incremental',
      changedRecords: 0,
      newCustomers: 0,
      merges: 0,
      splits: 0,
    });
    expect(
      await t.wh
        .knex('customer_crosswalk')
        .select('source', 'source_key', 'customer_id')
        .orderBy(['source', 'source_key']),
    ).toEqual(before);
  });

  it.skipIf(target.unavailable)('matches only new records incrementally, keeping existing ids', async () => {
    const anna = await customerOf('sales', '3');
    await loadStaging(t.wh, STG_CONTACT, [
      contact('web', 'c', { first_name: 'Anna', last_name: 'Sidorova', email: 'anna.sidorova@yandex.ru' }),
    ]);
    const s = await resolveWarehouse(t.wh);
    expect(s).toMatchObject({ mode: 'incremental', changedRecords: 1, newCustomers: 0 });
    expect(await customerOf('web', 'c')).toBe(anna);
    expect(await customerOf('sales', '3')).toBe(anna);
    expect((await t.wh.knex('dim_customer').where({ customer_id: anna }).first()).record_count).toBe(2);
  });

  it.skipIf(target.unavailable)(
    'honours "different" and "same" overrides and records the split',
    async () => {
      const ivan = await customerOf('sales', '1');
      await t.wh.knex('match_override').insert({
        kind: 'different',
        source_a: 'sales',
        source_key_a: '1',
        source_b: 'web',
        source_key_b: 'a',
      });
      await t.wh.knex('match_override').insert({
        kind: 'same',
        source_a: 'shop',
        source_key_a: 'name:Гусев Олег',
        source_b: 'sales',
        source_key_b: '3',
      });
      const s = await resolveWarehouse(t.wh, { full: true });
      expect(s.mode).toBe('full');
      expect(await customerOf('sales', '1')).toBe(ivan); // the surviving part keeps the id
      expect(await customerOf('web', 'a')).not.toBe(ivan);
      expect(await customerOf('shop', 'name:Гусев Олег')).toBe(await customerOf('sales', '3'));
      const log = await t.wh.knex('customer_merge').select('kind', 'surviving_id');
      expect(log).toContainEqual({ kind: 'split', surviving_id: ivan });
      expect(log.some((l: { kind: string }) => l.kind === 'merge')).toBe(true);
      // A customer with no records left is gone; every crosswalk row points at a live customer.
      const orphans = await t.wh
        .knex('dim_customer')
        .whereNotIn('customer_id', t.wh.knex('customer_crosswalk').select('customer_id'));
      expect(orphans).toEqual([]);
    },
  );

  it.skipIf(target.unavailable)('explains a customer: records, deciding rule and weights', async () => {
    const pid = await customerOf('sales', '2');
    const e = await explainCustomer(t.wh, pid);
    expect(e!.records.map((r) => `${r.source}:${r.source_key}`).sort()).toEqual(['sales:2', 'web:b']);
    const web = e!.records.find((r) => r.source === 'web')!;
    expect(web.match_rule).toBe('phone');
    expect(web.matched_with).toBe('sales:2');
    expect(web.comparisons.find((c) => c.field === 'phone')).toMatchObject({ level: expect.any(String) });
    expect(await explainCustomer(t.wh, 999_999)).toBeNull();
  });

  it.skipIf(target.unavailable)('a configured source priority decides the golden record', async () => {
    // Petrov: 'sales' spells him in Cyrillic with a city, 'web' in Latin without one.
    const petrov = await customerOf('sales', '2');
    expect(await customerOf('web', 'b')).toBe(petrov);
    const golden = async () =>
      (await t.wh
        .knex('dim_customer')
        .where({ customer_id: petrov })
        .first('city', 'full_name', 'last_name')) as Record<string, string>;
    await resolveWarehouse(t.wh, { full: true, sourcePriority: ['web'] });
    // The trusted source's values win; a value only the other source has is still taken.
    expect(await golden()).toEqual({ city: 'Казань', full_name: 'Petr Petrov', last_name: 'Petrov' });
    await resolveWarehouse(t.wh, { full: true, sourcePriority: ['sales', 'web'] });
    expect(await golden()).toEqual({ city: 'Казань', full_name: 'Петров Пётр', last_name: 'Петров' });
    expect(await customerOf('web', 'b')).toBe(petrov);
  });
});
