import type { Warehouse } from '../../warehouse/connection.js';
import { buildMarts } from '../../warehouse/marts/index.js';
import { engineTargets, migratedWarehouse } from '../support/engines.js';
import { buildCpuClock, cpuRatio } from './marts-cpu.js';
import { lowerFloor, measureFloor } from './marts-floor.js';
import {
  dropRefreshFloor,
  lowerRefreshFloor,
  measureRefreshFloor,
  prepareRefreshFloor,
} from './marts-refresh-floor.js';
import { benchNightTalks, seedBenchTalks } from './marts-talks.js';
import { peakRss, rate, timed } from './measure.js';

/**
 * `npm run bench -- marts [customers] [engines]`: seeds N customers (default 100,000; `1M`, `250k`
 * accepted), 10·N orders and the customers' records and interactions (~1.4 each: marts-talks.ts)
 * inside the engine (numbers from a cross join of a digits table: the same SQL on every engine,
 * deterministic, nothing passes through Node), then times a full
 * buildMarts per step against the engine's own floor, measured in the same database (floor.ts).
 * engines: comma-separated, default postgres,sqlite,mysql.
 * CRM_BENCH_PROFILE=1 also prints the slowest SQL statements of each build;
 * CRM_BENCH_KEEP=1 keeps the seeded warehouse and prints its URL (to time `crm-etl marts` on it).
 */
const AS_OF = '2025-12-31';
const NEXT_DAY = '2026-01-01';
const DAYS = 1095; // 2023-01-01 … 2025-12-31
const ORDER_SLICE = 1_000_000;

/** SELECT of n = 0 … count−1 from `digits` cross joined with itself. */
function numbers(count: number): string {
  const width = Math.max(1, Math.ceil(Math.log10(count)));
  const from = Array.from({ length: width }, (_, i) => `bench_digit d${i}`).join(' CROSS JOIN ');
  const n = Array.from({ length: width }, (_, i) => `d${i}.d * ${10 ** i}`).join(' + ');
  return `SELECT n FROM (SELECT ${n} AS n FROM ${from}) numbers WHERE n < ${count}`;
}

/**
 * The bench's warehouse: N customers and 10·N orders, and with `talks` their records and
 * interactions (marts-talks.ts).
 */
