import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { writeConfig, writeContactsCsv } from '../pipelines/support/fixtures.js';
import { crmEtl } from '../support/cli.js';

/** The crm-etl: lines of stderr: an error is one of them, and no SQL or stack comes with it. */
function errorLines(stderr: string): string[] {
  return stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('crm-etl:'));
}

const NO_SQL = /select |from `|sqlite_error|no such table|\n\s+at /i;

/**
 * A newcomer's project: a folder with crm-etl.config.yaml naming its warehouse. Every command
 * run there works on that warehouse, unless --db or DATABASE_URL say otherwise.
 */
describe('every command uses the same warehouse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-wh-choice-'));
  const proj = path.join(dir, 'proj.db');
  const other = path.join(dir, 'other.db');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  writeContactsCsv(path.join(dir, 'contacts.csv'), 40);
  writeConfig(dir, {
    warehouse: `sqlite:${proj}`,
    pipelines: { nightly: { sources: [{ name: 'sheets', connector: 'spreadsheet', path: 'contacts.csv' }] } },
  });
  const cli = (args: string[], env?: Record<string, string>) => crmEtl(args, { cwd: dir, env });
  const runsOf = (args: string[] = []) =>
    cli(['runs', '--json', ...args]).json<{ runs: Array<{ pipeline: string; status: string }> }>().runs;

  it('read-only commands on the never-migrated warehouse say so in one line, naming it', () => {
    for (const args of [['runs'], ['scoreboard'], ['explain', '1'], ['marts'], ['resolve']]) {
      const res = cli(args);
      expect(res.code, `${args[0]}: ${res.stderr}`).toBe(2);
      expect(errorLines(res.stderr)).toEqual([
        `crm-etl: The warehouse sqlite:${proj} has never been migrated (no crm-etl schema). Run crm-etl migrate first, with the same --db, DATABASE_URL or config warehouse`,
      ]);
      expect(res.stderr).not.toMatch(NO_SQL);
    }
    // None of them fell back to the default warehouse.
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('run, runs, resolve, marts, scoreboard, explain, import and same all use the config warehouse', () => {
    const run = cli(['run', 'nightly', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(runsOf()).toEqual([expect.objectContaining({ pipeline: 'nightly', status: 'succeeded' })]);

    expect(cli(['resolve']).code).toBe(0);
    expect(cli(['marts']).code).toBe(0);
    const scoreboard = cli(['scoreboard', '--json']);
    expect(scoreboard.code, scoreboard.stderr).toBe(0);
    const explain = cli(['explain', '1', '--json']);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.json<{ records: unknown[] }>().records.length).toBeGreaterThan(0);
    const csv = path.join(dir, 'more.csv');
    writeContactsCsv(csv, 5, 2);
    expect(cli(['import', csv, '--source', 'more']).code).toBe(0);
    expect(cli(['same', 'sheets:C1', 'sheets:C2']).code).toBe(0);

    // resolve, marts and import recorded their runs next to the pipeline's: in proj.db.
    expect(runsOf().map((r) => r.pipeline)).toEqual(['import:more', 'marts', 'resolve', 'nightly']);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('--db, else DATABASE_URL, come before the config', () => {
    const viaFlag = cli(['runs', '--db', `sqlite:${other}`]);
    expect(viaFlag.code).toBe(2);
    expect(errorLines(viaFlag.stderr)).toEqual([expect.stringContaining(`sqlite:${other} has never been`)]);
    const viaEnv = cli(['runs'], { DATABASE_URL: `sqlite:${other}` });
    expect(viaEnv.code).toBe(2);
    expect(errorLines(viaEnv.stderr)).toEqual([expect.stringContaining(`sqlite:${other} has never been`)]);
    // migrate too: the config's warehouse is already current, the flag's is created.
    expect(cli(['migrate', '--json']).json<{ db: string; applied: string[] }>()).toEqual({
      db: `sqlite:${proj}`,
      applied: [],
      current: expect.any(Array),
    });
    expect(cli(['migrate', '--json', '--db', `sqlite:${other}`]).json<{ db: string }>().db).toBe(
      `sqlite:${other}`,
    );
    expect(runsOf(['--db', `sqlite:${other}`])).toEqual([]);
  });

  it('a warehouse migrated by an older version: read-only commands name what it lacks', async () => {
    const old = path.join(dir, 'old.db');
    expect(cli(['migrate', '--db', `sqlite:${old}`]).code).toBe(0);
    const wh = await openWarehouse(`sqlite:${old}`);
    try {
      await wh.knex('etl_schema_migrations').where({ name: '0004-staging-load' }).delete();
    } finally {
      await wh.close();
    }
    const res = cli(['runs', '--db', `sqlite:${old}`]);
    expect(res.code).toBe(2);
    expect(errorLines(res.stderr)).toEqual([
      `crm-etl: The warehouse sqlite:${old} lacks migration(s) 0004-staging-load of this crm-etl version. Run crm-etl migrate first (it upgrades the schema and keeps the data)`,
    ]);
  });
});

describe('the config is checked whole before anything runs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cfg-check-'));
  const db = path.join(dir, 'proj.db');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  writeContactsCsv(path.join(dir, 'contacts.csv'), 10);
  const source = { name: 'sheets', connector: 'spreadsheet', path: 'contacts.csv' };
  const withConfig = (config: Record<string, unknown>, args: string[]) => {
    writeConfig(dir, { warehouse: `sqlite:${db}`, ...config });
    return crmEtl(args, { cwd: dir });
  };

  it('a due date that is not YYYY-MM-DD fails `run` at load, naming the key, before extract', () => {
    const res = withConfig(
      {
        pipelines: { nightly: { sources: [source] } },
        scoreboard: {
          indicators: [{ indicator: 'clv_avg', horizon: 'long', target: 1, due: '31.12.2026' }],
        },
      },
      ['run', 'nightly'],
    );
    expect(res.code).toBe(2);
    expect(errorLines(res.stderr)).toEqual([
      expect.stringMatching(
        /crm-etl\.config\.yaml: 'scoreboard\.indicators\.0\.due' must be a date YYYY-MM-DD\. /,
      ),
    ]);
    expect(res.stderr).not.toMatch(NO_SQL);
    // Nothing ran: the warehouse was not even opened.
    expect(fs.existsSync(db)).toBe(false);
  });

  it('a misspelled key inside a source is named, for every command', () => {
    const config = {
      pipelines: { nightly: { sources: [{ ...source, path: undefined, paht: 'contacts.csv' }] } },
    };
    for (const args of [['run', 'nightly'], ['runs'], ['migrate']]) {
      const res = withConfig(config, args);
      expect(res.code, args[0]).toBe(2);
      expect(errorLines(res.stderr)).toEqual([
        expect.stringContaining(
          "crm-etl.config.yaml: 'pipelines.nightly.sources.0' has unknown key(s) paht; lacks path.",
        ),
      ]);
    }
    expect(fs.existsSync(db)).toBe(false);
  });
});
