import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PostalMime from 'postal-mime';
import { mailWorkers } from '../../connectors/email/parse-pool.js';
import { packageRoot } from '../../lib/package-root.js';
import type { SourceResult, StreamResult } from '../../pipelines/extract.js';
import { letter } from '../email/letters.js';
import { PASSWORD, startDovecot } from '../support/dovecot.js';
import { freshDatabase } from '../support/engines.js';
import { cpuTimed, rate, timed } from './measure.js';

const USER = 'bench@ours.ru';
const CLI = path.join(packageRoot(), 'dist/pipelines/cli.js');
const COLD_FLOOR = path.join(packageRoot(), 'dist/test/bench/email-cold-floor.js');

/**
 * `npm run bench -- email [messages]`: a mailbox of generated letters (Russian and English, a
 * third outbound, one in twenty with a 20 KB attachment, one in ten a newsletter and one in ten
 * an auto-reply) written straight into a dovecot Maildir and indexed by the server, then synced
 * over IMAP into a SQLite warehouse by `crm-etl run` in its own process, as a user runs it (a
 * pipeline whose only step is extract). Two floors are measured in the same run, in this
 * process: imapflow fetching the same letters raw, and imapflow fetching them with postal-mime
 * parsing each one (what the two libraries cost before anything of ours). Then 1% new mail is
 * delivered (into the Maildir's new/) and the incremental run timed beside its own floor (a fresh
 * process of the two libraries fetching and parsing the same new letters and the SQLite driver
 * writing their rows, cold: email-cold-floor.ts), then a run with nothing new.
 *
 * CRM_ETL_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to the node of
 * each `crm-etl run`, for profiling the process measured.
 */