export async function seedBench(wh: Warehouse, customers: number, { talks = false } = {}): Promise<void> {
  const { knex, adapter } = wh;
  // bigint: n·7919 overflows PostgreSQL's integer beyond 270,000 orders.
  await knex.schema.createTable('bench_digit', (t) => t.bigInteger('d').primary());
  await knex('bench_digit').insert(Array.from({ length: 10 }, (_, d) => ({ d })));
  await knex.schema.createTable('bench_day', (t) => {
    t.integer('k').primary();
    t.date('day');
  });
  const days = Array.from({ length: DAYS }, (_, k) => ({
    k,
    day: new Date(Date.UTC(2023, 0, 1 + k)).toISOString().slice(0, 10),
  }));
  for (let i = 0; i < days.length; i += 200) await knex('bench_day').insert(days.slice(i, i + 200));
  const pick = (expr: string, values: string[]) =>
    `CASE ${values.map((v, i) => `WHEN ${expr} = ${i} THEN '${v}'`).join(' ')} END`;
  await knex.raw(`INSERT INTO dim_customer (customer_id, full_name, email, region, owner, first_seen, last_seen, record_count)
    SELECT n + 1, CONCAT('Customer ', n), CONCAT('c', n, '@example.com'),
      ${pick('n % 7', ['Moscow', 'St Petersburg', 'Kazan', 'Novosibirsk', 'Samara', 'Omsk', 'Perm'])},
      ${pick('n % 5', ['Petrova A.', 'Grigoriev K.', 'Yusupova D.', 'Smirnov P.', 'Orlova E.'])},
      ${adapter.now()}, ${adapter.now()}, 1
    FROM (${numbers(customers)}) s`);
  await knex.raw(`INSERT INTO customer_crosswalk (source, source_key, customer_id, match_rule, match_score, linked_at)
    SELECT 'bench', CONCAT('c', customer_id - 1), customer_id, 'none', 1, ${adapter.now()} FROM dim_customer`);
  // Order n belongs to customer c: odd orders go to the first tenth of the customers, so buying
  // rates differ tenfold; each order falls in its customer's own active window (start and length
  // vary), so customers arrive and drop out over the three years as BG/NBD expects.
  // In slices of at most ORDER_SLICE orders, each its own statement: one INSERT of ten million
  // rows holds them all in one transaction's undo log, which InnoDB pages out of its pool.
  const orders = customers * 10;
  for (let from = 0; from < orders; from += ORDER_SLICE) {
    await knex.raw(`INSERT INTO stg_order (source, source_key, customer_source_key, order_date, amount, cost, channel, status, currency)
    SELECT 'bench', CONCAT('o', n), CONCAT('c', c), d.day,
      (n * 37) % 20000 * 0.01 + 5, (n * 37) % 20000 * 0.006 + 3,
      ${pick('n % 4', ['web', 'fair', 'ads', 'referral'])},
      CASE WHEN n % 20 = 0 THEN 'cancelled' ELSE 'completed' END, 'RUB'
    FROM (SELECT n, CASE WHEN n % 2 = 0 THEN ((n * 7919) % ${customers} + n % 3) % ${customers} ELSE (n * 7919) % ${Math.max(1, Math.floor(customers / 10))} END AS c
          FROM (SELECT ${from} + n AS n FROM (${numbers(Math.min(ORDER_SLICE, orders - from))}) s) slice) o
    JOIN bench_day d ON d.k = (c * 13) % 800 + (n * 31) % (30 + (c * 17) % 265)`);
  }
  const spend = [];
  for (let m = 0; m < 36; m++) {
    for (const channel of ['web', 'fair', 'ads']) {
      const start = new Date(Date.UTC(2023, m, 1)).toISOString().slice(0, 10);
      spend.push({
        source: 'bench',
        source_key: `${channel}-${m}`,
        channel,
        period_start: start,
        amount: 100_000 + ((m * 7919) % 50_000),
      });
    }
  }
  await knex('stg_spend').insert(spend);
  if (talks) await seedBenchTalks(wh, customers, numbers);
  await knex.schema.dropTable('bench_digit');
  await knex.schema.dropTable('bench_day');
}

