import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageRow } from '../../warehouse/engines/adapter.js';
import { resolveWarehouse } from '../../warehouse/identity/resolve-warehouse.js';
import { loadStaging } from '../../warehouse/staging/loader.js';
import { STG_CONTACT } from '../../warehouse/tables.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

/** The birth date comparison of a crosswalk row's link (match_detail: JSON text or an object). */
function birthDateLevel(row: Record<string, unknown>): string | undefined {
  const raw = row.match_detail;
  const detail = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
    comparisons: Array<{ field: string; level: string }>;
  };
  return detail.comparisons.find((c) => c.field === 'birth_date')?.level;
}

/** A CRM row with a name, a city and a birth date known to the month only (day 00 at import). */
const contact = (key: string, last: string, first: string, partial: string): StageRow => ({
  source: 'crm',
  source_key: key,
  last_name: last,
  first_name: first,
  full_name: `${last} ${first}`,
  city: 'Тверь',
  birth_date_partial: partial,
});

/**
 * stg_contact.birth_date_partial reaches the resolver as YYYY-MM-00 (YYYY-00-00 for a year): the
 * same month is no evidence against a link, a different month is evidence against one; without
 * the partial date both pairs would look alike (same name, same city, no date).
 */
describe.each(targets)('partial birth dates in resolve on $engine', (target) => {
  let t: TestWarehouse;
  const customerOf = async (key: string) =>
    (await t.wh.knex('customer_crosswalk').where({ source: 'crm', source_key: key }).first()) as
      Record<string, unknown> | undefined;

  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await loadStaging(t.wh, STG_CONTACT, [
      contact('1', 'Смирнов', 'Олег', '1980-05'),
      contact('2', 'Смирнов', 'Олег', '1980-05'),
      contact('3', 'Кузнецов', 'Павел', '1975-03'),
      contact('4', 'Кузнецов', 'Павел', '1975-09'),
      contact('5', 'Волкова', 'Ирина', '1990'),
      contact('6', 'Волкова', 'Ирина', '1975'),
    ]);
  });
  afterAll(async () => t?.drop());

  it.skipIf(target.unavailable)(
    'links the same name and month, not the same name in other months',
    async () => {
      const s = await resolveWarehouse(t.wh);
      expect(s.records).toBe(6);
      const [a, b, c, d, e, f] = await Promise.all(['1', '2', '3', '4', '5', '6'].map(customerOf));
      expect(b!.customer_id).toBe(a!.customer_id);
      expect(d!.customer_id).not.toBe(c!.customer_id);
      // A year alone (month 00 too) is read as well: years far apart are two people.
      expect(f!.customer_id).not.toBe(e!.customer_id);
      // A shared month is never a shared birthday: the link is the names' and the city's.
      expect(birthDateLevel(a!)).toBe('missing');
      // The golden record holds real dates only: the partial one stays in staging.
      const golden = await t.wh
        .knex('dim_customer')
        .where({ customer_id: Number(a!.customer_id) })
        .first();
      expect(golden?.birth_date ?? null).toBeNull();
    },
  );
});