export async function benchEmail(args: string[]): Promise<void> {
  const messages = Number(args[0] ?? 100_000);
  if (!fs.existsSync(TIME))
    throw new Error(
      `${TIME} not found: the bench reads each run's CPU and peak RSS from GNU time (apt-get install time)`,
    );
  const server = await startDovecot([USER]);
  const warehouse = await freshDatabase({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-etl-mail-bench-'));
  try {
    const written = await timed(async () => writeMaildir(server.maildir(USER), messages));
    server.ownStore();
    const indexed = await timed(async () => {
      const c = await server.client(USER);
      await c.mailboxOpen('INBOX', { readOnly: true });
      await c.logout();
    });
    console.log(
      `wrote ${messages.toLocaleString('en-US')} letters (${(written.value / 2 ** 20).toFixed(0)} MB) into the Maildir in ${written.seconds.toFixed(1)} s; dovecot indexed them in ${indexed.seconds.toFixed(1)} s; load average ${loadAverage()}`,
    );

    // Each floor is read twice, alternately, and its faster run kept: the first read after
    // indexing also warms dovecot's caches, which the sync (run after them) then finds warm.
    const fetchAll = (parse: boolean) =>
      cpuTimed(async () => {
        const c = await server.client(USER);
        let n = 0;
        let bytes = 0;
        await c.mailboxOpen('INBOX', { readOnly: true });
        for await (const m of c.fetch('1:*', { uid: true, source: true }, { uid: true })) {
          n++;
          bytes += m.source?.length ?? 0;
          if (parse && m.source) await PostalMime.parse(m.source, { attachmentEncoding: 'arraybuffer' });
        }
        await c.logout();
        return { n, bytes };
      });
    const raws = [];
    const parses = [];
    for (let round = 0; round < 2; round++) {
      raws.push(await fetchAll(false));
      parses.push(await fetchAll(true));
    }
    const raw = fastest(raws);
    const parsed = fastest(parses);
    for (const f of [raw, parsed])
      if (f.value.n !== messages) throw new Error(`a floor read ${f.value.n} of ${messages}`);

    const config = path.join(dir, 'crm-etl.config.yaml');
    fs.writeFileSync(
      config,
      [
        'defaultRegion: RU',
        'pipelines:',
        '  mail:',
        '    steps: [extract]',
        '    sources:',
        '      - name: bench-mail',
        '        connector: email',
        `        imap: { host: 127.0.0.1, port: ${server.port}, secure: false, user: "${USER}", password: "\${MAIL_BENCH_PASSWORD}" }`,
        '        folders: [INBOX]',
        '        ownDomains: [ours.ru]',
        '',
      ].join('\n'),
    );
    const sync = () => cliRun(config, warehouse.url, dir);
    const full = await sync();
    const inbox = full.inbox;
    if (inbox.rows !== messages) throw new Error(`the sync read ${inbox.rows} of ${messages}`);

    const more = Math.max(1, Math.round(messages / 100));
    // Delivered as a mail server's delivery agent does: new files in the Maildir's new/.
    writeMaildir(server.maildir(USER), more, messages, 'new');
    server.ownStore();
    const incremental = await sync();
    const coldRuns = [
      await coldFloor(server.port, messages + 1, dir, 1),
      await coldFloor(server.port, messages + 1, dir, 2),
    ];
    for (const c of coldRuns)
      if (c.letters !== more) throw new Error(`the cold floor read ${c.letters} of ${more}`);
    // The cheaper of the two in CPU, the measure the incremental run is judged by.
    const cold = coldRuns.reduce((a, b) => (b.cpu < a.cpu ? b : a));
    const still = await sync();
    if (still.inbox.rows !== 0) throw new Error('a run with no new mail read some');
    if (incremental.inbox.rows !== more)
      throw new Error(`the incremental run read ${incremental.inbox.rows} of ${more}`);

    const n = (x: number) => x.toLocaleString('en-US');
    const secs = (m: { seconds: number; cpu: number }) =>
      `${m.seconds.toFixed(2)} s, ${m.cpu.toFixed(2)} s CPU`;
    const ratio = (a: { seconds: number; cpu: number }, b: { seconds: number; cpu: number }) =>
      `${(a.seconds / b.seconds).toFixed(2)}× wall, ${(a.cpu / b.cpu).toFixed(2)}× CPU`;
    const contacts = inbox.companions?.contact;
    console.log(
      [
        `floor 1, imapflow raw fetch:              ${secs(raw)} (${rate(messages, raw.seconds).replace('rows', 'msgs')}), ${(raw.value.bytes / 2 ** 20).toFixed(0)} MB; runs ${raws.map((r) => r.seconds.toFixed(2)).join(' / ')} s`,
        `floor 2, imapflow fetch + postal-mime:    ${secs(parsed)} (${rate(messages, parsed.seconds).replace('rows', 'msgs')}); runs ${parses.map((r) => r.seconds.toFixed(2)).join(' / ')} s`,
        `full sync, crm-etl run (own process):     ${secs(full)} (${rate(messages, full.seconds).replace('rows', 'msgs')}), peak RSS ${Math.round(full.peakRssMb)} MB, ${mailWorkers()} parse worker(s)`,
        `  ${n(inbox.loaded)} interactions loaded, ${n(inbox.skipped)} skipped ${JSON.stringify(inbox.skippedBy ?? {})}, ${inbox.quarantined} quarantined, ${inbox.duplicates} duplicates; ${contacts?.loaded ?? 0} contacts; ${inbox.batches} batches`,
        `  full sync / floor 1 (raw fetch):        ${ratio(full, raw)}`,
        `  full sync / floor 2 (fetch + parse):    ${ratio(full, parsed)}   (target ≤ 2×)`,
        `incremental after 1% new mail (${n(more)} letters): ${secs(incremental)}, peak RSS ${Math.round(incremental.peakRssMb)} MB = ${share(incremental.seconds, full.seconds)} of the full sync's wall, ${share(incremental.cpu, full.cpu)} of its CPU (issue's target ≤ 5% CPU)`,
        `  its floor, a fresh process fetching + parsing the same ${n(more)} (imapflow + postal-mime) and writing a row per letter and per sender (better-sqlite3, one transaction), cold: ${secs(cold)} = ${share(cold.cpu, full.cpu)} of the full sync's CPU; runs ${coldRuns.map((c) => c.cpu.toFixed(2)).join(' / ')} s CPU`,
        `  incremental / its floor:                ${ratio(incremental, cold)}   (target ≤ ${INCREMENTAL_TARGET}× CPU)`,
        cold.cpu >= 0.05 * full.cpu
          ? `  the floor alone is ${share(cold.cpu, full.cpu)} of the full sync's CPU: ≤ 5% is out of reach for any sync that starts a process, fetches, parses and writes; judged instead as ≤ ${INCREMENTAL_TARGET}× its own floor — ${incremental.cpu <= INCREMENTAL_TARGET * cold.cpu ? 'met' : 'not met'}`
          : `  the floor is under 5% of the full sync's CPU: the issue's ≤ 5% is reachable — ${incremental.cpu <= 0.05 * full.cpu ? 'met' : 'not met'}`,
        `a run with no new mail (the folder skipped by STATUS): ${secs(still)} (the process's fixed cost: start, config, warehouse, login)`,
        `load average at the end: ${loadAverage()}`,
      ].join('\n'),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await warehouse.drop();
    await server.stop();
  }
}

const TIME = '/usr/bin/time';

interface CliRun {
  seconds: number;
  cpu: number;
  peakRssMb: number;
  inbox: StreamResult;
}

/**
 * `crm-etl run mail` in its own process under GNU time, and the INBOX line of its summary.
 */
async function cliRun(config: string, db: string, dir: string): Promise<CliRun> {
  const nodeArgs = (process.env.CRM_ETL_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const run = await underTime(
    [...nodeArgs, CLI, '--config', config, '--db', db, '--json', 'run', 'mail'],
    { ...process.env, LOG_LEVEL: 'warn', MAIL_BENCH_PASSWORD: PASSWORD },
    dir,
  );
  const report = JSON.parse(run.stdout) as { steps: Array<{ step: string; detail?: SourceResult[] }> };
  const extract = report.steps.find((s) => s.step === 'extract')?.detail ?? [];
  const inbox = extract[0]?.inputs.find((i) => i.file === 'INBOX');
  if (!inbox) throw new Error(`the run's summary has no INBOX: ${run.stdout.slice(0, 2000)}`);
  return { ...run, inbox };
}

/**
 * The incremental run's own floor (email-cold-floor.ts) in a process of its own, measured as the
 * sync is: the libraries' cold cost for the new letters.
 */
async function coldFloor(port: number, firstUid: number, dir: string, round: number) {
  const file = path.join(dir, `cold-floor-${round}.db`);
  const run = await underTime(
    [COLD_FLOOR, String(port), USER, PASSWORD, String(firstUid), file],
    process.env,
    dir,
  );
  return { ...run, letters: Number(run.stdout.trim()) };
}

/**
 * The incremental run's target against its own floor (the issue's ≤ 5% of the full sync is out
 * of reach when that floor alone costs more): the ratio the issue allows the full sync against
 * its floor, ≤ 2×. What is ours of a run with 1% new mail — start-up, config, the warehouse's
 * schema check, the stream's state, staging through the loader — is mostly a process's fixed
 * cost, which a run with nothing new measures beside it.
 */
const INCREMENTAL_TARGET = 2;

function share(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

/**
 * A node process under GNU time: its wall time, CPU (user + system, all threads) and peak RSS
 * exactly as the kernel counted them, and what it printed.
 */
async function underTime(nodeArgs: string[], env: NodeJS.ProcessEnv, dir: string) {
  const times = path.join(dir, 'time.txt');
  const child = spawn(TIME, ['-o', times, '-f', '%e %U %S %M', process.execPath, ...nodeArgs], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${nodeArgs.join(' ')} exited with ${code}: ${stdout.slice(0, 2000)}`);
  const [wall, user, system, maxKb] = fs
    .readFileSync(times, 'utf8')
    .trim()
    .split(/\s+/)
    .slice(-4)
    .map(Number);
  return { seconds: wall!, cpu: user! + system!, peakRssMb: maxKb! / 1024, stdout };
}

function fastest<T extends { seconds: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}

/**
 * Letters numbered from `first` straight into the Maildir: into cur/ as delivered and seen, or
 * into new/ as just delivered (tmp/ first, then renamed, as a delivery agent does); returns the
 * bytes written.
 */
function writeMaildir(dir: string, count: number, first = 0, into: 'cur' | 'new' = 'cur'): number {
  for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  let bytes = 0;
  for (let i = first; i < first + count; i++) {
    const raw = generated(i);
    bytes += raw.length;
    const name = `${1_700_000_000 + i}.M${i}P1.bench`;
    if (into === 'cur') fs.writeFileSync(path.join(dir, 'cur', `${name}:2,S`), raw);
    else {
      fs.writeFileSync(path.join(dir, 'tmp', name), raw);
      fs.renameSync(path.join(dir, 'tmp', name), path.join(dir, 'new', name));
    }
  }
  return bytes;
}

const FIRST = ['Пётр', 'Анна', 'Сергей', 'Ольга', 'John', 'Mary', 'Иван', 'Елена'];
const LAST = ['Иванов', 'Смирнова', 'Кузнецов', 'Попова', 'Smith', 'Brown', 'Соколов', 'Лебедева'];

export function generated(i: number): Buffer {
  const customer = `${FIRST[i % 8]} ${LAST[(i >> 3) % 8]} <client${i % 5_000}@company${i % 997}.ru>`;
  const manager = `Менеджер ${i % 7} <m${i % 7}@ours.ru>`;
  const outbound = i % 3 === 2;
  const date = new Date(Date.UTC(2024, 0, 1) + i * 600_000).toUTCString().replace('GMT', '+0000');
  const kind = i % 10;
  return letter({
    from: outbound ? manager : kind === 9 ? 'News <news@vendor.example>' : customer,
    to: outbound ? customer : manager,
    subject: kind === 8 ? `Автоответ: заказ ${i}` : `${i % 2 ? 'Re: ' : ''}Заказ №${i >> 1}`,
    date,
    messageId: `bench${i}@company.ru`,
    ...(i % 2 ? { inReplyTo: `bench${i - 1}@company.ru`, references: `bench${i - 1}@company.ru` } : {}),
    charset: i % 4 === 0 ? 'koi8-r' : i % 4 === 1 ? 'windows-1251' : 'utf-8',
    encoding: i % 2 ? 'quoted-printable' : 'base64',
    headers:
      kind === 9
        ? { 'List-Id': '<news.vendor.example>' }
        : kind === 8
          ? { 'Auto-Submitted': 'auto-replied' }
          : {},
    body:
      `Добрый день!\nПо заказу №${i >> 1}: прошу подтвердить сроки поставки и выставить счёт.\n`.repeat(
        1 + (i % 5),
      ) +
      `\nС уважением,\n${FIRST[i % 8]} ${LAST[(i >> 3) % 8]}\nООО "Компания ${i % 997}"\n+7 912 ${String(1_000_000 + (i % 8_999_999)).slice(0, 3)}-${String(i % 100).padStart(2, '0')}-${String((i >> 2) % 100).padStart(2, '0')}\n`,
    ...(i % 20 === 5 ? { attachment: { name: `invoice-${i}.pdf`, size: 20_000 } } : {}),
  });
}
