// Regenerates the demo's bundled sample sources (seeded, so the files are the same every time):
//   node samples/make-samples.mjs
// The outputs are committed; this script documents how they were made.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

const here = path.dirname(fileURLToPath(import.meta.url));
let seed = 20260115;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];

const MALE = [['Иван', 'Иванович'], ['Алексей', 'Петрович'], ['Дмитрий', 'Сергеевич'], ['Сергей', 'Андреевич'], ['Андрей', 'Викторович'], ['Михаил', 'Олегович'], ['Павел', 'Николаевич'], ['Николай', 'Юрьевич']];
const FEMALE = [['Мария', 'Ивановна'], ['Ольга', 'Петровна'], ['Елена', 'Сергеевна'], ['Анна', 'Дмитриевна'], ['Наталья', 'Алексеевна'], ['Татьяна', 'Олеговна']];
const SURNAMES = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Соколов', 'Лебедев', 'Козлов', 'Новиков', 'Морозов', 'Волков', 'Фёдоров', 'Михайлов', 'Беляев', 'Тарасов', 'Белов', 'Комаров', 'Орлов', 'Киселёв', 'Макаров', 'Андреев'];
const LATIN = { а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya' };
const latin = (s) => [...s].map((ch) => { const l = LATIN[ch.toLowerCase()]; if (l === undefined) return ch; return ch === ch.toLowerCase() ? l : l.charAt(0).toUpperCase() + l.slice(1); }).join('');
const CITIES = ['Москва', 'Санкт-Петербург', 'Казань', 'Екатеринбург', 'Новосибирск', 'Самара'];
const COMPANIES = ['', '', '', 'ООО «Ромашка»', 'АО "Вектор"', 'ИП Соколов', 'ООО Техноснаб', 'ПАО «Север»'];
const MANAGERS = ['Петрова А.', 'Григорьев К.', 'Юсупова Д.'];
const GROUPS = ['Розница', 'Опт', 'VIP'];
const CHANNELS = ['сайт', 'звонок', 'выставка', 'рекомендация'];

// 48 real customers; each has a canonical record the sources spell differently.
const customers = [];
for (let i = 0; i < 48; i++) {
  const female = rand() < 0.4;
  const [first, middle] = pick(female ? FEMALE : MALE);
  let last = SURNAMES[i % SURNAMES.length];
  if (female) last = last.endsWith('ий') ? last.slice(0, -2) + 'ая' : last + 'а';
  const phoneDigits = `9${String(100000000 + Math.floor(rand() * 899999999))}`;
  const login = `${latin(first).toLowerCase()}.${latin(last).toLowerCase()}${i}`;
  customers.push({
    code: `К-${String(1001 + i)}`,
    first, middle, last, phoneDigits,
    email: `${login}@${pick(['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru'])}`,
    company: pick(COMPANIES),
    city: pick(CITIES),
    birth: `${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}.${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}.${1960 + Math.floor(rand() * 40)}`,
    manager: pick(MANAGERS),
    group: pick(GROUPS),
    channel: pick(CHANNELS),
  });
}
const phoneStyles = [
  (d) => `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`,
  (d) => `+7 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8)}`,
  (d) => `8${d}`,
  (d) => `+7(${d.slice(0, 3)})${d.slice(3)}`,
];

// 1. The sales department's client list: Windows-1251, ';', title rows, DD.MM.YYYY, mess.
const clientLines = [
  'Клиенты отдела продаж (выгрузка из 1С);;;;;;;;;',
  'Дата выгрузки: 15.01.2026;;;;;;;;;',
  ';;;;;;;;;',
  'Код клиента;ФИО;Телефон;E-mail;Компания;ИНН;Город;Дата рождения;Менеджер;Группа',
];
const inns = ['7707083893', '7736207543', '500100732259', '7728168971'];
customers.slice(0, 40).forEach((c, i) => {
  const fio = i % 7 === 3 ? `${c.last.toUpperCase()} ${c.first.toUpperCase()} ${c.middle.toUpperCase()}` : `${c.last} ${c.first} ${c.middle}`;
  const inn = c.company ? inns[i % inns.length] : '';
  const company = c.company.includes('"') ? `"${c.company.replace(/"/g, '""')}"` : c.company;
  clientLines.push([c.code, fio, phoneStyles[i % 4](c.phoneDigits), i % 5 === 0 ? ` ${c.email.toUpperCase()} ` : c.email, company, inn, c.city, c.birth, c.manager, c.group].join(';'));
});
// The same people entered twice by another manager, spelled differently.
for (const i of [2, 11, 17]) {
  const c = customers[i];
  clientLines.push([`К-${2001 + i}`, `${c.first} ${c.last}`, phoneStyles[(i + 1) % 4](c.phoneDigits), '', '', '', c.city, '', pick(MANAGERS), c.group].join(';'));
}
clientLines.push('К-3001;Сидоров Пётр;8 (916) 555-01-02;sidorov@@mail.ru;;;Москва;31.02.1980;Петрова А.;Розница'); // bad email: no other identity than phone -> kept, email dropped
clientLines.push('К-3002;;;;;;Казань;;Григорьев К.;Опт'); // no identity at all -> quarantined
clientLines.push('К-3003;Ким Алина Сергеевна;+7 912 000-11-22;alina.kim@mail.ru;;;Москва;12.05.1991;Юсупова Д.'); // ragged: a cell short -> quarantined
clientLines.push('К-3004;"=HYPERLINK(""http://evil.example"";""Нажми"")";+7 903 111-22-33;formula@mail.ru;;;Самара;;Петрова А.;Розница'); // formula kept as inert text
fs.writeFileSync(path.join(here, 'clients-1251.csv'), iconv.encode(clientLines.join('\r\n') + '\r\n', 'win1251'));

// 2. Web-form leads exported from the site builder: UTF-8, English headers, Latin spelling.
const leads = ['First Name,Last Name,Email,Mobile,Company,City,Submitted'];
customers.slice(30, 48).forEach((c, i) => {
  leads.push([latin(c.first), latin(c.last), i % 3 === 0 ? c.email.replace('@', '+site@') : c.email, `+7${c.phoneDigits}`, '', latin(c.city), `2025-${String(1 + (i % 12)).padStart(2, '0')}-1${i % 9}`].join(','));
});
leads.push('Olga,Test,not-an-email,,,,2025-05-05'); // invalid email and nothing else -> quarantined
fs.writeFileSync(path.join(here, 'web-leads.csv'), leads.join('\n') + '\n');

// 3. The order book kept in Excel: one sheet per year, real date cells, phones as numbers.
const wb = new ExcelJS.Workbook();
let orderNo = 5000;
for (const year of [2025, 2026]) {
  const ws = wb.addWorksheet(`Заказы ${year}`);
  ws.addRow([`Журнал заказов ${year}`]);
  ws.addRow([]);
  ws.addRow(['№ заказа', 'Дата заказа', 'Клиент', 'Телефон', 'E-mail', 'Сумма', 'Себестоимость', 'Менеджер', 'Статус', 'Канал']);
  const months = year === 2025 ? 12 : 10;
  for (let m = 0; m < months; m++) {
    const active = customers.filter((c, i) => i * 7 % 12 <= m || rand() < 0.12);
    for (const c of active) {
      if (rand() > 0.45) continue;
      const day = 1 + Math.floor(rand() * 27);
      const amount = Math.round((2000 + rand() * 48000) * (c.group === 'VIP' ? 2.5 : c.group === 'Опт' ? 1.6 : 1)) / 1;
      const status = rand() < 0.06 ? 'Отменён' : rand() < 0.04 ? 'Возврат' : 'Выполнен';
      const date = new Date(Date.UTC(year, m, day));
      const useSerial = orderNo % 17 === 0;
      ws.addRow([
        `З-${orderNo++}`,
        useSerial ? Math.round(date.getTime() / 86400000 + 25569) : date,
        `${c.last} ${c.first}`,
        Number(`7${c.phoneDigits}`),
        orderNo % 4 === 0 ? c.email : '',
        amount,
        Math.round(amount * (0.55 + rand() * 0.2)),
        c.manager,
        status,
        c.channel,
      ]);
    }
  }
  // Walk-in buyers known only by a name on the order.
  ws.addRow([`З-${orderNo++}`, new Date(Date.UTC(year, 3, 9)), 'Розничный покупатель Гусев', '', '', 3500, 2100, 'Петрова А.', 'Выполнен', 'магазин']);
  ws.getColumn(2).numFmt = 'dd.mm.yyyy';
}
await wb.xlsx.writeFile(path.join(here, 'orders.xlsx'));

// 4. Marketing spend by channel and month, in the marketer's own layout (needs a mapping).
const spend = ['Канал;Месяц;Расход, руб.'];
for (const year of [2025, 2026]) {
  for (let m = 1; m <= (year === 2025 ? 12 : 10); m++) {
    for (const ch of ['сайт', 'выставка', 'контекстная реклама']) {
      spend.push(`${ch};01.${String(m).padStart(2, '0')}.${year};${(15000 + Math.floor(rand() * 30000)).toLocaleString('ru-RU').replace(/\u00a0/g, ' ')},00`);
    }
  }
}
fs.writeFileSync(path.join(here, 'marketing-spend.csv'), spend.join('\n') + '\n');
console.log('samples written to', here);
