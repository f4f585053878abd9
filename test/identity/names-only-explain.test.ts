import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainCustomer } from '../../warehouse/identity/explain.js';
import { resolveWarehouse } from '../../warehouse/identity/resolve-warehouse.js';
import { loadStaging } from '../../warehouse/staging/loader.js';
import { STG_CONTACT } from '../../warehouse/tables.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { rareNameRows } from '../support/identity/rare-names.js';

const targets = await engineTargets();

// 200 people with rare names, each twice with their phone (the copy also an e-mail), and each name
// once more with the city only: that row can join its person on names alone.
const ROWS = rareNameRows(200, 1).map((fields, i) => ({
  source: 'crm',
  source_key: String(i + 1),
  ...fields,
}));

describe.each(targets)('a link on names alone, explained through the warehouse on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await loadStaging(t.wh, STG_CONTACT, ROWS);
  });
  afterAll(async () => t?.drop());

  it.skipIf(target.unavailable)('says its score is not the sum of the field weights', async () => {
    await resolveWarehouse(t.wh);
    const row = await t.wh
      .knex('customer_crosswalk')
      .where({ source: 'crm', source_key: '401' })
      .first('customer_id');
    const found = await explainCustomer(t.wh, Number(row?.customer_id));
    const byName = found!.records.find((r) => r.source_key === '401')!;
    expect(byName.match_rule).toBe('fs');
    expect(byName.namesOnly).toBe(true);
    // Its person's own records linked by the phone: not names alone.
    const byPhone = found!.records.filter((r) => r.source_key !== '401' && r.match_rule === 'phone');
    expect(byPhone.length).toBeGreaterThan(0);
    expect(byPhone.every((r) => !r.namesOnly)).toBe(true);
  });
});
