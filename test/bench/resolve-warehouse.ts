import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../lib/package-root.js';
import { evaluateClusters } from '../../transforms/identity/index.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { migrate } from '../../warehouse/migrate.js';
import { loadStaging } from '../../warehouse/staging/loader.js';
import { STG_CONTACT } from '../../warehouse/tables.js';
import { parseWarehouseUrl } from '../../warehouse/url.js';
import { engineTargets, freshDatabase } from '../support/engines.js';
import { generateWarehouseContacts } from './resolve-warehouse-contacts.js';
import { benchResolveWarehouseLinks } from './resolve-warehouse-links.js';

/**
 * `npm run bench -- resolve-warehouse [n] [engines|core]` (default 100,000; sqlite,postgres): n CRM-like contacts (seeded, see
 * resolve-warehouse-contacts.ts) staged into PostgreSQL and SQLite, then `crm-etl resolve` run as
 * a user runs it, in its own process: a full run, then one after 1% new records. Prints each
 * run's time, its phases, peak RSS and accuracy against the known people, and the floor measured
 * in the same run — the engine's own client reading the staged rows once — with the ratio to it.
 * Targets (issue #19, at 1,000,000): full ≤ 60 s, incremental ≤ 5% of full, peak RSS ≤ 4 GB.
 */
const CLI = path.join(packageRoot(), 'dist/pipelines/cli.js');
const CONTACT_COLUMNS =
  'source, source_key, first_name, last_name, middle_name, full_name, email, phone, company, tax_id, personal_id, birth_date, street, house, city, postcode, region, updated_at, loaded_at';

interface CliRun {
  seconds: number;
  peakRssMb: number | null;
  /** CPU of the crm-etl process, as last sampled (≤ 0.1 s before it ended): on a shared machine, wall time says more about the neighbours. */
  cpuSeconds: number | null;
  phases: string[];
  summary: {
    mode: string;
    records: number;
    readRecords: number;
    changedRecords: number;
    customers: number;
    keys: string;
    candidatePairs: number;
    uncoveredRecords: number;
    blocking: Array<{ rule: string; pairs: number; skippedBlocks: number; skippedRecords: number }>;
    seconds: Record<string, number>;
  };
}

/** `crm-etl resolve` in its own process, with --progress so its phases can be read back. */
async function resolveWithCli(url: string): Promise<CliRun> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, '--db', url, '--json', 'resolve', '--progress'], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let peakKb: number | null = null;
  let ticks: number | null = null;
  const timer = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakKb = Math.max(peakKb ?? 0, Number(hwm[1]));
      // utime and stime: fields 14 and 15, counted after the parenthesized command name.
      const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks = Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone, or no /proc
    }
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`crm-etl resolve exited with ${code}: ${stderr.slice(-2000)}`);
  return {
    seconds,
    peakRssMb: peakKb === null ? null : peakKb / 1024,
    cpuSeconds: ticks === null ? null : ticks / 100, // Linux USER_HZ
    phases: stderr
      .split('\n')
      .filter((l) => l.startsWith('resolve: '))
      .map((l) => l.replace(/^resolve: /, '').replace(/ \(.*\)$/, '')),
    summary: JSON.parse(stdout) as CliRun['summary'],
  };
}

