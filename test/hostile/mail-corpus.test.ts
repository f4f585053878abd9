import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../pipelines/commands/import-files.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl, REPO_ROOT } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';
import { MAILBOX, writeHostileMbox } from './mail-corpus.js';

const targets = await engineTargets();

/**
 * Peak RSS of `crm-etl import` of the hostile mbox (28 MB) with the default limits: a letter is
 * held to its first 4 MB and postal-mime stops at the first limit, so the mailbox costs about
 * what one letter does (measured 150-200 MB here, ~100 MB of it Node, knex and the drivers).
 */
const MEMORY_BOUND_MB = 300;

let dir: string;
let mboxFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hostile-mail-'));
  mboxFile = path.join(dir, 'hostile.mbox');
  writeHostileMbox(mboxFile);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const loaded = MAILBOX.filter((m) => m.outcome === 'loaded');
const quarantined = MAILBOX.filter((m) => m.outcome === 'quarantined');

describe.each(targets)('the hostile mailbox on $engine', (target) => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshDatabase(target);
    expect(crmEtl(['migrate', '--db', db.url]).code).toBe(0);
  });
  afterAll(async () => db?.drop());

  it.skipIf(target.unavailable)(
    'loads the good and the cut letters, quarantines each one over a limit naming it, and goes on',
    { timeout: 180_000 },
    async () => {
      const res = crmEtl(['import', mboxFile, '--source', 'hostile-mail', '--db', db.url, '--json']);
      expect(res.code, res.stderr).toBe(0);
      const [s] = res.json<{ files: FileSummary[] }>().files;
      expect(s).toMatchObject({
        stream: 'interaction',
        rows: MAILBOX.length,
        loaded: loaded.length,
        skipped: 0,
        quarantined: quarantined.length,
        duplicates: 0,
        withWarnings: 1, // the letter read only to its head
      });
      expect(s!.rows).toBe(s!.loaded + s!.skipped + s!.quarantined + s!.duplicates);

      const wh = await openWarehouse(db.url);
      try {
        const staged = wh.adapter.rows(
          await wh.knex.raw(
            `SELECT source_key, attributes FROM stg_interaction WHERE source = 'hostile-mail' ORDER BY occurred_at, source_key`,
          ),
        ) as { source_key: string; attributes: string | null }[];
        expect(staged.map((r) => r.source_key).sort()).toEqual(loaded.map((m) => `${m.id}@client.ru`).sort());
        const big = staged.find((r) => r.source_key === 'big@client.ru')!;
        expect(
          typeof big.attributes === 'string' ? JSON.parse(big.attributes) : big.attributes,
        ).toMatchObject({ truncated: 'true' });

        const rejects = wh.adapter.rows(
          await wh.knex.raw(
            `SELECT file, reason FROM stg_quarantine WHERE source = 'hostile-mail' ORDER BY id`,
          ),
        );
        expect(rejects).toHaveLength(quarantined.length);
        rejects.forEach((r, i) => {
          const expected = quarantined[i]!;
          expect(r.file).toBe(`${mboxFile}#${MAILBOX.indexOf(expected) + 1}`);
          expect(r.reason).toMatch(expected.reason);
          expect(r.reason).not.toContain('\n');
        });
        expect(rejects[0]!.reason).toBe(
          'message is over the limit of 20 levels for MIME nesting in one letter (set CRM_ETL_MAX_MIME_DEPTH higher to load it)',
        );
      } finally {
        await wh.close();
      }
    },
  );
});

describe('the mail limits are configurable', () => {
  it.skipIf(targets[0]!.unavailable)(
    'raised, the deep, many-part and long-header letters load; a limit that is no number is one line',
    { timeout: 180_000 },
    async () => {
      const db = `sqlite:${path.join(dir, 'raised.db')}`;
      expect(crmEtl(['migrate', '--db', db]).code).toBe(0);
      const res = crmEtl(['import', mboxFile, '--source', 'raised', '--db', db, '--json'], {
        // 10,000 parts cost postal-mime's header count at least 64 bytes a line: 1.3 MB of headers.
        env: {
          CRM_ETL_MAX_MIME_DEPTH: '2000',
          CRM_ETL_MAX_MIME_PARTS: '20000',
          CRM_ETL_MAX_MAIL_HEADER_KB: '3000',
        },
      });
      expect(res.code, res.stderr).toBe(0);
      expect(res.json<{ files: FileSummary[] }>().files[0]).toMatchObject({
        loaded: loaded.length + 3,
        quarantined: 1,
      });
      const wh = await openWarehouse(db);
      try {
        const rejects = wh.adapter.rows(
          await wh.knex.raw(`SELECT reason FROM stg_quarantine WHERE source = 'raised'`),
        ) as { reason: string }[];
        expect(rejects).toHaveLength(1);
        // The garbage's NULs are made storable in its raw headers, and the reason says so.
        expect(rejects[0]!.reason).toMatch(/^message has no sender or recipient address that can be read/);
      } finally {
        await wh.close();
      }
      const bad = crmEtl(['import', mboxFile, '--source', 'bad', '--db', db], {
        env: { CRM_ETL_MAX_MIME_PARTS: 'many' },
      });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/CRM_ETL_MAX_MIME_PARTS="many" is not a positive number/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    },
  );
});

/** Peak RSS (VmHWM) of a child, sampled from /proc until it exits. */
async function peakRssMb(args: string[]): Promise<{ mb: number; code: number | null }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/pipelines/cli.js'), ...args], {
    env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'warn' },
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

describe.skipIf(process.platform !== 'linux')('memory on the hostile mailbox', () => {
  it(`imports it under ${MEMORY_BOUND_MB} MB`, { timeout: 180_000 }, async () => {
    const db = `sqlite:${path.join(dir, 'memory.db')}`;
    expect(crmEtl(['migrate', '--db', db]).code).toBe(0);
    const { mb, code } = await peakRssMb(['import', mboxFile, '--source', 'memory', '--db', db]);
    console.log(`hostile mailbox: peak RSS ${mb.toFixed(0)} MB`);
    expect(code).toBe(0);
    expect(mb).toBeGreaterThan(30); // sampled at all
    expect(mb).toBeLessThan(MEMORY_BOUND_MB);
  });
});
