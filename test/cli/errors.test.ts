import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { NotImplementedError } from '../../lib/errors.js';
import { pending } from '../../pipelines/commands/pending.js';
import { crmEtl } from '../support/cli.js';

/** The errors a newcomer hits first: one line, what to do, a non-zero exit, no stack trace. */
describe('crm-etl errors', () => {
  const oneLine = (stderr: string) =>
    stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('crm-etl:'));

  it('unknown URL scheme: exit 2 and the schemes it takes', () => {
    const res = crmEtl(['migrate', '--db', 'oracle://x/y']);
    expect(res.code).toBe(2);
    expect(oneLine(res.stderr)).toEqual([expect.stringContaining("Unknown warehouse URL scheme 'oracle:'")]);
    expect(res.stderr).toContain('postgres://');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('unreachable database: exit 3, says connection refused and what to check', () => {
    const res = crmEtl(['migrate', '--db', 'postgres://postgres@127.0.0.1:1/crm']);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('connection refused');
    expect(res.stderr).toContain('Check --db or DATABASE_URL');
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('a SQLite path whose folder cannot be made: exit 3 at once (it used to hang under /proc)', () => {
    const res = crmEtl(['runs', '--db', 'sqlite:/proc/no-such-folder/warehouse.db']);
    expect(res.code).toBe(3);
    expect(oneLine(res.stderr)[0]).toMatch(
      /Cannot create the folder \/proc\/no-such-folder for the SQLite warehouse/,
    );
  });

  it('--verbose adds the stack trace and the cause', () => {
    const res = crmEtl(['migrate', '--verbose', '--db', 'postgres://postgres@127.0.0.1:1/crm']);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/\n\s+at /);
    expect(res.stderr).toContain('ECONNREFUSED');
  });

  it('a password in the URL is never printed', () => {
    const res = crmEtl(['migrate', '--db', 'mysql://etl:hunter2@127.0.0.1:1/crm']);
    expect(res.code).toBe(3);
    expect(res.stderr).not.toContain('hunter2');
  });

  it('missing input file: exit 4', () => {
    const res = crmEtl(['import', 'no-such-file.csv', '--source', 's', '--db', 'sqlite::memory:']);
    expect(res.code).toBe(4);
    expect(oneLine(res.stderr)).toEqual([
      'crm-etl: File not found: no-such-file.csv. Check the path and try again',
    ]);
  });

  it('bad option: exit 2 with a pointer to --help', () => {
    const res = crmEtl(['runs', '--bogus']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("unknown option '--bogus'");
    expect(res.stderr).toContain('--help');
  });

  it('a command not built yet says so plainly', async () => {
    const program = new Command('crm-etl').exitOverride();
    pending(program, 'frobnicate', 'does a later thing', 'the frobnicator');
    const run = program.parseAsync(['node', 'crm-etl', 'frobnicate', '--any', 'x']);
    await expect(run).rejects.toThrow(NotImplementedError);
    await expect(run).rejects.toThrow(
      "'crm-etl frobnicate' is not available in this version: the frobnicator is not built yet",
    );
  });

  it('every DESIGN command is registered with --help', () => {
    for (const cmd of [
      'migrate',
      'import',
      'resolve',
      'marts',
      'run',
      'schedule',
      'runs',
      'explain',
      'scoreboard',
    ]) {
      const res = crmEtl([cmd, '--help']);
      expect(res.code, cmd).toBe(0);
      expect(res.stdout, cmd).toContain(`Usage: crm-etl ${cmd}`);
    }
  });
});
