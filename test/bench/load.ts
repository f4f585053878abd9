import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { StageRow } from '../../warehouse/engines/adapter.js';
import { loadStaging, rowHash } from '../../warehouse/staging/loader.js';
import { STG_CONTACT } from '../../warehouse/tables.js';
import { engineTargets, freshDatabase, migratedWarehouse, type EngineTarget } from '../support/engines.js';
import { mariadb, psql, sqlite3 } from './engine-clients.js';
import { peakRss, rate, timed } from './measure.js';
import { pick, seededRandom } from './random.js';

/**
 * `npm run bench -- load [rows]`: the bulk loader against each engine's own bulk path
 * (psql \copy, mariadb LOAD DATA LOCAL INFILE, sqlite3 .import) on the same seeded file.
 */
const COLUMNS = [
  'source',
  'source_key',
  'first_name',
  'last_name',
  'email',
  'phone',
  'city',
  'birth_date',
  'company',
  'row_hash',
];
const FIRST = ['Иван', 'Мария', 'Алексей', 'Ольга', 'John', 'Anna', 'Дмитрий', 'Елена', 'Peter', 'Наталья'];
const LAST = [
  'Иванов',
  'Смирнова',
  'Кузнецов',
  'Попова',
  'Smith',
  'Brown',
  'Соколов',
  'Лебедева',
  "O'Neil",
  'Новиков',
];
const CITY = ['Москва', 'Санкт-Петербург', 'Казань', 'Новосибирск', 'London', 'Екатеринбург', 'Самара'];
const COMPANY = ['ООО «Ромашка»', 'АО "Вектор"', 'ИП Петров', 'Acme Inc', '', 'ПАО Звезда'];

export function generateLoadFile(file: string, rows: number, seed = 42): void {
  const rand = seededRandom(seed);
  const out = fs.openSync(file, 'w');
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const row: StageRow = {
      source: 'bench',
      source_key: `c${i}`,
      first_name: pick(rand, FIRST),
      last_name: pick(rand, LAST),
      email: `user${i}@example.${pick(rand, ['ru', 'com', 'org'])}`,
      phone: `+79${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`,
      city: pick(rand, CITY),
      birth_date: `19${50 + Math.floor(rand() * 50)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
      company: pick(rand, COMPANY),
    };
    row.row_hash = rowHash(STG_CONTACT, row);
    buf += COLUMNS.map((c) => row[c]).join('\t') + '\n';
    if (buf.length > 1 << 20) {
      fs.writeSync(out, buf);
      buf = '';
    }
  }
  fs.writeSync(out, buf);
  fs.closeSync(out);
}

async function* readRows(file: string): AsyncGenerator<StageRow> {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    const cells = line.split('\t');
    const row: StageRow = {};
    for (let i = 0; i < COLUMNS.length; i++) row[COLUMNS[i]!] = cells[i] === '' ? null : cells[i]!;
    yield row;
  }
}

function nativeLoad(target: EngineTarget, url: string, file: string): void {
  const cols = COLUMNS.join(', ');
  if (target.engine === 'postgres') {
    psql(url, `\\copy stg_contact (${cols}) FROM '${file}'`);
  } else if (target.engine === 'mysql') {
    mariadb(
      url,
      `LOAD DATA LOCAL INFILE '${file}' INTO TABLE stg_contact CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' (${cols})`,
      ['--local-infile=1'],
    );
  } else {
    // sqlite3 .import has no column list: it loads a table of exactly the file's columns with the same key.
    sqlite3(url, [
      `CREATE TABLE bench_contact (${COLUMNS.map((c) => `${c} TEXT`).join(', ')}, PRIMARY KEY (source, source_key))`,
      '.mode tabs',
      `.import ${file} bench_contact`,
    ]);
  }
}

export async function benchLoad(args: string[]): Promise<void> {
  const rows = Number(args[0] ?? 1_000_000);
  const dir = path.resolve('.bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `contacts-${rows}.tsv`);
  if (!fs.existsSync(file)) {
    const gen = await timed(async () => generateLoadFile(file, rows));
    console.log(
      `generated ${rows.toLocaleString('en-US')} rows (seed 42) in ${gen.seconds.toFixed(1)} s: ${file}`,
    );
  }
  const targets = { sqlite: 1.5, postgres: 1.5, mysql: 2 } as const;
  const results: string[] = [];
  for (const target of await engineTargets()) {
    if (target.unavailable) continue;
    const ours = await migratedWarehouse(target);
    const mem = peakRss();
    const loaded = await timed(() => loadStaging(ours.wh, STG_CONTACT, readRows(file)));
    const rss = mem.stop();
    await ours.drop();
    if (loaded.value.inserted !== rows)
      throw new Error(`loader inserted ${loaded.value.inserted} of ${rows}`);

    const native = await freshDatabase(target);
    const setup = await migratedWarehouseAt(native.url);
    const base = await timed(async () => nativeLoad(target, native.url, file));
    await setup.close();
    await native.drop();

    const ratio = loaded.seconds / base.seconds;
    const limit = targets[target.engine];
    results.push(
      `${target.engine.padEnd(9)} loader ${loaded.seconds.toFixed(2)} s (${rate(rows, loaded.seconds)}, peak RSS ${rss.toFixed(0)} MB)` +
        ` | native ${base.seconds.toFixed(2)} s (${rate(rows, base.seconds)}) | ratio ${ratio.toFixed(2)}x (target <= ${limit}x) ${ratio <= limit ? 'OK' : 'MISSED'}`,
    );
    console.log(results.at(-1));
  }
}

async function migratedWarehouseAt(url: string) {
  const { openWarehouse } = await import('../../warehouse/connection.js');
  const { migrate } = await import('../../warehouse/migrate.js');
  const wh = await openWarehouse(url);
  await migrate(wh);
  return wh;
}
