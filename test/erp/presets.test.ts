/**
 * The ERP presets' SQL against databases in each ERP's real shape, on the real engines: ERPNext
 * on MariaDB and SQLite (and the demo's bundled SQLite ERP), Odoo on PostgreSQL. Each stream is
 * read by the connector's own reader (connectors/erp/reader.ts), in small keyset pages.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERPNEXT } from '../../connectors/erp/presets/erpnext.js';
import { ODOO } from '../../connectors/erp/presets/odoo.js';
import { readBatches } from '../../connectors/erp/reader.js';
import { openSourceDb } from '../../connectors/erp/source-db.js';
import type { ErpPreset, ErpStreamSpec } from '../../connectors/erp/spec.js';
import { buildErpnextDemo } from '../../samples/erp/erpnext-demo.js';
import { engineTargets } from '../support/engines.js';
import { freshErpnextDb, type TestErpnextDb } from './erpnext-db.js';
import { freshOdooDb, type TestOdooDb } from './odoo-db.js';

const targets = await engineTargets();

type Row = Record<string, unknown>;

function stream(preset: ErpPreset, name: string): ErpStreamSpec {
  const s = preset.streams.find((x) => x.name === name);
  if (!s) throw new Error(`${preset.name} has no stream ${name}`);
  return s;
}

/** Reads a whole stream in pages of `pageSize` with the connector's own read-only reader. */
async function readStream(url: string, spec: ErpStreamSpec, pageSize = 3): Promise<Row[]> {
  const db = await openSourceDb(url, 'test', undefined, { statementTimeout: 60 });
  try {
    const out: Row[] = [];
    for await (const batch of readBatches(db, spec, null, pageSize)) out.push(...batch.rows);
    return out;
  } finally {
    await db.close();
  }
}

function byKey(rows: Row[], key: string): Map<string, Row> {
  const m = new Map<string, Row>();
  for (const r of rows) {
    const k = String(r[key]);
    if (m.has(k)) throw new Error(`key ${k} read twice`);
    m.set(k, r);
  }
  return m;
}

function clientOf(knex: Knex): 'mysql' | 'postgres' | 'sqlite' {
  const c = String((knex.client as { config: { client: string } }).config.client);
  return /mysql/.test(c) ? 'mysql' : /pg|postgres/.test(c) ? 'postgres' : 'sqlite';
}

