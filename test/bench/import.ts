import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { openWarehouse } from '../../warehouse/connection.js';
import { migrate } from '../../warehouse/migrate.js';
import { STG_CONTACT } from '../../warehouse/tables.js';
import { packageRoot } from '../../lib/package-root.js';
import { engineTargets, freshDatabase, type EngineTarget } from '../support/engines.js';
import { mariadb, psql, sqlite3 } from './engine-clients.js';
import { rate, timed } from './measure.js';
import { pick, seededRandom } from './random.js';

/**
 * `npm run bench -- import [rows]`: a seeded legacy client list (Windows-1251, ';', a title row,
 * decimal commas, DD.MM.YYYY, phones in every national format, ~1% bad rows) imported by
 * `crm-etl import` in its own process (its time, peak RSS and CPU are what a user gets), against
 * the engine's raw bulk load of the same file.
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
  } else if (target.engine === 'mysql') {
    // Whole lines into one column too (the file has no tabs), converted from Windows-1251.
    mariadb(url, 'CREATE TABLE raw_import (line text) CHARACTER SET utf8mb4');
    mariadb(
      url,
      `LOAD DATA LOCAL INFILE '${file}' INTO TABLE raw_import CHARACTER SET cp1251 FIELDS TERMINATED BY '\\t' ESCAPED BY '' (line)`,
      ['--local-infile=1'],
    );
  } else {
    sqlite3(
      url,
      [`CREATE TABLE raw_import (${cols})`, '.mode csv', '.separator ;', `.import ${file} raw_import`],
      ['ignore', 'ignore', 'ignore'],
    );
  }
}

interface CliImport {
  seconds: number;
  /** Peak resident memory of the crm-etl process (VmHWM), null where /proc is not available. */
  peakRssMb: number | null;
  /** CPU of the crm-etl process, all its threads, as last sampled (≤ 0.1 s before it ended). */
  cpuSeconds: number | null;
  summary: { rows: number; loaded: number; quarantined: number; duplicates: number };
}

const CLI = path.join(packageRoot(), 'dist/pipelines/cli.js');
const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** `crm-etl import` exactly as a user runs it, in its own process: its time, memory and summary. */
async function importWithCli(url: string, file: string, rejectsDir: string): Promise<CliImport> {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [CLI, '--db', url, '--json', 'import', file, '--source', 'bench', '--rejects', rejectsDir],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  let peakKb: number | null = null;
  let ticks: number | null = null;
  const sample = () => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peakKb = Math.max(peakKb ?? 0, Number(hwm[1]));
      // utime and stime: fields 14 and 15, counted after the parenthesized command name.
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks = Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone, or no /proc
    }
  };
  const timer = setInterval(sample, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`crm-etl import exited with ${code}`);
  const files = (JSON.parse(stdout) as { files: CliImport['summary'][] }).files;
  const summary = { rows: 0, loaded: 0, quarantined: 0, duplicates: 0 };
  for (const f of files)
    for (const k of Object.keys(summary) as Array<keyof typeof summary>) summary[k] += f[k];
  return {
    seconds,
    peakRssMb: peakKb === null ? null : peakKb / 1024,
    cpuSeconds: ticks === null ? null : ticks / TICKS_PER_SECOND,
    summary,
  };
}

let checkpointRefused = false;

/**
 * CHECKPOINT before a PostgreSQL timing. It needs a superuser or pg_checkpoint: without, the
 * timings go on, said once to include whatever checkpoint falls into them.
 */
function checkpoint(url: string): void {
  if (checkpointRefused) return;
  try {
    psql(url, 'CHECKPOINT', 'pipe');
  } catch {
    checkpointRefused = true;
    console.log(
      '(CHECKPOINT refused: this login needs superuser or pg_checkpoint; timings may include checkpoints)',
    );
  }
}

/**
 * PostgreSQL alone loading the rows the import staged, with its own client: COPY of the staged
 * columns into an empty table shaped like stg_contact (same types, keys, indexes). No importer
 * of this table can be faster than this, whatever it does before the COPY.
 */
