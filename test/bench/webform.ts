import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { WebformSourceSchema } from '../../connectors/webform/config.js';
import { formStream } from '../../connectors/webform/connector.js';
import { leadItems } from '../../connectors/webform/lead.js';
import { warehouseSink } from '../../pipelines/receiver/start.js';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.js';
import { migratedWarehouse } from '../support/engines.js';
import { startServe, type ServeProcess } from '../support/receiver.js';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'webform-server.js');
const FIRST = ['Анна', 'Иван', 'Мария', 'Олег', 'Дарья', 'Пётр', 'Елена', 'Сергей'];
const LAST = ['Иванова', 'Смирнов', 'Кузнецова', 'Попов', 'Соколова', 'Лебедев', 'Новикова', 'Морозов'];

interface Figures {
  rate: number;
  /** CPU seconds the server process spent during the measurement (Linux /proc), null elsewhere. */
  serverCpu: number | null;
  /** Of which in the kernel (system time: sockets, for the most part). */
  serverSys: number | null;
  /**
   * CPU seconds of the database server's processes serving this warehouse (PostgreSQL and MariaDB
   * on this machine share its cores with the receiver), null for SQLite or where not visible.
   */
  dbCpu: number | null;
  /** CPU seconds the load generator (this process) spent. */
  loadCpu: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
}

/**
 * `npm run bench -- webform [seconds] [connections] [engines]`: Tilda-style submissions (a Russian
 * name, a phone, an e-mail, a distinct tranid each) posted over loopback by autocannon to the
 * receiver in its own process, acknowledged only once committed (group commit), on SQLite,
 * PostgreSQL and MariaDB (`engines`: a comma-separated subset, e.g. `postgres`); in the same run
 * the floor: the same server answering 2xx without storing. Every acknowledged submission is then
 * counted in the warehouse. Besides wall-clock rates (shared with whatever else the machine
 * runs), the server's and the load generator's CPU time per request.
 */