export async function benchMarts(args: string[]): Promise<void> {
  const customers = parseSize(args[0] ?? '100k');
  const wanted = (args[1] ?? 'postgres,sqlite,mysql').split(',');
  console.log(
    `seeding ${customers.toLocaleString('en-US')} customers, ${(customers * 10).toLocaleString('en-US')} orders and their records and interactions (~1.4 per customer) in each engine`,
  );
  for (const target of await engineTargets()) {
    if (!wanted.includes(target.engine) || target.unavailable) continue;
    const t = await migratedWarehouse(target);
    let keep = false;
    const restoreSizes = await mysqlServerSizes(t.wh);
    try {
      const seeded = await timed(() => seedBench(t.wh, customers, { talks: true }));
      console.log(`${target.engine}: seeded in ${seeded.seconds.toFixed(1)} s${await engineNote(t.wh)}`);
      await buildMarts(t.wh, { asOf: AS_OF }); // live marts exist, so the timed build swaps as every night
      const before = await measureFloor(t.wh);
      const profile = process.env.CRM_BENCH_PROFILE === '1' ? profileStatements(t.wh) : null;
      const mem = peakRss();
      const clock = buildCpuClock(t.wh);
      const cpu = new Map<string, number>();
      let mark = await clock.read();
      const start = mark;
      const built = await timed(() =>
        buildMarts(t.wh, {
          asOf: AS_OF,
          full: true,
          onProgress: async ({ phase, step }) => {
            if (phase === 'swap') return; // one event per table inside the swap step
            const now = await clock.read();
            cpu.set(step, (cpu.get(step) ?? 0) + now - mark);
            mark = now;
          },
        }),
      );
      const cpuTotal = (await clock.read()) - start;
      const rss = mem.stop();
      profile?.stop();
      const after = await measureFloor(t.wh);
      const floor = lowerFloor(before, after);
      const total = floor.facts + floor.customers;
      const ratio = (seconds: number) => `${(seconds / total).toFixed(2).padStart(6)}×`;
      console.log(
        `  floor: order facts ${floor.facts.toFixed(2)} s + customer pass ${floor.customers.toFixed(2)} s = ${total.toFixed(2)} s` +
          ` (runs: ${(before.facts + before.customers).toFixed(2)} s before, ${(after.facts + after.customers).toFixed(2)} s after the build);` +
          ` ${clock.label} ${floor.cpu.toFixed(2)} s`,
      );
      console.log(
        `  ${'step'.padEnd(28)} ${'seconds'.padStart(10)} ${'rows'.padStart(17)}  ×floor  ${clock.label} (×floor)`,
      );
      for (const step of built.value.steps) {
        const rows =
          step.rows > 0 ? `${step.rows.toLocaleString('en-US').padStart(12)} rows` : ''.padStart(17);
        console.log(
          `  ${step.name.padEnd(28)} ${step.seconds.toFixed(2).padStart(8)} s ${rows} ${ratio(step.seconds)}  ${(cpu.get(step.name) ?? 0).toFixed(2).padStart(6)} s ${cpuRatio(clock, cpu.get(step.name) ?? 0, floor.cpu).padStart(7)}`,
        );
      }
      console.log(
        `  ${'total'.padEnd(28)} ${built.seconds.toFixed(2).padStart(8)} s ${''.padStart(17)} ${ratio(built.seconds)}` +
          `  ${cpuTotal.toFixed(2).padStart(6)} s = ${cpuRatio(clock, cpuTotal, floor.cpu)} the floor's CPU  (${rate(customers * 10, built.seconds)} of orders, peak RSS ${rss.toFixed(0)} MB)`,
      );
      // mart_customer_clv fits BG/NBD and Gamma–Gamma and predicts every customer in Node: work
      // beyond the engine's floor by nature, so the rest is also shown on its own.
      const clvStep = built.value.steps.find((st) => st.name === 'mart_customer_clv')?.seconds ?? 0;
      console.log(
        `  ${'total without CLV step'.padEnd(28)} ${(built.seconds - clvStep).toFixed(2).padStart(8)} s ${''.padStart(17)} ${ratio(built.seconds - clvStep)}`,
      );
      const bg = built.value.clv.bgNbd;
      if (bg) {
        const fit = `r=${bg.r.toFixed(3)} α=${bg.alpha.toFixed(3)} a=${bg.a.toFixed(3)} b=${bg.b.toFixed(3)}`;
        console.log(
          `  BG/NBD fitted on ${bg.customers.toLocaleString('en-US')} of ${built.value.clv.customers.toLocaleString('en-US')} customers: ${fit}`,
        );
      }
      for (const note of built.value.notes) console.log(`  note: ${note}`);
      profile?.print(15);
      await benchRefresh(t.wh, customers, built.seconds);
      keep = process.env.CRM_BENCH_KEEP === '1';
      if (keep) console.log(`  kept: ${t.url}`);
    } finally {
      await restoreSizes?.();
      if (keep) await t.wh.close();
      else await t.drop();
    }
  }
}

/**
 * The nightly refresh after the full build: 1 % new orders (one for every tenth customer), 0.5 %
 * changed customers (one order amended, the golden record and the record's manager rewritten, as
 * a re-import and resolve do) and a web lead with its reply for 1 % of the customers, timed per step as a
 * share of the full build and as a ratio to the refresh's own floor (marts-refresh-floor.ts:
 * the affected customers' facts and their grouped pass, and one pass over the per-customer table,
 * measured in the same database before and after the refresh, the lower kept); then the next
 * night: as many new orders again and the as-of day one day later, which moves every customer's
 * recency and CLV horizon.
 */