function stagedRowsCopy(url: string, dir: string): number {
  const cols = STG_CONTACT.columns.map((c) => c.name).join(', ');
  const dump = path.join(dir, 'staged-rows.tsv');
  psql(url, `\\copy (SELECT ${cols} FROM stg_contact) TO '${dump}'`);
  psql(url, 'CREATE TABLE staged_copy (LIKE stg_contact INCLUDING ALL)');
  // The import just wrote hundreds of MB of WAL: a checkpoint it set off would land in this COPY's time.
  checkpoint(url);
  const started = process.hrtime.bigint();
  psql(url, `\\copy staged_copy (${cols}) FROM '${dump}'`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(dump);
  return seconds;
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
  // Runs per engine: the import and the raw load alternate, and the middle runs are compared (on
  // a shared machine single ratios moved by ±25%); the peak RSS is the highest of the runs. The
  // PostgreSQL floor is taken in every run too: single floors ranged 2.2-4.0x the raw load.
  const repeats = Math.max(1, Math.floor(Number(args[1] ?? 1)));
  for (const target of await engineTargets()) {
    if (target.unavailable) continue;
    const runs: Array<Awaited<ReturnType<typeof importWithCli>>> = [];
    const bases: number[] = [];
    const floors: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const db = await freshDatabase(target);
      try {
        const wh = await openWarehouse(db.url);
        await migrate(wh).finally(() => wh.close());
        // Each PostgreSQL timing starts from a checkpoint, so none is charged another's WAL.
        if (target.engine === 'postgres') checkpoint(db.url);
        runs.push(await importWithCli(db.url, file, dir));
        if (target.engine === 'postgres') floors.push(stagedRowsCopy(db.url, dir));
      } finally {
        await db.drop();
      }
      const raw = await freshDatabase(target);
      if (target.engine === 'postgres') checkpoint(raw.url);
      bases.push((await timed(async () => rawLoad(target, raw.url, file))).seconds);
      await raw.drop();
    }
    const run = [...runs].sort((x, y) => x.seconds - y.seconds)[Math.floor((runs.length - 1) / 2)]!;
    const base = { seconds: median(bases) };
    const v = run.summary;
    const ratio = run.seconds / base.seconds;
    const peaks = runs.map((x) => x.peakRssMb).filter((x): x is number => x !== null);
    const rss = peaks.length === 0 ? null : Math.max(...peaks);
    const of =
      repeats === 1 ? '' : ` (median of ${repeats}: ${runs.map((x) => x.seconds.toFixed(1)).join(', ')} s)`;
    const rawOf =
      repeats === 1 ? '' : ` (median of ${repeats}: ${bases.map((x) => x.toFixed(2)).join(', ')} s)`;
    console.log(
      `${target.engine.padEnd(9)} crm-etl import ${run.seconds.toFixed(1)} s${of} (${rate(rows, run.seconds)}, peak RSS ${rss === null ? 'n/a' : rss.toFixed(0) + ' MB'}, ` +
        `CPU ${run.cpuSeconds === null ? 'n/a' : run.cpuSeconds.toFixed(1) + ' s'} in all threads; ` +
        `loaded ${v.loaded}, quarantined ${v.quarantined}, duplicates ${v.duplicates}) | raw bulk load ${base.seconds.toFixed(2)} s${rawOf} | ` +
        `ratio ${ratio.toFixed(1)}x (target <= 3x on postgres) | RSS target <= 300 MB ${rss === null ? 'not measured' : rss <= 300 ? 'OK' : 'MISSED'} | ` +
        `load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
    if (floors.length > 0) {
      const floor = median(floors);
      const floorOf =
        repeats === 1 ? '' : ` (median of ${repeats}: ${floors.map((x) => x.toFixed(2)).join(', ')} s)`;
      console.log(
        `${''.padEnd(9)} PostgreSQL alone copying the staged rows into an empty stg_contact: ${floor.toFixed(2)} s${floorOf} = ` +
          `${(floor / base.seconds).toFixed(1)}x the raw load (no importer of this table can go below it)`,
      );
    }
  }
}

/** The middle value (of an even number, the lower of the two middle ones, as for the import runs). */
function median(values: readonly number[]): number {
  return [...values].sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)]!;
}
