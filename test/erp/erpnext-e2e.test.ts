/**
 * The ERPNext preset end to end, as a user points it at an ERPNext database: customers, contacts
 * and submitted invoices with their cost staged, a return netted into the invoice it returns; a
 * repeat run loads nothing (its lookback window is read again as duplicates); a cancellation
 * between runs is loaded alone and the marts leave it out of revenue, as they do the return.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpSourceSchema } from '../../connectors/erp/config.js';
import { createLogger } from '../../lib/logger.js';
import { extractSource } from '../../pipelines/extract.js';
import { buildMarts } from '../../warehouse/marts/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { freshErpnextDb, type TestErpnextDb } from './erpnext-db.js';

const targets = (await engineTargets()).filter((t) => t.engine !== 'postgres');
const logger = createLogger({ level: 'silent' });

describe.each(targets)('ERPNext preset on $engine', (target) => {
  let erp: TestErpnextDb;
  let t: TestWarehouse;
  let runId = 0;
  const invoices = { paid: '', later: '', returned: '', return: '', draft: '' };

  beforeAll(async () => {
    if (target.unavailable) return;
    erp = await freshErpnextDb(target, { start: '2026-03-01 09:00:00' });
    const { seed } = erp;
    await seed.addItem({ itemCode: 'WIDGET', valuationRate: 60, standardRate: 100 });
    await seed.addItem({ itemCode: 'SERVICE', valuationRate: 0, standardRate: 500, isStockItem: false });
    await seed.addCustomer({
      customerName: 'ООО «Ромашка»',
      customerType: 'Company',
      taxId: '7736207543',
      territory: 'Самара',
    });
    await seed.addCustomer({
      customerName: 'Иванов Иван Иванович',
      customerType: 'Individual',
      email: 'ivanov@example.ru',
      mobile: '8 (916) 123-45-67',
    });
    await seed.addContact({
      firstName: 'Мария',
      lastName: 'Соколова',
      emails: ['m.sokolova@romashka.ru'],
      phones: ['+7 495 111-22-33'],
      customers: ['ООО «Ромашка»'],
    });
    invoices.paid = await seed.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2026-03-02',
      items: [
        { itemCode: 'WIDGET', qty: 10, rate: 100 },
        { itemCode: 'SERVICE', qty: 1, rate: 500 },
      ],
      submit: true,
    });
    invoices.later = await seed.addInvoice({
      customer: 'Иванов Иван Иванович',
      postingDate: '2026-03-05',
      items: [{ itemCode: 'WIDGET', qty: 2, rate: 120 }],
      submit: true,
    });
    invoices.returned = await seed.addInvoice({
      customer: 'Иванов Иван Иванович',
      postingDate: '2026-03-06',
      items: [{ itemCode: 'WIDGET', qty: 1, rate: 120 }],
      submit: true,
    });
    invoices.return = await seed.makeReturn(invoices.returned, { postingDate: '2026-03-07' });
    invoices.draft = await seed.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2026-03-08',
      items: [{ itemCode: 'WIDGET', qty: 1, rate: 100 }],
    });
    t = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
  });
  afterAll(async () => {
    await t?.drop();
    await erp?.drop();
  });

  const source = () =>
    ErpSourceSchema.parse({
      name: 'erpnext',
      connector: 'erp',
      url: erp.url,
      preset: 'erpnext',
      batchSize: 2,
    });
  const extract = () =>
    extractSource(source(), { wh: t.wh, runId: ++runId, baseDir: '.', defaultRegion: 'RU', logger });
  const orders = async () =>
    (await t.wh.knex('stg_order').orderBy('source_key').select()) as Array<Record<string, unknown>>;

  it.skipIf(target.unavailable)(
    'stages customers, contacts and submitted invoices with their cost',
    async () => {
      const result = await extract();
      const byStream = Object.fromEntries(result.inputs.map((i) => [String(i.file), i]));
      expect(Object.values(byStream).map((i) => i.stream)).toEqual(['contact', 'contact', 'order']);

      const contacts = (await t.wh.knex('stg_contact').orderBy('source_key').select()) as Array<
        Record<string, unknown>
      >;
      const romashka = contacts.find((c) => c.source_key === 'ООО «Ромашка»');
      // Company names are normalized as spreadsheet ones are (quotes dropped), so they compare equal.
      expect(romashka).toMatchObject({ company: 'ООО Ромашка', tax_id: '7736207543', region: 'Самара' });
      expect(contacts.find((c) => c.source_key === 'Иванов Иван Иванович')).toMatchObject({
        full_name: 'Иванов Иван Иванович',
        last_name: 'Иванов',
        email: 'ivanov@example.ru',
        phone: '+79161234567',
      });
      const sokolova = contacts.find((c) => String(c.source_key).startsWith('contact:'));
      expect(sokolova).toMatchObject({
        last_name: 'Соколова',
        email: 'm.sokolova@romashka.ru',
        phone: '+74951112233',
        company: 'ООО Ромашка',
      });

      const staged = await orders();
      const keys = staged.map((o) => o.source_key);
      expect(keys).not.toContain(invoices.draft);
      expect(keys.sort()).toEqual([invoices.paid, invoices.later, invoices.returned, invoices.return].sort());
      const paid = staged.find((o) => o.source_key === invoices.paid)!;
      expect(paid).toMatchObject({ customer_source_key: 'ООО «Ромашка»', order_date: '2026-03-02' });
      // 10 widgets at valuation 60; the service has no valuation.
      expect(Number(paid.cost)).toBe(600);
      expect(staged.find((o) => o.source_key === invoices.return)?.status).toBe('Return');
      // Returned in full: netted to nothing, and marked so.
      const returned = staged.find((o) => o.source_key === invoices.returned)!;
      expect(returned.status).toBe('Returned');
      expect(Number(returned.amount)).toBe(0);
      expect(Number(returned.cost)).toBe(0);
    },
  );

  it.skipIf(target.unavailable)('a repeat run loads nothing; a cancellation is loaded alone', async () => {
    const again = await extract();
    expect(again.inputs.map((i) => i.loaded)).toEqual([0, 0, 0]);
    for (const i of again.inputs) expect(i.duplicates).toBe(i.rows);

    await erp.seed.cancel(invoices.later);
    const third = await extract();
    expect(third.inputs.map((i) => [i.loaded, i.updated])).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
    ]);
    expect((await orders()).find((o) => o.source_key === invoices.later)?.status).toBe('Cancelled');
  });

  it.skipIf(target.unavailable)(
    'the marts count the paid invoice and leave out the cancelled and returned',
    async () => {
      await buildMarts(t.wh, { asOf: '2026-03-31', logger });
      const facts = (await t.wh
        .knex('fct_order')
        .select('source_key', 'is_revenue', 'amount', 'cost')) as Array<{
        source_key: string;
        is_revenue: number | boolean;
      }>;
      const revenue = Object.fromEntries(facts.map((f) => [f.source_key, Number(f.is_revenue)]));
      expect(revenue[invoices.paid]).toBe(1);
      expect(revenue[invoices.later]).toBe(0);
      expect(revenue[invoices.return]).toBe(0);
      expect(revenue[invoices.returned]).toBe(0);
    },
  );
});
