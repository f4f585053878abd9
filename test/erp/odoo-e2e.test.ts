/**
 * The Odoo preset end to end on PostgreSQL: partners, confirmed sale orders with their cost and
 * direct invoices staged; every write shares one write_date (as a bulk import or one transaction
 * gives), so every batch boundary falls inside a tie; a repeat run loads nothing; a cancellation
 * is loaded alone; a contact person's orders go to their company; a credit note is netted into
 * the invoice it reverses; an invoice reset to draft stops counting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpSourceSchema } from '../../connectors/erp/config.js';
import { createLogger } from '../../lib/logger.js';
import { extractSource } from '../../pipelines/extract.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { freshOdooDb, type TestOdooDb } from './odoo-db.js';

const targets = (await engineTargets()).filter((t) => t.engine === 'postgres');
const logger = createLogger({ level: 'silent' });

describe.each(targets)('Odoo preset on $engine', (target) => {
  let odoo: TestOdooDb;
  let t: TestWarehouse;
  let runId = 0;
  const ids = {
    company: 0,
    person: 0,
    solo: 0,
    confirmed: 0,
    quotation: 0,
    invoicedOrder: 0,
    direct: 0,
    draft: 0,
  };

  beforeAll(async () => {
    if (target.unavailable) return;
    odoo = await freshOdooDb(target, { start: '2026-04-01 08:00:00', stepMicros: 0 });
    const { seed } = odoo;
    const chair = await seed.addProduct({ name: 'Chair', code: 'CH', listPrice: 1000, cost: 600 });
    ids.company = await seed.addPartner({
      name: 'ООО «Вектор»',
      isCompany: true,
      vat: '7707083893',
      city: 'Москва',
    });
    ids.person = await seed.addPartner({
      name: 'Петров Пётр Петрович',
      parentId: ids.company,
      email: 'p.petrov@vector.ru',
      phone: '+7 (495) 765-43-21',
    });
    ids.solo = await seed.addPartner({ name: 'Anna Smith', email: 'anna@example.com', country: 'RU' });
    ids.confirmed = await seed.addSaleOrder({
      partnerId: ids.person,
      dateOrder: '2026-04-02 10:00:00',
      lines: [{ productId: chair, qty: 3, priceUnit: 1000 }],
      taxRate: 0.2,
      state: 'sale',
    });
    ids.quotation = await seed.addSaleOrder({
      partnerId: ids.solo,
      dateOrder: '2026-04-03 10:00:00',
      lines: [{ productId: chair, qty: 1, priceUnit: 1000 }],
    });
    ids.invoicedOrder = await seed.invoiceOrder(ids.confirmed, { invoiceDate: '2026-04-04' });
    ids.direct = await seed.addInvoice({
      partnerId: ids.solo,
      invoiceDate: '2026-04-05',
      amountUntaxed: 500,
      amountTax: 100,
      state: 'posted',
    });
    ids.draft = await seed.addInvoice({ partnerId: ids.solo, invoiceDate: '2026-04-06', amountUntaxed: 700 });
    t = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
  });
  afterAll(async () => {
    await t?.drop();
    await odoo?.drop();
  });

  const extract = () =>
    extractSource(
      ErpSourceSchema.parse({ name: 'odoo', connector: 'erp', url: odoo.url, preset: 'odoo', batchSize: 1 }),
      {
        wh: t.wh,
        runId: ++runId,
        baseDir: '.',
        defaultRegion: 'RU',
        logger,
      },
    );
  const orders = async () =>
    (await t.wh.knex('stg_order').orderBy('source_key').select()) as Array<Record<string, unknown>>;

  it.skipIf(target.unavailable)(
    'stages partners, confirmed orders with cost, and direct invoices',
    async () => {
      const result = await extract();
      expect(result.inputs.map((i) => [i.file, i.stream])).toEqual([
        ['partners', 'contact'],
        ['sale_orders', 'order'],
        ['invoices', 'order'],
      ]);
      const contacts = (await t.wh.knex('stg_contact').select()) as Array<Record<string, unknown>>;
      expect(contacts.find((c) => c.source_key === String(ids.company))).toMatchObject({
        company: 'ООО Вектор',
        tax_id: '7707083893',
        city: 'Москва',
      });
      expect(contacts.find((c) => c.source_key === String(ids.person))).toMatchObject({
        last_name: 'Петров',
        first_name: 'Пётр',
        email: 'p.petrov@vector.ru',
        phone: '+74957654321',
      });

      const staged = await orders();
      // The quotation and the draft invoice are not staged; the invoice of the confirmed order is
      // counted through the order.
      expect(staged.map((o) => o.source_key)).toEqual([`invoice:${ids.direct}`, `order:${ids.confirmed}`]);
      const order = staged.find((o) => o.source_key === `order:${ids.confirmed}`)!;
      // The contact person's order belongs to the company; the amount is net of tax, as the cost is.
      expect(order).toMatchObject({ customer_source_key: String(ids.company), order_date: '2026-04-02' });
      expect(Number(order.amount)).toBe(3000);
      expect(Number(order.cost)).toBe(1800);
      expect(Number(staged.find((o) => o.source_key === `invoice:${ids.direct}`)!.amount)).toBe(500);
    },
  );

  it.skipIf(target.unavailable)('loads nothing again, then only the cancelled order', async () => {
    const again = await extract();
    expect(again.inputs.map((i) => i.loaded)).toEqual([0, 0, 0]);
    await odoo.seed.cancelOrder(ids.confirmed, '2026-04-10 09:00:00');
    const third = await extract();
    expect(third.inputs.map((i) => [i.loaded, i.updated])).toEqual([
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    expect((await orders()).find((o) => o.source_key === `order:${ids.confirmed}`)?.status).toBe('Cancelled');
  });

  it.skipIf(target.unavailable)(
    'nets a credit note into its invoice; an invoice reset to draft stops counting',
    async () => {
      const refund = await odoo.seed.reverse(ids.direct, { date: '2026-04-12', at: '2026-04-12 09:00:00' });
      await extract();
      const byKey = new Map((await orders()).map((o) => [o.source_key, o]));
      expect(byKey.get(`invoice:${ids.direct}`)).toMatchObject({ status: 'Refunded' });
      expect(Number(byKey.get(`invoice:${ids.direct}`)!.amount)).toBe(0);
      expect(byKey.get(`invoice:${refund}`)).toMatchObject({ status: 'Return' });

      const second = await odoo.seed.addInvoice({
        partnerId: ids.solo,
        invoiceDate: '2026-04-13',
        amountUntaxed: 800,
        state: 'posted',
        at: '2026-04-13 09:00:00',
      });
      await extract();
      expect((await orders()).find((o) => o.source_key === `invoice:${second}`)?.status).toBe('not_paid');
      await odoo.seed.resetToDraft(second, '2026-04-14 09:00:00');
      await extract();
      expect((await orders()).find((o) => o.source_key === `invoice:${second}`)?.status).toBe(
        'Cancelled: reset to draft',
      );
    },
  );
});
