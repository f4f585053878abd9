import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipelines/config.js';
import { runPipeline } from '../../pipelines/runner.js';
import { openWarehouse, type Warehouse } from '../../warehouse/connection.js';
import { migrate } from '../../warehouse/migrate.js';
import { engineTargets, freshDatabase, migratedWarehouse } from '../support/engines.js';
import { captureLogger } from './support/capture-logger.js';
import { tempDir, writeConfig, writeContactsCsv } from './support/fixtures.js';

const targets = await engineTargets();
const postgres = targets.find((t) => t.engine === 'postgres')!;
const sqlite = targets.find((t) => t.engine === 'sqlite')!;
const SECRET = 'tok-never-in-a-log-3141';

describe('runner', () => {
  const tmp = tempDir();
  beforeAll(() => writeContactsCsv(path.join(tmp.dir, 'contacts.csv'), 2_000, 31));
  afterAll(() => tmp.remove());

  it.skipIf(postgres.unavailable)(
    'retries a step that hit a lock timeout, logging each attempt with run_id, pipeline and step',
    async () => {
      const db = await freshDatabase(postgres);
      let wh: Warehouse | undefined;
      const admin = await openWarehouse(db.url);
      try {
        await migrate(admin);
        const dbName = new URL(db.url).pathname.slice(1);
        // Sessions opened from now on give up on a lock after 300 ms with SQLSTATE 55P03.
        await admin.knex.raw(`ALTER DATABASE "${dbName}" SET lock_timeout = '300ms'`);
        wh = await openWarehouse(db.url);
        const loaded = loadConfig(
          writeConfig(tmp.dir, {
            pipelines: {
              p: {
                sources: [{ name: 'sheet', connector: 'spreadsheet', path: 'contacts.csv' }],
                steps: ['extract'],
                retries: 5,
                retryDelay: 0.2,
              },
            },
          }),
        );
        // Another session holds stg_contact exclusively, as a long migration or a VACUUM FULL
        // would, until the run has failed on it once (or 10 s have passed).
        const blocker = await admin.knex.transaction();
        await blocker.raw('LOCK TABLE stg_contact IN ACCESS EXCLUSIVE MODE');
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          setTimeout(() => void blocker.commit(), 100);
        };
        const fallback = setTimeout(release, 10_000);

        const { logger, lines } = captureLogger((line) => {
          if (line.msg === 'transient failure, will retry') release();
        });
        const report = await runPipeline(wh, loaded, 'p', logger, {
          signal: new AbortController().signal,
          random: () => 0.5,
        });
        clearTimeout(fallback);

        expect(report.status, report.error).toBe('succeeded');
        expect(report.steps[0]!.retries).toBeGreaterThanOrEqual(1);
        const retried = lines.filter((l) => l.msg === 'transient failure, will retry');
        expect(retried.length).toBe(report.steps[0]!.retries);
        expect(retried[0]).toMatchObject({
          run_id: report.runId,
          pipeline: 'p',
          step: 'extract',
          attempt: 1,
          attempts: 6,
        });
        expect((retried[0]!.err as { code?: string }).code).toBe('55P03');
        // Every line of the run carries the three fields.
        const runLines = lines.filter((l) => 'run_id' in l);
        expect(runLines.length).toBeGreaterThan(3);
        for (const l of runLines) {
          expect(l).toMatchObject({ run_id: report.runId, pipeline: 'p' });
          expect(l).toHaveProperty('step');
        }
        expect(await wh.knex('stg_contact').count({ n: '*' })).toEqual([{ n: 2_000 - 4 }]);
      } finally {
        await wh?.close();
        await admin.close();
        await db.drop();
      }
    },
  );

  it.skipIf(sqlite.unavailable)('keeps secrets out of etl_run, the report and the logs', async () => {
    process.env.CRM_TEST_SOURCE_TOKEN = SECRET;
    const t = await migratedWarehouse(sqlite);
    try {
      const loaded = loadConfig(
        writeConfig(tmp.dir, {
          pipelines: {
            p: {
              // A path with a token in it: the "no file matches" error quotes the path.
              sources: [
                { name: 'sheet', connector: 'spreadsheet', path: 'exports/${CRM_TEST_SOURCE_TOKEN}/*.csv' },
              ],
              steps: ['extract'],
            },
          },
        }),
      );
      const { logger, text } = captureLogger();
      const report = await runPipeline(t.wh, loaded, 'p', logger, { signal: new AbortController().signal });
      expect(report.status).toBe('failed');
      expect(report.error).toContain('exports/***/*.csv');
      const row = await t.wh.knex('etl_run').where({ run_id: report.runId }).first();
      expect(JSON.stringify(row)).not.toContain(SECRET);
      expect(JSON.stringify(report)).not.toContain(SECRET);
      expect(text()).toContain('exports/***/*.csv');
      expect(text()).not.toContain(SECRET);
    } finally {
      await t.drop();
    }
  });

  it.skipIf(sqlite.unavailable)('an interrupted run skips what is left and is recorded failed', async () => {
    const t = await migratedWarehouse(sqlite);
    try {
      const loaded = loadConfig(
        writeConfig(tmp.dir, {
          pipelines: {
            p: {
              sources: [
                { name: 'first', connector: 'spreadsheet', path: 'contacts.csv' },
                { name: 'second', connector: 'spreadsheet', path: 'contacts.csv' },
              ],
              steps: ['extract', 'resolve'],
            },
          },
        }),
      );
      const controller = new AbortController();
      // SIGTERM arrives once the first source is staged.
      const { logger } = captureLogger((line) => {
        if (line.msg === 'staged' && line.source === 'first')
          controller.abort(new Error('interrupted by SIGTERM'));
      });
      const report = await runPipeline(t.wh, loaded, 'p', logger, { signal: controller.signal });
      expect(report.status).toBe('failed');
      expect(report.error).toBe('interrupted by SIGTERM; extract: second: not extracted');
      expect(report.steps.map((s) => [s.step, s.status, s.error])).toEqual([
        ['extract', 'failed', 'second: not extracted'],
        ['resolve', 'skipped', 'interrupted by SIGTERM'],
      ]);
      expect(await t.wh.knex('stg_contact').where({ source: 'first' }).count({ n: '*' })).toEqual([
        { n: 2_000 - 4 },
      ]);
      const row = await t.wh.knex('etl_run').where({ run_id: report.runId }).first();
      expect(row).toMatchObject({ status: 'failed', error: report.error });
    } finally {
      await t.drop();
    }
  });
});