/** The engine's own client reading every staged contact once, in key order: the floor. */
function readFloor(engine: string, url: string): number {
  const sql = `SELECT ${CONTACT_COLUMNS} FROM stg_contact ORDER BY source, source_key`;
  const started = process.hrtime.bigint();
  if (engine === 'postgres') {
    const u = parseWarehouseUrl(url);
    execFileSync(
      'psql',
      [
        '-q',
        '-h',
        u.host!,
        '-p',
        String(u.port),
        '-U',
        u.user ?? 'postgres',
        '-d',
        u.database!,
        '-c',
        `\\copy (${sql}) TO '/dev/null'`,
      ],
      { stdio: 'inherit' },
    );
  } else {
    execFileSync('sqlite3', [parseWarehouseUrl(url).file!, sql], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function benchResolveWarehouse(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 100_000);
  // `core` instead of engines: resolved in this process, with where precision goes.
  if (args[1] === 'core') return benchResolveWarehouseLinks(n);
  // Optional: the engines to run, e.g. `postgres` or `sqlite,postgres` (default both).
  const engines = (args[1] ?? 'sqlite,postgres').split(',');
  const extra = Math.round(n / 100);
  let t = performance.now();
  const data = generateWarehouseContacts(n + extra);
  console.log(
    `generated ${n + extra} contacts (${n} + ${extra} later) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const truthKey = (row: Record<string, unknown>) => `${String(row.source)}\u0000${String(row.source_key)}`;
  const truth = new Map<string, number>();
  data.rows.forEach((r, i) => truth.set(truthKey(r), data.entity[i]!));

  for (const target of (await engineTargets()).filter((x) => engines.includes(x.engine))) {
    if (target.unavailable) {
      console.log(`${target.engine}: skipped (${target.unavailable})`);
      continue;
    }
    const db = await freshDatabase(target);
    const wh = await openWarehouse(db.url);
    try {
      await migrate(wh);
      t = performance.now();
      for (let i = 0; i < n; i += 50_000)
        await loadStaging(wh, STG_CONTACT, data.rows.slice(i, Math.min(n, i + 50_000)));
      console.log(
        `${target.engine}: staged ${n} contacts in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      const floor = readFloor(target.engine, db.url);

      const accuracy = async () => {
        const links = (await wh
          .knex('customer_crosswalk')
          .select('source', 'source_key', 'customer_id')) as Array<Record<string, unknown>>;
        const t2 = new Map<number, number>();
        const p2 = new Map<number, number>();
        links.forEach((l, i) => {
          const e = truth.get(truthKey(l));
          if (e === undefined) return;
          t2.set(i, e);
          p2.set(i, Number(l.customer_id));
        });
        const e = evaluateClusters(t2, p2);
        return `precision ${e.precision.toFixed(4)}, recall ${e.recall.toFixed(4)}, F1 ${e.f1.toFixed(4)}`;
      };
      const report = (label: string, run: CliRun, base: number, baseName: string) => {
        console.log(
          `${target.engine.padEnd(8)} ${label}: ${run.seconds.toFixed(1)} s (CPU ${run.cpuSeconds === null ? 'n/a' : `${run.cpuSeconds.toFixed(1)} s`}; ${run.summary.changedRecords} of ${run.summary.records} records compared, ${run.summary.readRecords} read, keys of ${run.summary.keys} stored, ` +
            `${run.summary.customers} customers), peak RSS ${run.peakRssMb === null ? 'n/a' : `${run.peakRssMb.toFixed(0)} MB`}, ` +
            `${(run.seconds / base).toFixed(2)}x ${baseName}`,
        );
        console.log(`           phases: ${run.phases.join(' · ')}`);
        console.log(
          `           seconds: ${Object.entries(run.summary.seconds)
            .map(([k, v]) => `${k} ${v}`)
            .join(' · ')}`,
        );
        console.log(
          `           ${run.summary.candidatePairs} candidate pairs, ${run.summary.uncoveredRecords} records uncovered; per rule (pairs/skipped blocks): ` +
            run.summary.blocking
              .filter((b) => b.pairs > 0 || b.skippedBlocks > 0)
              .map((b) => `${b.rule} ${b.pairs}/${b.skippedBlocks}`)
              .join(' · '),
        );
      };

      console.log(
        `${target.engine.padEnd(8)} floor: the engine's client reads the ${n} staged contacts once in ${floor.toFixed(1)} s`,
      );
      const full = await resolveWithCli(db.url);
      report('full resolve', full, floor, 'the floor');
      console.log(`           ${await accuracy()}`);

      await loadStaging(wh, STG_CONTACT, data.rows.slice(n));
      const incremental = await resolveWithCli(db.url);
      report(`incremental after ${extra} new`, incremental, full.seconds, 'the full run');
      console.log(`           ${await accuracy()}`);
      const rss = Math.max(full.peakRssMb ?? 0, incremental.peakRssMb ?? 0);
      console.log(
        `           targets (at 1,000,000): full ≤ 60 s, incremental ≤ 5% of full (here ${((incremental.seconds / full.seconds) * 100).toFixed(0)}%), ` +
          `peak RSS ≤ 4096 MB (here ${rss.toFixed(0)} MB)`,
      );
    } finally {
      await wh.close();
      await db.drop();
    }
  }
}