export async function benchWebform(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 10);
  const connections = Number(args[1] ?? 64);
  const engines = (args[2] ?? 'sqlite,postgres,mysql').split(',') as Array<'sqlite' | 'postgres' | 'mysql'>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-bench-webform-'));
  const config = path.join(dir, 'crm-etl.config.yaml');
  fs.writeFileSync(
    config,
    `receiver:
  port: 0
  rateLimit: { max: 100000000, windowSeconds: 60 }
  spool: spool
  forms: [{ name: site, path: /forms/site, preset: tilda }]
`,
  );
  console.log(
    `${connections} connections, ${seconds} s per measurement, Tilda form posts over loopback; ` +
      `${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  try {
    const floorDb = `sqlite:${path.join(dir, 'floor.db')}`;
    const floor = await measure(await server(config, floorDb, true), seconds, connections, 'f');
    report('floor (2xx, nothing stored)', floor, null);
    for (const engine of engines) {
      const db = await migratedWarehouse({
        engine,
        unavailable: null,
        serverUrl:
          engine === 'sqlite'
            ? 'sqlite:'
            : engine === 'postgres'
              ? (process.env.CRM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
              : (process.env.CRM_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'),
      });
      await db.wh.close();
      try {
        const figures = await measure(
          await server(config, db.url, false),
          seconds,
          connections,
          engine,
          engine === 'postgres' ? new URL(db.url).pathname.slice(1) : null,
        );
        report(`${engine} (durable 2xx)`, figures, floor);
        const wh = await openWarehouse(db.url);
        try {
          if (wh.adapter.appendAbsent) await commitPaths(wh, engine);
          const leads = Number(
            (await wh.knex('stg_interaction').where({ source: 'site' }).count({ n: '*' }))[0]!.n,
          );
          // Requests still in flight when the load stops are staged, but their answers not counted;
          // so are requests the load generator gave up on (timeouts, on a machine overloaded).
          const mismatch = leads < figures.ok || leads > figures.ok + connections + figures.errors;
          console.log(
            `  ${engine}: ${leads.toLocaleString('en-US')} leads staged for ${figures.ok.toLocaleString('en-US')} acknowledged` +
              (mismatch
                ? ' !! MISMATCH'
                : ` (+${leads - figures.ok} in flight when the load stopped or timed out)`),
          );
        } finally {
          await wh.close();
        }
      } finally {
        await db.drop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** CRM_ETL_BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): flags for the server's node. */
function nodeArgs(): string[] {
  return (process.env.CRM_ETL_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

async function server(config: string, dbUrl: string, discard: boolean): Promise<ServeProcess> {
  return startServe(
    config,
    dbUrl,
    { LOG_LEVEL: 'warn' },
    [],
    [...nodeArgs(), SERVER, config, dbUrl, ...(discard ? ['--discard'] : [])],
  );
}

/** User and system CPU seconds of a process so far (Linux), or null where /proc is not there. */
function processCpu(pid: number | undefined): { user: number; sys: number } | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 14th, stime the 15th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(f[11]) / 100, sys: Number(f[12]) / 100 };
  } catch {
    return null;
  }
}

/**
 * CPU seconds so far of each PostgreSQL backend serving `database` (its process title names the
 * database), found in /proc: empty where PostgreSQL runs elsewhere or /proc is not there.
 */
function backendsCpu(database: string): Map<number, number> {
  const found = new Map<number, number>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return found;
  }
  for (const pid of pids)
    try {
      const title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!title.startsWith('postgres: ') || !title.split(' ').includes(database)) continue;
      const cpu = processCpu(Number(pid));
      if (cpu) found.set(Number(pid), cpu.user + cpu.sys);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  return found;
}

async function measure(
  s: ServeProcess,
  seconds: number,
  connections: number,
  tag: string,
  /** PostgreSQL database whose backends' CPU is counted. */
  database: string | null = null,
): Promise<Figures> {
  let n = 0;
  const db0 = database === null ? null : backendsCpu(database);
  const cpu0 = processCpu(s.child.pid);
  const load0 = process.cpuUsage();
  try {
    const result = await autocannon({
      url: `${s.url}/forms/site`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      requests: [
        {
          setupRequest: (req) => {
            const i = n++;
            const body = new URLSearchParams({
              Name: `${LAST[i % 8]} ${FIRST[(i >> 3) % 8]}`,
              Phone: `+7 9${String(10 + (i % 90))} ${String(1_000_000 + i).slice(-7)}`,
              Email: `lead${i}@example.ru`,
              Комментарий: 'Перезвоните, пожалуйста, насчёт доставки',
              utm_source: i % 3 === 0 ? 'yandex' : 'vk',
              tranid: `${tag}:${i}`,
            }).toString();
            return { ...req, body };
          },
        },
      ],
    });
    const cpu1 = processCpu(s.child.pid);
    const load = process.cpuUsage(load0);
    // Backends the pool opened during the load count whole; one that closed during it is missed.
    const db1 = database === null ? null : backendsCpu(database);
    let dbCpu: number | null = null;
    if (db0 !== null && db1 !== null && db1.size > 0) {
      dbCpu = 0;
      for (const [pid, cpu] of db1) dbCpu += cpu - (db0.get(pid) ?? 0);
    }
    return {
      serverCpu: cpu0 === null || cpu1 === null ? null : cpu1.user + cpu1.sys - cpu0.user - cpu0.sys,
      serverSys: cpu0 === null || cpu1 === null ? null : cpu1.sys - cpu0.sys,
      dbCpu,
      loadCpu: (load.user + load.system) / 1e6,
      rate: result.requests.total / (result.duration || seconds),
      p50: result.latency.p50,
      p99: result.latency.p99,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  } finally {
    await s.stop();
  }
}

function report(label: string, f: Figures, floor: Figures | null): void {
  const ratio = floor ? `, ${((100 * f.rate) / floor.rate).toFixed(0)}% of the floor (target ≥ 25%)` : '';
  console.log(
    `${label}: ${Math.round(f.rate).toLocaleString('en-US')} submissions/s, p50 ${f.p50} ms, p99 ${f.p99} ms` +
      `${ratio}; 2xx ${f.ok.toLocaleString('en-US')}, non-2xx ${f.non2xx}, errors ${f.errors}`,
  );
  const perRequest = (cpu: number) => `${Math.round((cpu * 1e6) / Math.max(1, f.ok + f.non2xx))} µs`;
  console.log(
    `  CPU: server ${f.serverCpu === null ? 'n/a' : `${f.serverCpu.toFixed(1)} s (${perRequest(f.serverCpu)}/request, of which system ${perRequest(f.serverSys!)})`}, ` +
      `${f.dbCpu === null ? '' : `database backends ${f.dbCpu.toFixed(1)} s (${perRequest(f.dbCpu)}/request), `}` +
      `load generator ${f.loadCpu.toFixed(1)} s (${perRequest(f.loadCpu)}/request)`,
  );
  if (floor) {
    const met = f.rate >= 1_000 && f.p99 <= 100 && f.rate >= 0.25 * floor.rate;
    console.log(`  targets (≥ 1,000/s, p99 ≤ 100 ms, ≥ 25% of floor): ${met ? 'met' : 'NOT met'}`);
  }
}

const COMMIT_ROUNDS = 150;
const COMMIT_BATCH = 16;

/**
 * The group commit alone, in this process, without HTTP: batches of COMMIT_BATCH submissions
 * staged through the receiver's sink, the engine's one-statement path (appendAbsent) and the
 * general path (the same engine without it: key look-up, then the loader) taking turns, so both
 * meet the same machine. Prints each path's commit latency (p50/p99) and this process's CPU per
 * commit. Its leads are staged under a source of their own (`commits`).
 */
async function commitPaths(wh: Warehouse, engine: string): Promise<void> {
  const config = WebformSourceSchema.parse({
    connector: 'webform',
    forms: [{ name: 'commits', path: '/forms/commits', preset: 'tilda' }],
  });
  const form = config.forms[0]!;
  const general: Warehouse = {
    knex: wh.knex,
    url: wh.url,
    close: () => wh.close(),
    adapter: Object.create(wh.adapter, { appendAbsent: { value: undefined } }),
  };
  const paths = [
    { name: 'one statement', sink: warehouseSink(wh), ms: [] as number[], cpu: 0 },
    { name: 'general path', sink: warehouseSink(general), ms: [] as number[], cpu: 0 },
  ];
  let n = 0;
  const batch = () =>
    Array.from({ length: COMMIT_BATCH }, () => {
      const i = n++;
      return leadItems(
        form,
        {
          fields: [
            { label: 'Name', value: `${LAST[i % 8]} ${FIRST[(i >> 3) % 8]}` },
            { label: 'Phone', value: `+7 9${String(10 + (i % 90))} ${String(1_000_000 + i).slice(-7)}` },
            { label: 'Email', value: `commit${i}@example.ru` },
          ],
          senderId: `c:${i}`,
          submittedAt: null,
        },
        `tilda:c:${i}`,
        new Date(),
        'RU',
      );
    }).flat();
  const stream = formStream(config, 'commits');
  for (let round = 0; round < COMMIT_ROUNDS; round++)
    for (const p of round % 2 === 0 ? paths : [...paths].reverse()) {
      const items = batch();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await p.sink.stage(stream, items);
      p.ms.push(performance.now() - t0);
      const used = process.cpuUsage(cpu0);
      p.cpu += (used.user + used.system) / 1e6;
    }
  const pct = (xs: number[], q: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
  console.log(
    `  ${engine} group commit alone, ${COMMIT_ROUNDS} commits of ${COMMIT_BATCH} submissions per path, alternating:`,
  );
  for (const p of paths)
    console.log(
      `    ${p.name}: p50 ${pct(p.ms, 0.5).toFixed(1)} ms, p99 ${pct(p.ms, 0.99).toFixed(1)} ms, ` +
        `client CPU ${((p.cpu * 1e3) / COMMIT_ROUNDS).toFixed(2)} ms/commit`,
    );
}
