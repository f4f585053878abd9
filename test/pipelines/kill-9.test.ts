import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { engineTargets, migratedWarehouse, type EngineTarget } from '../support/engines.js';
import { ensureBuilt } from './support/build.js';
import { startCli, type CliProcess } from './support/cli-process.js';
import { seeded, tempDir, writeConfig, writeContactsCsv } from './support/fixtures.js';
import { warehouseDigest } from './support/warehouse-digest.js';

const targets = await engineTargets();

/**
 * Rows in the big source: loading them takes a few seconds here, so a kill 100-500 ms after the
 * run starts lands inside the load. (20,000 once did, until loads got faster: a MariaDB run then
 * finished before the kill on an idle CI machine. 200k rows would take 10-30 s per run.)
 */
const ROWS = 50_000;

/** Fixed seeds: each engine's kill point is random but the same on every test run. */
const SEEDS = { sqlite: 11, postgres: 12, mysql: 13 } as const;

describe('kill -9 of a run, then a new run', () => {
  const tmp = tempDir();
  let config: string;

  beforeAll(() => {
    ensureBuilt();
    writeContactsCsv(path.join(tmp.dir, 'big.csv'), ROWS, 7);
    writeContactsCsv(path.join(tmp.dir, 'small.csv'), 300, 8);
    config = writeConfig(tmp.dir, {
      pipelines: {
        nightly: {
          sources: [
            { name: 'big-sheet', connector: 'spreadsheet', path: 'big.csv' },
            { name: 'small-sheet', connector: 'spreadsheet', path: 'small.csv' },
          ],
          // Extract only: the kill lands in the load, which is what this test is about
          // (kill-drill.test.ts kills extract, resolve and marts).
          steps: ['extract'],
        },
      },
    });
  });
  afterAll(() => tmp.remove());

  // The engines run side by side: most of the time goes to process start-up and waiting.
  // (Concurrent tests assert through their own context's expect.)
  it.concurrent.for(targets)(
    'leaves the $engine warehouse as one uninterrupted run would',
    { timeout: 120_000 },
    async (target: EngineTarget, { expect, skip }) => {
      if (target.unavailable) return skip(target.unavailable);
      const baseline = await migratedWarehouse(target);
      let killed: Awaited<ReturnType<typeof migratedWarehouse>> | undefined;
      try {
        const run = (url: string): CliProcess =>
          startCli(['run', 'nightly', '--config', config, '--db', url]);
        const reference = run(baseline.url);
        // A random point inside the extract step. The timer runs on this worker's event loop, which
        // the other engines' tests can hold for seconds (better-sqlite3 is synchronous): a kill that
        // fired after the run had finished tests nothing, so it is tried again on a fresh warehouse
        // (at most three times, each miss said in the failure if all three miss).
        const misses: string[] = [];
        const random = seeded(SEEDS[target.engine]);
        let killedRunId: number | undefined;
        while (killedRunId === undefined && misses.length < 3) {
          if (killed) await killed.drop();
          killed = await migratedWarehouse(target);
          const victim = run(killed.url);
          await victim.waitForLog((l) => l.msg === 'run started', 30_000);
          const delayMs = 100 + Math.floor(random() * 400);
          const asked = Date.now();
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          const stillRunning = victim.child.exitCode === null;
          victim.child.kill('SIGKILL');
          const exit = await victim.exit;
          // exitCode is set only when this (maybe busy) event loop handles the child's exit: a run
          // that had just finished can still look running here, and then exits 0 unkilled.
          const finished = !stillRunning || (exit.code === 0 && exit.signal === null);
          if (finished) {
            misses.push(
              `+${delayMs} ms asked, +${Date.now() - asked} ms fired, exit ${JSON.stringify(exit)}`,
            );
            continue;
          }
          expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
          killedRunId = Number(victim.logs().find((l) => l.msg === 'run started')!.run_id);
        }
        expect(killedRunId, `every kill came after the run had finished: ${misses.join('; ')}`).toBeDefined();
        expect(await reference.exit, reference.stderr()).toMatchObject({ code: 0 });
        if (!killed) throw new Error('unreachable: no warehouse was killed');

        const again = run(killed.url);
        expect(await again.exit, again.stderr()).toMatchObject({ code: 0 });

        const dead = await killed.wh.knex('etl_run').where({ run_id: killedRunId }).first();
        expect(dead).toMatchObject({ status: 'failed', error: 'process died before the run finished' });
        expect(await killed.wh.knex('etl_run').where({ status: 'running' })).toEqual([]);
        const [want, got] = await Promise.all([warehouseDigest(baseline.wh), warehouseDigest(killed.wh)]);
        // Every 500th row of the big file has no identity and is quarantined.
        expect(want.stg_contact!.rows).toBe(ROWS - ROWS / 500 + 300);
        expect(got).toEqual(want);
      } finally {
        await baseline.drop();
        await killed?.drop();
      }
    },
  );
});