async function rawRows(knex: Knex, sql: string, bindings: Knex.Value[] = []): Promise<Row[]> {
  const res: unknown = await knex.raw(sql, bindings);
  const engine = clientOf(knex);
  if (engine === 'mysql') return (res as [Row[]])[0];
  if (engine === 'postgres') return (res as { rows: Row[] }).rows;
  return res as Row[];
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Every mapped column and key/cursor exists in the result, and columns map to the stream's fields. */
function expectShape(spec: ErpStreamSpec, rows: Row[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const col of [spec.key, spec.cursor, ...Object.keys(spec.columns)])
    expect(rows[0]).toHaveProperty(col);
}

describe.each(targets.filter((t) => t.engine !== 'postgres'))('ERPNext preset on $engine', (target) => {
  let db: TestErpnextDb;
  const inv: Record<string, string> = {};

  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshErpnextDb(target, { start: '2025-06-01 09:00:00' });
    const s = db.seed;
    await s.addUser({ email: 'petrova@demo.example', fullName: 'Анна Петрова' });
    await s.addItem({ itemCode: 'CHAIR', itemName: 'Стул', valuationRate: 1200, standardRate: 2000 });
    await s.addItem({ itemCode: 'DESK', itemName: 'Стол', valuationRate: 5000, standardRate: 9000 });
    await s.addItem({ itemCode: 'SETUP', itemName: 'Сборка', isStockItem: false, standardRate: 1500 });
    await s.addCustomer({
      customerName: 'ООО «Ромашка»',
      taxId: '7736207543',
      salesPerson: 'Юсупова Д.',
      customerGroup: 'Опт',
      territory: 'Москва',
      email: 'office@romashka.example',
      address: { line1: 'ул. Ленина, 1', city: 'Москва', pincode: '101000' },
    });
    await s.addCustomer({
      customerName: 'Иванов Павел Николаевич',
      customerType: 'Individual',
      accountManager: 'petrova@demo.example',
      mobile: '+79342376641',
    });
    await s.addCustomer({ customerName: 'ИП Закрытый', disabled: true });
    await s.addCustomer({ customerName: 'Демо Казахстан', isInternal: true });
    await s.addContact({
      firstName: 'Мария',
      lastName: 'Козлова',
      customers: ['ООО «Ромашка»'],
      emails: [
        { email: 'm.kozlova@old.example', primary: false },
        { email: 'mariya.kozlova6@yandex.ru', primary: true },
      ],
      phones: [
        { phone: '+74951234567', primaryPhone: true },
        { phone: '89389561354', primaryMobile: true },
      ],
      designation: 'Бухгалтер',
    });
    await s.addContact({
      firstName: 'Павел',
      lastName: 'Иванов',
      customers: ['Иванов Павел Николаевич'],
      companyName: 'АО "Вектор"',
      emails: ['pavel.ivanov0@mail.ru'],
    });
    await s.addContact({
      firstName: 'Олег',
      lastName: 'Поставщиков',
      links: [{ doctype: 'Supplier', name: 'ООО Склад' }],
    });
    await s.addContact({ firstName: 'Ольга', lastName: 'Без Связей', phones: ['+79001112233'] });
    await s.addContact({
      firstName: 'Лидия',
      lastName: 'Лидова',
      emails: ['lida@lead.example'],
      links: [{ doctype: 'Lead', name: 'CRM-LEAD-2025-00001' }],
    });

    // With stock update: incoming_rate recorded per row (1100 overrides the item's 1200).
    inv.stock = await s.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2025-06-10',
      updateStock: true,
      items: [
        { itemCode: 'CHAIR', qty: 4, rate: 2000, incomingRate: 1100 },
        { itemCode: 'DESK', qty: 1, rate: 9000 },
        { itemCode: 'SETUP', qty: 1, rate: 1500 },
      ],
      submit: true,
    });
    // Without: cost from the items' valuation_rate; a box of 6 chairs is stock_qty 12.
    inv.plain = await s.addInvoice({
      customer: 'Иванов Павел Николаевич',
      postingDate: '2025-07-01',
      items: [{ itemCode: 'CHAIR', qty: 2, rate: 11000, uom: 'Box', conversionFactor: 6 }],
      taxRate: 0.2,
      submit: true,
    });
    inv.draft = await s.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2025-07-02',
      items: [{ itemCode: 'DESK', qty: 1, rate: 9000 }],
    });
    inv.cancelled = await s.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2025-07-03',
      items: [{ itemCode: 'DESK', qty: 2, rate: 9000 }],
      submit: true,
    });
    await s.cancel(inv.cancelled);
    inv.returned = await s.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2025-07-04',
      items: [{ itemCode: 'CHAIR', qty: 10, rate: 2000 }],
      submit: true,
    });
    await s.markPaid(inv.returned);
    inv.ret = await s.makeReturn(inv.returned, {
      postingDate: '2025-07-20',
      items: [{ itemCode: 'CHAIR', qty: 3 }],
    });
    inv.usd = await s.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2025-08-01',
      currency: 'USD',
      conversionRate: 80,
      items: [{ itemCode: 'DESK', qty: 1, rate: 120 }],
      salesPerson: 'Григорьев К.',
      submit: true,
    });
    inv.internal = await s.addInvoice({
      customer: 'Демо Казахстан',
      postingDate: '2025-08-02',
      items: [{ itemCode: 'DESK', qty: 1, rate: 5000 }],
      submit: true,
    });
    inv.opening = await s.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2025-08-02',
      items: [{ itemCode: 'SETUP', qty: 1, rate: 77000 }],
      isOpening: true,
      submit: true,
    });
    // Submitted later: the draft becomes visible with a newer `modified`.
    inv.late = await s.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2025-08-03',
      items: [{ itemCode: 'SETUP', qty: 2, rate: 1500 }],
    });
    await s.submit(inv.late);
    // Five invoices saved in the same microsecond: pages of 3 split them.
    s.setClock('2025-09-01 12:00:00.123456', 0);
    for (let i = 0; i < 5; i++) {
      inv[`same${i}`] = await s.addInvoice({
        customer: 'Иванов Павел Николаевич',
        postingDate: '2025-09-01',
        items: [{ itemCode: 'SETUP', qty: 1, rate: 1000 + i }],
        submit: true,
      });
    }
    s.setClock('2025-09-02 09:00:00', 1_000_137);
  });
  afterAll(async () => db?.drop());

  it.skipIf(target.unavailable)(
    'customers: company vs individual, owner, address, disabled kept',
    async () => {
      const spec = stream(ERPNEXT, 'customers');
      const rows = await readStream(db.url, spec);
      expectShape(spec, rows);
      const m = byKey(rows, 'name');
      expect([...m.keys()].sort()).toEqual(
        ['Демо Казахстан', 'ИП Закрытый', 'Иванов Павел Николаевич', 'ООО «Ромашка»'].sort(),
      );
      const r = m.get('ООО «Ромашка»')!;
      expect(r).toMatchObject({
        company: 'ООО «Ромашка»',
        full_name: null,
        tax_id: '7736207543',
        email_id: 'office@romashka.example',
        customer_group: 'Опт',
        territory: 'Москва',
        address_line1: 'ул. Ленина, 1',
        city: 'Москва',
        pincode: '101000',
        country: 'Russia',
        sales_owner: 'Юсупова Д.',
      });
      const p = m.get('Иванов Павел Николаевич')!;
      expect(p).toMatchObject({
        company: null,
        full_name: 'Иванов Павел Николаевич',
        sales_owner: 'Анна Петрова',
      });
      expect(p.mobile_no).toBe('+79342376641');
      expect(num(m.get('ИП Закрытый')!.disabled)).toBe(1);
    },
  );

  it.skipIf(target.unavailable)(
    'contacts: email/phone from the child tables, customer as company',
    async () => {
      const spec = stream(ERPNEXT, 'contacts');
      expect(spec.keyPrefix).toBe('contact:');
      const rows = await readStream(db.url, spec, 2);
      expectShape(spec, rows);
      const m = byKey(rows, 'name');
      expect([...m.keys()].sort()).toEqual(
        [
          'Лидия Лидова-CRM-LEAD-2025-00001',
          'Мария Козлова-ООО «Ромашка»',
          'Ольга Без Связей',
          'Павел Иванов-Иванов Павел Николаевич',
        ].sort(),
      );
      expect(m.get('Мария Козлова-ООО «Ромашка»')).toMatchObject({
        email: 'mariya.kozlova6@yandex.ru',
        phone: '89389561354',
        company: 'ООО «Ромашка»',
        customer: 'ООО «Ромашка»',
        designation: 'Бухгалтер',
      });
      // Linked to an Individual customer: the company is the contact's own company_name.
      expect(m.get('Павел Иванов-Иванов Павел Николаевич')).toMatchObject({
        email: 'pavel.ivanov0@mail.ru',
        company: 'АО "Вектор"',
        customer: 'Иванов Павел Николаевич',
      });
      expect(m.get('Ольга Без Связей')).toMatchObject({
        phone: '+79001112233',
        company: null,
        customer: null,
      });
    },
  );

  it.skipIf(target.unavailable)(
    'invoices: statuses, drafts and internal transfers out, cost from valuation',
    async () => {
      const spec = stream(ERPNEXT, 'invoices');
      const rows = await readStream(db.url, spec, 3);
      expectShape(spec, rows);
      const m = byKey(rows, 'name');
      expect(m.has(inv.draft!)).toBe(false);
      expect(m.has(inv.internal!)).toBe(false);
      expect(m.has(inv.opening!)).toBe(false);
      expect(m.size).toBe(7 + 5);
      for (let i = 0; i < 5; i++) expect(m.has(inv[`same${i}`]!)).toBe(true);

      const stock = m.get(inv.stock!)!;
      expect(stock).toMatchObject({ customer: 'ООО «Ромашка»', posting_date: '2025-06-10', currency: 'RUB' });
      expect(num(stock.grand_total)).toBe(18500);
      // 4 × 1100 (incoming_rate) + 1 × 5000 (recorded = item valuation) + service 0
      expect(num(stock.cost)).toBe(9400);
      expect(stock.status).toBe('Unpaid');
      expect(stock.sales_owner).toBe('Юсупова Д.');

      const plain = m.get(inv.plain!)!;
      expect(num(plain.grand_total)).toBe(26400);
      expect(num(plain.cost)).toBe(12 * 1200);
      expect(plain.sales_owner).toBe('Анна Петрова');

      expect(m.get(inv.cancelled!)!.status).toBe('Cancelled');
      expect(m.get(inv.returned!)!.status).toBe('Credit Note Issued');
      const ret = m.get(inv.ret!)!;
      expect(ret.status).toBe('Return');
      expect(num(ret.grand_total)).toBe(-6000);
      expect(num(ret.cost)).toBe(-3600);
      expect(ret.return_against).toBe(inv.returned);

      const usd = m.get(inv.usd!)!;
      expect(usd.currency).toBe('USD');
      expect(num(usd.grand_total)).toBe(120);
      expect(num(usd.cost)).toBe(62.5); // 5000 RUB / 80
      expect(usd.sales_owner).toBe('Григорьев К.');
      expect(m.get(inv.late!)!.status).toBe('Unpaid');
    },
  );

  it.skipIf(target.unavailable)('a touched customer is read again after the cursor', async () => {
    const spec = stream(ERPNEXT, 'customers');
    const before = await readStream(db.url, spec);
    const last = before[before.length - 1]!;
    await db.seed.update('Customer', 'ИП Закрытый', { disabled: 0 });
    const source = `SELECT * FROM (${spec.sql}) AS q WHERE (q.modified > ? OR (q.modified = ? AND q.name > ?)) ORDER BY q.modified, q.name`;
    const rows = await rawRows(db.knex, source, [last.modified, last.modified, last.name] as Knex.Value[]);
    expect(rows.map((r) => r.name)).toEqual(['ИП Закрытый']);
    expect(num(rows[0]!.disabled)).toBe(0);
  });
});