async function benchRefresh(wh: Warehouse, customers: number, fullSeconds: number): Promise<void> {
  const { knex, adapter } = wh;
  /** The night's changes; returns which staged orders it touched (a condition on alias o). */
  const night = async (tag: string, day: string): Promise<string> => {
    // One new order for every tenth customer: 1 % of the orders, a tenth of the customers buying.
    await knex.raw(`INSERT INTO stg_order (source, source_key, customer_source_key, order_date, amount, cost, channel, status, currency)
      SELECT 'bench', CONCAT('${tag}-', customer_id), CONCAT('c', customer_id - 1), '${day}', customer_id % 300 + 10, 5, 'web', 'completed', 'RUB'
      FROM dim_customer WHERE customer_id % 10 = ${tag === 'n1' ? 1 : 2}`);
    const every = 200; // 0.5 %
    // The amended orders' keys are read first and the orders updated by key: MariaDB runs an
    // UPDATE … WHERE source_key IN (SELECT …) as a scan of every order probing the subquery (at
    // 100k customers, six minutes before each night).
    const keys = adapter
      .rows(
        await knex.raw(
          `SELECT CONCAT('o', customer_id * 10) AS k FROM dim_customer WHERE customer_id % ${every} = 3`,
        ),
      )
      .map((r) => String(r.k));
    for (let i = 0; i < keys.length; i += 1000) {
      await knex('stg_order')
        .where('source', 'bench')
        .whereIn('source_key', keys.slice(i, i + 1000))
        .update({ amount: knex.raw('amount + 3'), updated_at: knex.raw(adapter.now()) });
    }
    await knex.raw(
      `UPDATE dim_customer SET region = 'Tver', updated_at = ${adapter.now()} WHERE customer_id % ${every} = 3`,
    );
    await benchNightTalks(wh, customers, tag, tag === 'n1' ? 1 : 2, day);
    // The amended keys as constants: MariaDB ran the IN (SELECT …) beside the OR as a subquery
    // probed for each of 10M orders (the floor's preparation still running after 9 minutes).
    const amended = keys.length > 0 ? ` OR o.source_key IN (${keys.map((k) => `'${k}'`).join(', ')})` : '';
    return `(o.source_key LIKE '${tag}-%'${amended})`;
  };
  const run = async (label: string, asOf: string, orders: string) => {
    await prepareRefreshFloor(wh, orders);
    const before = await measureRefreshFloor(wh);
    const profile = process.env.CRM_BENCH_PROFILE === '1' ? profileStatements(wh) : null;
    const mem = peakRss();
    const cpu = process.cpuUsage();
    const clock = buildCpuClock(wh);
    const start = await clock.read();
    const r = await timed(() => buildMarts(wh, { asOf }));
    const cpuTotal = (await clock.read()) - start;
    const used = process.cpuUsage(cpu);
    const rss = mem.stop();
    profile?.stop();
    const floor = lowerRefreshFloor(before, await measureRefreshFloor(wh));
    await dropRefreshFloor(wh);
    const floorTotal = floor.facts + floor.customers + floor.pass;
    const c = r.value.changes;
    const pct = (seconds: number) =>
      `${((100 * seconds) / fullSeconds).toFixed(1).padStart(6)} %  ${(seconds / floorTotal).toFixed(2).padStart(6)}×`;
    console.log(
      `  ${label}: ${r.value.mode} (${r.value.reason}); ${c?.newOrders ?? 0} new and ${c?.changedOrders ?? 0} changed orders, ` +
        `${c?.changedCustomers ?? 0} changed customers, ${c?.affectedCustomers ?? 0} of ${customers.toLocaleString('en-US')} customers affected; ` +
        `CLV ${r.value.clvFit.refitted ? 'refitted' : 'kept'} (${r.value.clvFit.reason})`,
    );
    console.log(
      `  refresh floor (${floor.affected.toLocaleString('en-US')} customers): their order facts ${floor.facts.toFixed(2)} s + their customer pass ${floor.customers.toFixed(2)} s` +
        ` + a pass over every customer ${floor.pass.toFixed(2)} s = ${floorTotal.toFixed(2)} s` +
        ` (runs: ${(before.facts + before.customers + before.pass).toFixed(2)} s before the refresh); ${clock.label} ${floor.cpu.toFixed(2)} s`,
    );
    console.log(`  ${'step'.padEnd(32)} ${'seconds'.padStart(10)}  of full  ×refresh floor`);
    for (const step of r.value.steps)
      console.log(`  ${step.name.padEnd(32)} ${step.seconds.toFixed(2).padStart(8)} s ${pct(step.seconds)}`);
    console.log(
      `  ${'total'.padEnd(32)} ${r.seconds.toFixed(2).padStart(8)} s ${pct(r.seconds)}  (target ≤ 10 % of full; ${clock.label} ${cpuTotal.toFixed(2)} s = ${cpuRatio(clock, cpuTotal, floor.cpu)} the refresh floor's;` +
        ` Node CPU ${((used.user + used.system) / 1e6).toFixed(2)} s, peak RSS ${rss.toFixed(0)} MB)`,
    );
    profile?.print(12);
  };
  // SQLite and MySQL compare stamps with milliseconds: the changes land after the build's marks.
  await new Promise((r) => setTimeout(r, 50));
  const first = await night('n1', '2025-12-30');
  await run('refresh after 1 % new orders and 0.5 % changed customers', AS_OF, first);
  await new Promise((r) => setTimeout(r, 50));
  const second = await night('n2', NEXT_DAY);
  await run('next night, the as-of day one day later', NEXT_DAY, second);
}

