import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageRow } from '../../warehouse/engines/adapter.js';
import { explainCustomer } from '../../warehouse/identity/explain.js';
import { resolveWarehouse } from '../../warehouse/identity/resolve-warehouse.js';
import { loadStaging } from '../../warehouse/staging/loader.js';
import { STG_CONTACT } from '../../warehouse/tables.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

const FAMILY = 'kuznetsovy@mail.ru';
const row = (key: string, fields: Record<string, string>): StageRow => ({
  source: 'crm',
  source_key: key,
  ...fields,
});

// A family mailbox: husband and wife write it; the wife's second record also carries her phone.
const CONTACTS = [
  row('1', {
    last_name: 'Кузнецов',
    first_name: 'Олег',
    full_name: 'Кузнецов Олег',
    email: FAMILY,
    phone: '+79160000001',
  }),
  row('2', {
    last_name: 'Кузнецова',
    first_name: 'Марина',
    full_name: 'Кузнецова Марина',
    email: FAMILY,
    phone: '+79160000002',
  }),
  row('3', {
    last_name: 'Kuznetsova',
    first_name: 'Marina',
    full_name: 'Marina Kuznetsova',
    email: FAMILY,
    phone: '+79160000002',
  }),
];

describe.each(targets)('an identifier several people share, through the warehouse on $engine', (target) => {
  let t: TestWarehouse;
  const customerOf = async (key: string) =>
    Number(
      (await t.wh.knex('customer_crosswalk').where({ source: 'crm', source_key: key }).first('customer_id'))
        ?.customer_id,
    );

  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await loadStaging(t.wh, STG_CONTACT, CONTACTS);
  });
  afterAll(async () => t?.drop());

  it.skipIf(target.unavailable)('does not link by it, and explain says why', async () => {
    const s = await resolveWarehouse(t.wh);
    expect(s.guards.find((g) => g.rule === 'email')).toMatchObject({ sharedValues: 1, links: 0 });
    expect(await customerOf('1')).not.toBe(await customerOf('2'));
    expect(await customerOf('3')).toBe(await customerOf('2'));
    const oleg = await explainCustomer(t.wh, await customerOf('1'));
    expect(oleg!.records[0]!.sharedIdentifiers).toEqual([
      { field: 'email', holders: 3, reason: 'held by records that disagree on who they are' },
    ]);
    const marina = await explainCustomer(t.wh, await customerOf('2'));
    const linked = marina!.records.find((r) => r.matched_with !== null)!;
    expect(linked.match_rule).toBe('phone');
    expect(linked.comparisons.find((c) => c.field === 'email')).toMatchObject({ level: 'shared', weight: 0 });
  });

  it.skipIf(target.unavailable)('an incremental run keeps it shared for a new holder', async () => {
    const before = new Set([await customerOf('1'), await customerOf('2')]);
    await loadStaging(t.wh, STG_CONTACT, [
      row('4', {
        last_name: 'Кузнецова',
        first_name: 'Екатерина',
        full_name: 'Кузнецова Екатерина',
        email: FAMILY,
      }),
    ]);
    const s = await resolveWarehouse(t.wh);
    expect(s).toMatchObject({ mode: 'incremental', changedRecords: 1, newCustomers: 1 });
    expect(before.has(await customerOf('4'))).toBe(false);
  });
});