describe('ERPNext preset on the demo ERP (SQLite)', () => {
  let dir: string;
  let url: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-erp-demo-'));
    const file = path.join(dir, 'erp.db');
    await buildErpnextDemo(file);
    url = `sqlite:${file}`;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads customers, contacts and invoices', async () => {
    const customers = await readStream(url, stream(ERPNEXT, 'customers'), 4);
    const contacts = await readStream(url, stream(ERPNEXT, 'contacts'), 4);
    const invoices = await readStream(url, stream(ERPNEXT, 'invoices'), 7);
    expect(customers.length).toBeGreaterThanOrEqual(12);
    expect(contacts.length).toBeGreaterThan(0);
    byKey(customers, 'name');
    byKey(contacts, 'name');
    const m = byKey(invoices, 'name');
    expect(invoices.length).toBeGreaterThanOrEqual(38);
    const statuses = invoices.map((r) => r.status);
    expect(statuses.filter((s) => s === 'Cancelled')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'Return')).toHaveLength(1);
    expect(statuses).not.toContain('Draft');
    const keys = new Set(customers.map((r) => r.name));
    for (const r of m.values()) {
      expect(keys.has(r.customer)).toBe(true);
      expect(String(r.posting_date)).toMatch(/^(2025-(0[6-9]|1[0-2])|2026-(0\d|1[01]))-\d\d$/);
      expect(num(r.cost)).not.toBeNull();
    }
    // Cost below revenue on ordinary invoices: valuation rates are realistic.
    const unpaid = invoices.filter((r) => r.status !== 'Return' && r.status !== 'Cancelled');
    for (const r of unpaid) expect(num(r.cost)!).toBeLessThan(num(r.grand_total)!);
  });
});