/** '100000', '100k', '1M' → a whole number of customers ≥ 10. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const n = m ? Number(m[1]) * (m[2] ? (m[2].toLowerCase() === 'k' ? 1e3 : 1e6) : 1) : NaN;
  if (!Number.isInteger(n) || n < 10)
    throw new Error(`customers must be a whole number ≥ 10 (e.g. 100k, 1M), not '${text}'`);
  return n;
}

/**
 * MariaDB reads its tables through its own buffer pool only (O_DIRECT: the OS does not cache them),
 * so at the server's default 128 MB every pass over ten million orders, and every random insert
 * into their indexes, goes to the disk again (seeding them took 35 min); and its default 96 MB redo
 * log makes every bulk statement wait for pages flushed to make room. On MySQL/MariaDB the bench
 * raises both (dynamic since MariaDB 10.2 and 10.9) for its run — innodb_buffer_pool_size to
 * CRM_BENCH_MYSQL_POOL_MB (default 4096), innodb_log_file_size to CRM_BENCH_MYSQL_LOG_MB (default
 * 1024); 0 leaves the server's own — prints them, and returns what puts the old values back: CI
 * runs on this server as the bench leaves it. The sizes the build ran with are printed after
 * seeding either way.
 */
async function mysqlServerSizes(wh: Warehouse): Promise<(() => Promise<void>) | null> {
  if (wh.adapter.name !== 'mysql') return null;
  const wanted = [
    { name: 'innodb_buffer_pool_size', env: 'CRM_BENCH_MYSQL_POOL_MB', mb: 4096 },
    { name: 'innodb_log_file_size', env: 'CRM_BENCH_MYSQL_LOG_MB', mb: 1024 },
  ];
  const size = async (name: string) =>
    Number(wh.adapter.rows(await wh.knex.raw(`SELECT @@${name} AS b`))[0]?.b);
  const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
  const restore: Array<{ name: string; bytes: number }> = [];
  for (const w of wanted) {
    const text = process.env[w.env];
    const value = text === undefined ? w.mb : Number(text);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${w.env} must be a whole number of MB (0: the server's own), not '${text}'`);
    const old = await size(w.name);
    if (value === 0 || value * 2 ** 20 <= old) continue;
    // The buffer pool is resized in the background; the bench's first statements may wait for it.
    await wh.knex.raw(`SET GLOBAL ${w.name} = ${value * 2 ** 20}`);
    restore.push({ name: w.name, bytes: old });
    console.log(
      `mysql: ${w.name} set to ${mb(await size(w.name))} for the bench (was ${mb(old)}; put back at the end)`,
    );
  }
  if (restore.length === 0) return null;
  return async () => {
    for (const r of restore) {
      await wh.knex.raw(`SET GLOBAL ${r.name} = ${r.bytes}`);
      console.log(`mysql: ${r.name} put back to ${mb(await size(r.name))}`);
    }
  };
}

/** What bounds the engine's speed, for the printout: MariaDB's buffer pool, PostgreSQL's shared buffers. */
async function engineNote(wh: Warehouse): Promise<string> {
  const sql = {
    mysql: 'SELECT VERSION() AS v, @@innodb_buffer_pool_size AS b, @@innodb_log_file_size AS l',
    postgres: "SELECT version() AS v, current_setting('shared_buffers') AS b",
    sqlite: 'SELECT sqlite_version() AS v, NULL AS b',
  }[wh.adapter.name];
  const [row] = wh.adapter.rows(await wh.knex.raw(sql));
  const version = String(row?.v ?? '').split(' on ')[0];
  if (wh.adapter.name === 'mysql')
    return ` (${version}, innodb_buffer_pool_size ${Math.round(Number(row?.b) / 2 ** 20)} MB, innodb_log_file_size ${Math.round(Number(row?.l) / 2 ** 20)} MB)`;
  if (wh.adapter.name === 'postgres') return ` (${version}, shared_buffers ${String(row?.b)})`;
  return ` (SQLite ${version})`;
}

/**
 * CRM_BENCH_PROFILE=1: times every statement of the build (knex query / query-response events)
 * and prints the slowest (CRM_BENCH_PROFILE_TOP=n: the n slowest), to see which SQL a step's time goes to.
 */
function profileStatements(wh: Warehouse): { stop(): void; print(top: number): void } {
  let recording = true;
  const started = new Map<string, number>();
  const done: Array<{ seconds: number; sql: string }> = [];
  type Query = { __knexQueryUid: string; sql: string };
  wh.knex.on('query', (q: Query) => {
    if (recording) started.set(q.__knexQueryUid, performance.now());
  });
  wh.knex.on('query-response', (_res: unknown, q: Query) => {
    const at = started.get(q.__knexQueryUid);
    // Once only: schema statements may share a uid, and a later one outside the recording (the
    // floors' DROP TABLEs) was timed from an earlier one's start.
    started.delete(q.__knexQueryUid);
    if (at !== undefined) done.push({ seconds: (performance.now() - at) / 1000, sql: q.sql });
  });
  return {
    stop() {
      recording = false;
    },
    print(shown) {
      // CRM_BENCH_PROFILE_TOP=n shows more (or fewer) of the slowest statements.
      const top = Number(process.env.CRM_BENCH_PROFILE_TOP ?? shown) || shown;
      // Statements that differ only in their values (pages of CLV rows) are summed as one.
      const byText = new Map<string, { seconds: number; count: number }>();
      for (const d of done) {
        const text = d.sql.replace(/\s+/g, ' ').trim().slice(0, 150);
        const sum = byText.get(text) ?? { seconds: 0, count: 0 };
        sum.seconds += d.seconds;
        sum.count += 1;
        byText.set(text, sum);
      }
      const total = done.reduce((sum, d) => sum + d.seconds, 0);
      console.log(`  slowest statements (all ${done.length} statements: ${total.toFixed(2)} s):`);
      for (const [text, d] of [...byText].sort((a, b) => b[1].seconds - a[1].seconds).slice(0, top)) {
        const times = d.count > 1 ? ` ×${d.count}` : '';
        console.log(`  ${d.seconds.toFixed(2).padStart(8)} s${times.padEnd(6)} ${text}`);
      }
      // By kind of statement (its first words): the many small ones a refresh pays per scratch
      // table (CREATE, index, ANALYZE, DROP, catalog reads) show here, not among the slowest.
      const byKind = new Map<string, { seconds: number; count: number }>();
      for (const d of done) {
        const kind = statementKind(d.sql);
        const sum = byKind.get(kind) ?? { seconds: 0, count: 0 };
        sum.seconds += d.seconds;
        sum.count += 1;
        byKind.set(kind, sum);
      }
      console.log(
        `  by kind: ${[...byKind]
          .sort((a, b) => b[1].seconds - a[1].seconds)
          .map(([kind, d]) => `${kind} ${d.count} (${d.seconds.toFixed(2)} s)`)
          .join(', ')}`,
      );
    },
  };
}

/** A statement's kind for the profile: its verb, and the object for DDL ('create index', 'select'…). */
function statementKind(sql: string): string {
  const words = sql.replace(/\s+/g, ' ').trim().toLowerCase().split(' ');
  const [verb = '', second = '', third = ''] = words;
  if (verb === 'create' || verb === 'drop' || verb === 'alter') {
    const object = second === 'unique' || second === 'temporary' ? third : second;
    return `${verb} ${object}`;
  }
  if (verb === 'select' && /information_schema|pg_catalog|pg_class|sqlite_master|pragma/i.test(sql))
    return 'catalog read';
  return verb;
}
