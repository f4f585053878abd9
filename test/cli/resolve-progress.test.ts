import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeContactsCsv } from '../pipelines/support/fixtures.js';
import { crmEtl, REPO_ROOT } from '../support/cli.js';

const PHASES = [
  'read',
  'prepare',
  'blocking',
  'compare',
  'train',
  'score',
  'cluster',
  'ids',
  'golden',
  'write',
];
const SCRIPT = '/usr/bin/script'; // util-linux: runs a command on a pseudo-terminal

/** A resolve says what it is doing on stderr, and only where someone is looking (or asked). */
describe('crm-etl resolve progress', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-resolve-progress-'));
  const db = `sqlite:${path.join(dir, 'warehouse.db')}`;
  const cli = (...args: string[]) => crmEtl(['--db', db, ...args], { cwd: dir });
  beforeAll(() => {
    writeContactsCsv(path.join(dir, 'contacts.csv'), 300);
    const r = cli('import', 'contacts.csv', '--source', 'sheet', '--json');
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is silent when stderr is not a terminal', () => {
    const r = cli('resolve');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^resolve[: ]/m);
  });

  it('with --progress and no terminal: one line per phase with its count, stdout still the JSON', () => {
    const r = cli('resolve', '--full', '--progress', '--json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('resolve: '));
    expect(lines.map((l) => l.split(' ')[1])).toEqual(PHASES);
    for (const l of lines)
      expect(l).toMatch(/^resolve: \w+ [\d,]+ [a-z ]+ in \d+\.\d s \(\d+\.\d s so far\)$/);
    expect(lines[0]).toMatch(/^resolve: read 300 records/);
    expect(r.json<{ records: number }>().records).toBe(300);
  });

  it('says when every stored key was recomputed because their definition changed', () => {
    expect(cli('resolve').code).toBe(0);
    const file = new Database(path.join(dir, 'warehouse.db'));
    file.prepare(`UPDATE identity_key_state SET version = 'an-older-release'`).run();
    file.close();
    const r = cli('resolve');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/keys .*older release.*recomputed/i);
    expect(r.stdout).toMatch(/crm-etl resolve --full/);
    const again = cli('resolve');
    expect(again.stdout).not.toMatch(/older release/);
  });

  it.skipIf(!fs.existsSync(SCRIPT))('in a terminal: a bar per phase, with counts and seconds', () => {
    const cmd = [
      process.execPath,
      path.join(REPO_ROOT, 'dist/pipelines/cli.js'),
      '--db',
      db,
      'resolve',
      '--full',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const r = spawnSync(SCRIPT, ['-qec', cmd, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: undefined },
      timeout: 120_000,
    });
    expect(r.status, r.stdout).toBe(0);
    // The terminal's last frame of each phase: its name, a full bar and the count.
    for (const phase of PHASES)
      expect(r.stdout).toMatch(new RegExp(`resolve ${phase} +█+ [\\d,]+/[\\d,]+ [a-z ]+ \\| \\d+\\.\\d s`));
    expect(r.stdout).toMatch(/resolve read +█+ 300\/300 records/);
    expect(r.stdout).toMatch(/Resolved 300 source records/);
  });
});
