import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { readSpreadsheet } from '../../connectors/spreadsheet/index.js';
import { stageItems } from '../../pipelines/stage.js';
import { engineTargets, freshDatabase, migratedWarehouse, type EngineTarget } from '../support/engines.js';
import { psql, sqlite3 } from './engine-clients.js';
import { peakRss, rate, timed } from './measure.js';
import { pick, seededRandom } from './random.js';

/**
 * `npm run bench -- import [rows]`: a seeded legacy client list (Windows-1251, ';', a title row,
 * decimal commas, DD.MM.YYYY, phones in every national format, ~1% bad rows) imported through
 * the real connector and staging, against the engine's raw bulk load of the same file.
 */
const HEADER = [
  'Код клиента',
  'ФИО',
  'Телефон',
  'E-mail',
  'Компания',
  'ИНН',
  'Город',
  'Дата рождения',
  'Менеджер',
  'Сумма покупок',
];
const SURNAMES = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Соколов',
  'Лебедев',
  'Козлов',
  'Новиков',
  'Морозов',
  'Волков',
];
const NAMES = [
  ['Иван', 'Иванович'],
  ['Пётр', 'Петрович'],
  ['Алексей', 'Сергеевич'],
  ['Дмитрий', 'Андреевич'],
];
const CITIES = ['Москва', 'Санкт-Петербург', 'Казань', 'Самара', 'Пермь'];
const COMPANIES = ['', '', 'ООО «Ромашка»', 'АО "Вектор"', 'ИП Петров'];

export function generateImportFile(file: string, rows: number, seed = 7): void {
  const rand = seededRandom(seed);
  const out = fs.openSync(file, 'w');
  let buf = 'Клиенты (выгрузка);;;;;;;;;\n' + HEADER.join(';') + '\n';
  for (let i = 0; i < rows; i++) {
    const [first, middle] = pick(rand, NAMES);
    const d = String(900000000 + Math.floor(rand() * 99999999));
    const phone = pick(rand, [
      `8 (9${d.slice(0, 2)}) ${d.slice(2, 5)}-${d.slice(5, 7)}-${d.slice(7, 9)}`,
      `+7 9${d.slice(0, 2)} ${d.slice(2, 5)} ${d.slice(5, 9)}`,
      `89${d}`.slice(0, 11),
    ]);
    const bad = rand() < 0.01;
    const company = pick(rand, COMPANIES);
    const cells = [
      String(100000 + i).padStart(8, '0'),
      `${pick(rand, SURNAMES)} ${first} ${middle}`,
      phone,
      bad ? 'broken@' : `user${i}@mail.ru`,
      company.includes('"') ? `"${company.replace(/"/g, '""')}"` : company,
      company ? '7707083893' : '',
      pick(rand, CITIES),
      `${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}.${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}.19${50 + Math.floor(rand() * 50)}`,
      'Петрова А.',
      `${Math.floor(rand() * 100)} ${String(Math.floor(rand() * 1000)).padStart(3, '0')},${String(Math.floor(rand() * 100)).padStart(2, '0')}`,
    ];
    buf += (bad && i % 2 ? cells.slice(0, 7) : cells).join(';') + '\n';
    if (buf.length > 1 << 20) {
      fs.writeSync(out, iconv.encode(buf, 'win1251'));
      buf = '';
    }
  }
  fs.writeSync(out, iconv.encode(buf, 'win1251'));
  fs.closeSync(out);
}

/** The engine's own bulk path loading the same file into a table of text columns. */
function rawLoad(target: EngineTarget, url: string, file: string): void {
  const cols = HEADER.map((_, i) => `c${i} text`).join(', ');
  if (target.engine === 'postgres') {
    // Whole lines into one column: COPY refuses ragged rows, which this file has on purpose.
    psql(url, `CREATE TABLE raw_import (line text)`);
    psql(url, `\\copy raw_import FROM '${file}' WITH (FORMAT text, DELIMITER E'\\x01', ENCODING 'WIN1251')`);
  } else if (target.engine === 'sqlite') {
    sqlite3(
      url,
      [`CREATE TABLE raw_import (${cols})`, '.mode csv', '.separator ;', `.import ${file} raw_import`],
      ['ignore', 'ignore', 'ignore'],
    );
  }
}

export async function benchImport(args: string[]): Promise<void> {
  const rows = Number(args[0] ?? 1_000_000);
  const dir = path.resolve('.bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `clients-${rows}.csv`);
  if (!fs.existsSync(file)) {
    const gen = await timed(async () => generateImportFile(file, rows));
    console.log(
      `generated ${rows.toLocaleString('en-US')} messy rows (seed 7, ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MB) in ${gen.seconds.toFixed(1)} s`,
    );
  }
  for (const target of await engineTargets()) {
    if (target.unavailable || target.engine === 'mysql') continue;
    const t = await migratedWarehouse(target);
    const mem = peakRss();
    const cpuBefore = process.cpuUsage();
    const imported = await timed(async () => {
      const totals = { rows: 0, loaded: 0, quarantined: 0, duplicates: 0 };
      for await (const sheet of readSpreadsheet(file)) {
        const c = await stageItems(t.wh, sheet.items, {
          source: 'bench',
          stream: sheet.detection.stream,
          runId: null,
          file,
        });
        for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += c[k];
      }
      return totals;
    }).finally(async () => {
      mem.stop();
      await t.drop(); // a failed import must not leave the pool (and the process) running
    });
    const rss = mem.stop();
    const cpu = process.cpuUsage(cpuBefore);
    const raw = await freshDatabase(target);
    const base = await timed(async () => rawLoad(target, raw.url, file));
    await raw.drop();
    const v = imported.value;
    const ratio = imported.seconds / base.seconds;
    console.log(
      `${target.engine.padEnd(9)} import ${imported.seconds.toFixed(1)} s (${rate(rows, imported.seconds)}, peak RSS ${rss.toFixed(0)} MB, ` +
        `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in all threads; ` +
        `loaded ${v.loaded}, quarantined ${v.quarantined}, duplicates ${v.duplicates}) | raw bulk load ${base.seconds.toFixed(2)} s | ` +
        `ratio ${ratio.toFixed(1)}x (target <= 3x on postgres) | RSS target <= 300 MB ${rss <= 300 ? 'OK' : 'MISSED'} | ` +
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
  }
}
