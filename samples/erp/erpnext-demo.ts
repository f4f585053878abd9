/**
 * The demo's ERP: a small SQLite database in ERPNext's shape (see erpnext-schema.ts), built the
 * same way every time. Its customers are people and companies the other bundled samples also
 * know — samples/clients-1251.csv (the sales department's list) and samples/web-leads.csv (site
 * forms) — spelled as an ERP keeps them, so identity resolution has real merging to do; a few
 * are only in the ERP. About forty submitted invoices run from June 2025 to November 2026 with
 * items, valuation rates and sales persons; one is cancelled, one is returned, two stay drafts.
 */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import { seededRandom } from '../../lib/random.js';
import { createErpnextDb, type CustomerInput } from './erpnext-schema.js';

interface DemoCustomer extends CustomerInput {
  /** A contact person: linked to the customer (and its primary contact for Individuals). */
  contact?: {
    first: string;
    middle?: string;
    last: string;
    email?: string;
    phone?: string;
    designation?: string;
  };
}

const PETROVA = 'Петрова А.';
const GRIGORIEV = 'Григорьев К.';
const YUSUPOVA = 'Юсупова Д.';

const CUSTOMERS: readonly DemoCustomer[] = [
  // Organisations of clients-1251.csv, each with its contact person from that list.
  {
    customerName: 'ООО «Ромашка»',
    taxId: '7736207543',
    customerGroup: 'VIP',
    territory: 'Самара',
    salesPerson: YUSUPOVA,
    address: { line1: 'ул. Куйбышева, 12', city: 'Самара', pincode: '443010' },
    contact: {
      first: 'Наталья',
      middle: 'Алексеевна',
      last: 'Волкова',
      email: 'natalya.volkova9@mail.ru',
      phone: '+7 938 677-23-86',
      designation: 'Директор',
    },
  },
  {
    customerName: 'АО "Вектор"',
    taxId: '7707083893',
    customerGroup: 'VIP',
    territory: 'Самара',
    salesPerson: PETROVA,
    address: { line1: 'Московское ш., 4', city: 'Самара', pincode: '443013' },
    contact: {
      first: 'Павел',
      middle: 'Николаевич',
      last: 'Иванов',
      email: 'pavel.ivanov0@mail.ru',
      phone: '+7 934 237-66-41',
      designation: 'Закупки',
    },
  },
  {
    customerName: 'ООО Техноснаб',
    taxId: '500100732259',
    customerGroup: 'Розница',
    territory: 'Москва',
    salesPerson: YUSUPOVA,
    contact: {
      first: 'Мария',
      middle: 'Ивановна',
      last: 'Козлова',
      email: 'mariya.kozlova6@yandex.ru',
      phone: '8 938 956-13-54',
    },
  },
  {
    customerName: 'ПАО «Север»',
    taxId: '7728168971',
    customerGroup: 'VIP',
    territory: 'Екатеринбург',
    salesPerson: PETROVA,
    contact: {
      first: 'Алексей',
      middle: 'Петрович',
      last: 'Попов',
      email: 'aleksey.popov23@bk.ru',
      phone: '+7 945 917-72-11',
    },
  },
  {
    customerName: 'ИП Соколов',
    taxId: '7707083893',
    customerGroup: 'VIP',
    territory: 'Казань',
    salesPerson: YUSUPOVA,
    contact: {
      first: 'Павел',
      middle: 'Николаевич',
      last: 'Соколов',
      email: 'pavel.sokolov4@gmail.com',
      phone: '+7 986 322-60-85',
    },
  },
  // People of clients-1251.csv.
  {
    customerName: 'Смирнов Сергей Андреевич',
    customerType: 'Individual',
    customerGroup: 'Розница',
    territory: 'Самара',
    salesPerson: PETROVA,
    contact: {
      first: 'Сергей',
      middle: 'Андреевич',
      last: 'Смирнов',
      email: 'sergey.smirnov1@gmail.com',
      phone: '+79897234556',
    },
  },
  {
    customerName: 'Попова Елена Сергеевна',
    customerType: 'Individual',
    customerGroup: 'Розница',
    territory: 'Москва',
    salesPerson: PETROVA,
    email: 'elena.popova3@yandex.ru',
    mobile: '+7 924 766-74-08',
  },
  {
    customerName: 'Новиков Андрей Викторович',
    customerType: 'Individual',
    customerGroup: 'Розница',
    territory: 'Москва',
    salesPerson: YUSUPOVA,
    email: 'andrey.novikov7@mail.ru',
    mobile: '+7 979 362-92-01',
  },
  {
    customerName: 'Морозов Михаил Олегович',
    customerType: 'Individual',
    customerGroup: 'Опт',
    territory: 'Москва',
    salesPerson: YUSUPOVA,
    contact: {
      first: 'Михаил',
      middle: 'Олегович',
      last: 'Морозов',
      email: 'mikhail.morozov8@bk.ru',
      phone: '89370364029',
    },
  },
  {
    customerName: 'Беляев Андрей Викторович',
    customerType: 'Individual',
    customerGroup: 'Опт',
    territory: 'Екатеринбург',
    salesPerson: GRIGORIEV,
    email: 'andrey.belyaev12@yandex.ru',
    mobile: '+7 932 063-40-69',
  },
  // In clients-1251.csv and in web-leads.csv (Latin spelling, +site addresses).
  {
    customerName: 'Фёдорова Мария Ивановна',
    customerType: 'Individual',
    customerGroup: 'Розница',
    territory: 'Новосибирск',
    salesPerson: YUSUPOVA,
    email: 'mariya.fedorova30@yandex.ru',
    mobile: '+7 984 686-72-72',
  },
  {
    customerName: 'Беляева Татьяна Олеговна',
    customerType: 'Individual',
    customerGroup: 'Розница',
    territory: 'Москва',
    salesPerson: GRIGORIEV,
    contact: {
      first: 'Татьяна',
      middle: 'Олеговна',
      last: 'Беляева',
      email: 'tatyana.belyaeva32@mail.ru',
      phone: '+7 911 452-15-36',
    },
  },
  {
    customerName: 'Киселёв Иван Иванович',
    customerType: 'Individual',
    customerGroup: 'Опт',
    territory: 'Казань',
    salesPerson: YUSUPOVA,
    email: 'ivan.kiselev37@mail.ru',
    mobile: '+7 978 172-80-63',
  },
  // Only in web-leads.csv: the site's leads who then bought.
  {
    customerName: 'Иванова Ольга',
    customerType: 'Individual',
    customerGroup: 'Розница',
    territory: 'Санкт-Петербург',
    salesPerson: GRIGORIEV,
    email: 'olga.ivanova40@gmail.com',
    mobile: '+79924153473',
  },
  {
    customerName: 'Соколов Иван',
    customerType: 'Individual',
    customerGroup: 'Розница',
    territory: 'Москва',
    salesPerson: PETROVA,
    email: 'ivan.sokolov44@gmail.com',
    mobile: '+79212470957',
  },
  // Only in the ERP.
  {
    customerName: 'ООО «Стройинвест»',
    customerGroup: 'Опт',
    territory: 'Казань',
    salesPerson: GRIGORIEV,
    address: { line1: 'ул. Баумана, 58', city: 'Казань', pincode: '420111' },
    contact: {
      first: 'Ринат',
      last: 'Галиев',
      email: 'r.galiev@stroyinvest.example',
      phone: '+7 843 200-10-10',
      designation: 'Снабжение',
    },
  },
];