describe.each(targets.filter((t) => t.engine === 'postgres'))('Odoo preset on $engine', (target) => {
  let db: TestOdooDb;
  const id: Record<string, number> = {};

  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshOdooDb(target, { start: '2025-06-01 09:00:00' });
    const s = db.seed;
    id.yusupova = await s.addUser({ login: 'yusupova', name: 'Юсупова Д.' });
    id.petrova = await s.addUser({ login: 'petrova', name: 'Петрова А.' });
    id.chair = await s.addProduct({ name: 'Стул офисный', code: 'CHAIR', listPrice: 5400, cost: 3200 });
    id.desk = await s.addProduct({ name: 'Стол письменный', code: 'DESK', listPrice: 12900, cost: 7800 });
    id.romashka = await s.addPartner({
      name: 'ООО «Ромашка»',
      isCompany: true,
      vat: '7736207543',
      street: 'ул. Ленина, 1',
      street2: 'офис 5',
      city: 'Москва',
      zip: '101000',
      country: 'RU',
      state: 'Москва',
      userId: id.yusupova,
      email: 'office@romashka.example',
    });
    id.volkova = await s.addPartner({
      name: 'Наталья Волкова',
      parentId: id.romashka,
      email: 'natalya.volkova9@mail.ru',
      mobile: '+7 938 677-23-86',
    });
    id.depot = await s.addPartner({ name: 'Склад', parentId: id.romashka, type: 'delivery', city: 'Химки' });
    id.smirnov = await s.addPartner({
      name: 'Сергей Смирнов',
      companyName: 'ИП Смирнов',
      vat: '/',
      phone: '+7 989 723-45-56',
      userId: id.petrova,
    });
    id.vendor = await s.addPartner({ name: 'ООО Поставщик', isCompany: true, supplierRank: 1 });
    id.archived = await s.addPartner({ name: 'Старый Клиент', email: 'old@client.example', active: false });

    // Sale orders.
    id.so1 = await s.addSaleOrder({
      partnerId: id.volkova,
      dateOrder: '2025-06-05',
      userId: id.yusupova,
      taxRate: 0.2,
      lines: [
        { productId: id.chair, qty: 4, priceUnit: 5400 },
        { productId: id.desk, qty: 1, priceUnit: 12900 },
      ],
    });
    await s.confirmOrder(id.so1, '2025-06-06 10:15:00');
    id.quote = await s.addSaleOrder({
      partnerId: id.smirnov,
      dateOrder: '2025-06-07',
      lines: [{ productId: id.desk, qty: 1, priceUnit: 12900 }],
    });
    id.sent = await s.addSaleOrder({
      partnerId: id.smirnov,
      dateOrder: '2025-06-08',
      state: 'sent',
      lines: [{ productId: id.desk, qty: 2, priceUnit: 12900 }],
    });
    id.cancelled = await s.addSaleOrder({
      partnerId: id.romashka,
      dateOrder: '2025-06-09',
      state: 'sale',
      lines: [{ productId: id.chair, qty: 10, priceUnit: 5000 }],
    });
    await s.cancelOrder(id.cancelled);
    id.locked = await s.addSaleOrder({
      partnerId: id.smirnov,
      dateOrder: '2025-06-10',
      state: 'done',
      userId: id.petrova,
      lines: [{ productId: id.chair, qty: 2, priceUnit: 5400, purchasePrice: 3000 }],
    });
    id.eur = await s.addSaleOrder({
      partnerId: id.romashka,
      dateOrder: '2025-06-11',
      currency: 'EUR',
      state: 'sale',
      lines: [{ productId: id.desk, qty: 1, priceUnit: 150, purchasePrice: 90.5 }],
    });

    // Invoices.
    id.fromOrder = await s.invoiceOrder(id.so1, { invoiceDate: '2025-06-12', paymentState: 'paid' });
    id.direct = await s.addInvoice({
      partnerId: id.smirnov,
      invoiceDate: '2025-06-13',
      amountUntaxed: 10000,
      amountTax: 2000,
      state: 'posted',
      paymentState: 'paid',
      userId: id.petrova,
    });
    id.draftInv = await s.addInvoice({
      partnerId: id.smirnov,
      invoiceDate: '2025-06-14',
      amountUntaxed: 500,
    });
    id.reversed = await s.addInvoice({
      partnerId: id.volkova,
      invoiceDate: '2025-06-15',
      amountUntaxed: 3000,
      state: 'posted',
    });
    id.refund = await s.reverse(id.reversed, { date: '2025-06-20' });
    id.cancelledInv = await s.addInvoice({
      partnerId: id.smirnov,
      invoiceDate: '2025-06-16',
      amountUntaxed: 700,
      state: 'posted',
    });
    await s.cancelMove(id.cancelledInv);
    id.twoOrders = await s.addInvoice({
      partnerId: id.romashka,
      invoiceDate: '2025-06-17',
      amountUntaxed: 100,
      invoiceOrigin: 'S00004, S00006',
      state: 'posted',
    });
    id.subscription = await s.addInvoice({
      partnerId: id.romashka,
      invoiceDate: '2025-06-18',
      amountUntaxed: 4500,
      invoiceOrigin: 'SUB/2025/0007',
      state: 'posted',
    });
    // Four partners saved in the same microsecond: pages of 3 split them.
    s.setClock('2025-07-01 08:00:00.654321', 0);
    for (let i = 0; i < 4; i++)
      id[`same${i}`] = await s.addPartner({ name: `Покупатель ${i}`, email: `buyer${i}@example.com` });
    s.setClock('2025-07-02 09:00:00', 1_000_137);
  });
  afterAll(async () => db?.drop());

  it.skipIf(target.unavailable)(
    'partners: companies, their people, not addresses, users or the own company',
    async () => {
      const spec = stream(ODOO, 'partners');
      expect(spec.keyPrefix).toBeUndefined();
      const rows = await readStream(db.url, spec, 3);
      expectShape(spec, rows);
      const m = byKey(rows, 'id');
      const expected = [
        'romashka',
        'volkova',
        'smirnov',
        'vendor',
        'archived',
        'same0',
        'same1',
        'same2',
        'same3',
      ];
      expect([...m.keys()].sort()).toEqual(expected.map((k) => String(id[k])).sort());
      expect(m.get(String(id.romashka))).toMatchObject({
        full_name: null,
        company: 'ООО «Ромашка»',
        vat: '7736207543',
        street: 'ул. Ленина, 1, офис 5',
        city: 'Москва',
        zip: '101000',
        state: 'Москва',
        country_code: 'RU',
        salesperson: 'Юсупова Д.',
        is_company: true,
      });
      expect(m.get(String(id.volkova))).toMatchObject({
        full_name: 'Наталья Волкова',
        company: 'ООО «Ромашка»',
        email: 'natalya.volkova9@mail.ru',
        phone: '+7 938 677-23-86',
        vat: '7736207543',
        salesperson: 'Юсупова Д.',
        commercial_partner_id: id.romashka,
      });
      expect(m.get(String(id.smirnov))).toMatchObject({
        full_name: 'Сергей Смирнов',
        company: 'ИП Смирнов',
        vat: null,
        phone: '+7 989 723-45-56',
        salesperson: 'Петрова А.',
      });
      expect(m.get(String(id.archived))!.active).toBe(false);
      expect(m.get(String(id.vendor))).toMatchObject({ supplier_rank: 1, customer_rank: 0 });
    },
  );

  it.skipIf(target.unavailable)(
    'sale orders: confirmed and cancelled, quotations out, commercial partner, cost',
    async () => {
      const spec = stream(ODOO, 'sale_orders');
      expect(spec.keyPrefix).toBe('order:');
      const rows = await readStream(db.url, spec, 2);
      expectShape(spec, rows);
      const m = byKey(rows, 'id');
      expect([...m.keys()].sort()).toEqual(
        ['so1', 'cancelled', 'locked', 'eur'].map((k) => String(id[k])).sort(),
      );
      const so1 = m.get(String(id.so1))!;
      expect(so1).toMatchObject({
        customer_id: String(id.romashka),
        order_date: '2025-06-06',
        currency: 'RUB',
        status: 'Sales Order',
        salesperson: 'Юсупова Д.',
        order_name: 'S00001',
      });
      expect(num(so1.amount_total)).toBe(41400);
      expect(num(so1.cost)).toBe(4 * 3200 + 7800);
      expect(m.get(String(id.cancelled))!.status).toBe('Cancelled');
      const locked = m.get(String(id.locked))!;
      expect(locked).toMatchObject({
        status: 'Locked',
        customer_id: String(id.smirnov),
        salesperson: 'Петрова А.',
      });
      expect(num(locked.cost)).toBe(6000);
      const eur = m.get(String(id.eur))!;
      expect(eur.currency).toBe('EUR');
      expect(num(eur.cost)).toBe(90.5);
    },
  );

  it.skipIf(target.unavailable)(
    'invoices: posted and cancelled, not drafts, not those of sale orders',
    async () => {
      const spec = stream(ODOO, 'invoices');
      expect(spec.keyPrefix).toBe('invoice:');
      const rows = await readStream(db.url, spec, 2);
      expectShape(spec, rows);
      const m = byKey(rows, 'id');
      expect([...m.keys()].sort()).toEqual(
        ['direct', 'reversed', 'refund', 'cancelledInv', 'subscription'].map((k) => String(id[k])).sort(),
      );
      const direct = m.get(String(id.direct))!;
      expect(direct).toMatchObject({
        customer_id: String(id.smirnov),
        invoice_date: '2025-06-13',
        currency: 'RUB',
        status: 'paid',
        salesperson: 'Петрова А.',
      });
      expect(num(direct.amount_total)).toBe(12000);
      expect(m.get(String(id.reversed))).toMatchObject({
        status: 'Refunded',
        customer_id: String(id.romashka),
      });
      const refund = m.get(String(id.refund))!;
      expect(refund).toMatchObject({ status: 'Return', reversed_entry_id: id.reversed });
      expect(num(refund.amount_total)).toBe(-3000);
      expect(m.get(String(id.cancelledInv))!.status).toBe('Cancelled');
      expect(m.get(String(id.subscription))!.status).toBe('not_paid');
    },
  );

  it.skipIf(target.unavailable)('every order points at a staged partner', async () => {
    const partners = new Set(
      (await readStream(db.url, stream(ODOO, 'partners'), 50)).map((r) => String(r.id)),
    );
    for (const name of ['sale_orders', 'invoices']) {
      for (const r of await readStream(db.url, stream(ODOO, name), 50)) {
        expect(partners.has(String(r.customer_id))).toBe(true);
      }
    }
  });

  it.skipIf(target.unavailable)('a quotation confirmed later is read after the cursor', async () => {
    const spec = stream(ODOO, 'sale_orders');
    const before = await readStream(db.url, spec, 10);
    const last = before[before.length - 1]!;
    await db.seed.confirmOrder(id.quote!);
    const rows = await rawRows(
      db.knex,
      `SELECT * FROM (${spec.sql}) AS q WHERE (q.write_date > ? OR (q.write_date = ? AND q.id > ?)) ORDER BY q.write_date, q.id`,
      [last.write_date, last.write_date, last.id] as Knex.Value[],
    );
    expect(rows.map((r) => r.id)).toEqual([id.quote]);
    expect(rows[0]).toMatchObject({ status: 'Sales Order', customer_id: String(id.smirnov) });
  });
});
