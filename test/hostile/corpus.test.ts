import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../pipelines/commands/import-files.js';
import { crmEtl, REPO_ROOT } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';
import { CORPUS, writeCorpus } from './corpus.js';

const targets = await engineTargets();

/**
 * The peak RSS of `crm-etl import` on any file of the corpus, with the default limits. The
 * process starts at ~100 MB (Node, knex, the engines' drivers); the hostile files measured
 * 100-175 MB here, against 4 GB and an out-of-memory crash for the 104 KB workbook before limits.
 */
const MEMORY_BOUND_MB = 300;

let dir: string;
let files: Map<string, string>;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hostile-'));
  files = writeCorpus(dir);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Each hostile file imported on each engine: exactly its expected counts (rows = loaded +
 * quarantined + duplicates), or refused with its one-line error (exit 4) — never a crash, a
 * stack trace or a partial warehouse.
 */
describe.each(targets)('the hostile corpus on $engine', (target) => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshDatabase(target);
    expect(crmEtl(['migrate', '--db', db.url]).code).toBe(0);
  });
  afterAll(async () => db?.drop());

  it.skipIf(target.unavailable).for(CORPUS.map((c) => [c.name, c] as const))(
    '%s',
    { timeout: 120_000 },
    ([name, entry]) => {
      const res = crmEtl(
        ['import', files.get(name)!, '--source', `hostile-${name}`, '--db', db.url, '--json'],
        {
          env: entry.env,
        },
      );
      if ('error' in entry.outcome) {
        expect(res.code, res.stdout + res.stderr).toBe(entry.outcome.code ?? 4);
        const lines = res.stderr.split('\n').filter((l) => l.startsWith('crm-etl:'));
        expect(lines, res.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(entry.outcome.error);
        expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
        return;
      }
      expect(res.code, res.stderr).toBe(0);
      const [summary] = res.json<{ files: FileSummary[] }>().files;
      expect(summary).toMatchObject(entry.outcome);
      expect(summary!.rows).toBe(summary!.loaded + summary!.quarantined + summary!.duplicates);
    },
  );
});

/** Peak RSS (VmHWM) of a child, sampled from /proc until it exits. */
async function peakRssMb(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ mb: number; code: number | null }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/pipelines/cli.js'), ...args], {
    env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  let peakKb = 0;
  const sample = () => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // exited between samples
    }
  };
  const timer = setInterval(sample, 10);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(timer);
  return { mb: peakKb / 1024, code };
}

describe.skipIf(process.platform !== 'linux')('memory on hostile files', () => {
  it.for([
    'lying-bomb.xlsx',
    'shared-string-bomb.xlsx',
    'line-50mb.csv',
    'cell-2mb.csv',
    'columns-10000.csv',
  ])(`%s: refused under ${MEMORY_BOUND_MB} MB`, { timeout: 120_000 }, async (name) => {
    const db = `sqlite:${path.join(dir, `${name}.db`)}`;
    const { mb, code } = await peakRssMb(['import', files.get(name)!, '--source', 'memory', '--db', db]);
    expect(code).toBe(4);
    expect(mb).toBeGreaterThan(30); // sampled at all
    expect(mb).toBeLessThan(MEMORY_BOUND_MB);
  });
});