const ITEMS = [
  { itemCode: 'ОФ-СТУЛ', itemName: 'Стул офисный', valuationRate: 3200, standardRate: 5400 },
  { itemCode: 'ОФ-СТОЛ', itemName: 'Стол письменный', valuationRate: 7800, standardRate: 12900 },
  { itemCode: 'ОФ-ШКАФ', itemName: 'Шкаф для документов', valuationRate: 9500, standardRate: 15900 },
  { itemCode: 'ОФ-КРЕСЛО', itemName: 'Кресло руководителя', valuationRate: 14000, standardRate: 23900 },
  { itemCode: 'ОФ-ТУМБА', itemName: 'Тумба мобильная', valuationRate: 2900, standardRate: 4900 },
  {
    itemCode: 'УСЛ-СБОРКА',
    itemName: 'Сборка мебели',
    valuationRate: 0,
    standardRate: 1500,
    isStockItem: false,
  },
] as const;

const pad = (n: number): string => String(n).padStart(2, '0');
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;

/**
 * Writes the demo ERP to `file` (replacing it). The database is ERPNext-shaped SQLite: read it
 * with the `erpnext` preset (`url: sqlite:<file>`).
 */
export async function buildErpnextDemo(file: string): Promise<void> {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) fs.rmSync(f, { force: true });
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: { min: 1, max: 1 },
  });
  try {
    const seed = await createErpnextDb(knex, { start: '2025-05-20 09:00:00' });
    const rand = seededRandom(20260601);

    await seed.addUser({ email: 'a.petrova@demo-mebel.example', fullName: 'Анна Петрова' });
    for (const item of ITEMS) await seed.addItem({ ...item });
    for (const c of CUSTOMERS) {
      const { contact, ...customer } = c;
      await seed.addCustomer({ ...customer, accountManager: 'a.petrova@demo-mebel.example' });
      if (contact) {
        await seed.addContact({
          firstName: contact.first,
          middleName: contact.middle,
          lastName: contact.last,
          emails: contact.email ? [contact.email] : [],
          phones: contact.phone ? [contact.phone] : [],
          designation: contact.designation,
          customers: [c.customerName],
          primaryFor: c.customerName,
        });
      }
    }

    // Who buys: a weighted list, so some customers come back many times and some once.
    const buyers = CUSTOMERS.flatMap((c, i) => Array<string>(1 + ((i * 7) % 4)).fill(c.customerName));
    const start = Date.UTC(2025, 5, 2);
    const end = Date.UTC(2026, 10, 20);
    const invoices: Array<{ name: string; date: string }> = [];
    const COUNT = 42;
    for (let k = 0; k < COUNT; k++) {
      const day = start + Math.round(((end - start) * k) / (COUNT - 1) / DAY) * DAY;
      const date = isoDay(day);
      const customer = buyers[Math.floor(rand() * buyers.length)]!;
      const lines = 1 + Math.floor(rand() * 3);
      const items = [];
      const used = new Set<string>();
      for (let l = 0; l < lines; l++) {
        const item = ITEMS[Math.floor(rand() * (ITEMS.length - 1))]!;
        if (used.has(item.itemCode)) continue;
        used.add(item.itemCode);
        const qty = 1 + Math.floor(rand() * 8);
        const discount = 1 - Math.floor(rand() * 4) * 0.05;
        items.push({
          itemCode: item.itemCode,
          qty,
          rate: Math.round(item.standardRate * discount),
          // Invoices that ship from stock record the actual outgoing valuation.
          incomingRate: k % 3 === 0 ? Math.round(item.valuationRate * (0.96 + rand() * 0.08)) : undefined,
        });
      }
      if (rand() < 0.4) items.push({ itemCode: 'УСЛ-СБОРКА', qty: 1, rate: 1500, incomingRate: undefined });
      seed.setClock(`${date} ${pad(9 + (k % 8))}:${pad((k * 13) % 60)}:00`);
      const name = await seed.addInvoice({
        customer,
        postingDate: date,
        dueDate: isoDay(day + 14 * DAY),
        updateStock: k % 3 === 0,
        items,
        submit: true,
      });
      invoices.push({ name, date });
      // Paid within two weeks, except the last few still open.
      if (day + 14 * DAY < end) await seed.markPaid(name, `${isoDay(day + (3 + (k % 10)) * DAY)} 16:00:00`);
    }

    // One cancelled (entered twice by mistake), one returned in part, two drafts never submitted.
    const wrong = invoices[9]!;
    await seed.cancel(wrong.name, `${wrong.date} 18:30:00`);
    const returned = invoices[17]!;
    const back = (await knex('tabSales Invoice Item')
      .where({ parent: returned.name })
      .orderBy('idx')
      .first()) as {
      item_code: string;
      qty: number;
    };
    const retDay = isoDay(Date.parse(returned.date) + 20 * DAY);
    seed.setClock(`${retDay} 11:00:00`);
    await seed.makeReturn(returned.name, {
      postingDate: retDay,
      items: [{ itemCode: back.item_code, qty: Math.max(1, Math.floor(Number(back.qty) / 2)) }],
    });
    seed.setClock('2026-11-21 10:00:00');
    await seed.addInvoice({
      customer: 'ООО «Ромашка»',
      postingDate: '2026-11-21',
      items: [{ itemCode: 'ОФ-КРЕСЛО', qty: 2, rate: 23900 }],
    });
    await seed.addInvoice({
      customer: 'Соколов Иван',
      postingDate: '2026-11-22',
      items: [{ itemCode: 'ОФ-СТУЛ', qty: 1, rate: 5400 }],
    });
  } finally {
    await knex.destroy();
  }
}
