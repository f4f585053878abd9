import { afterAll, beforeAll, describe, it } from 'vitest';
import { engineTargets, migratedWarehouse, type EngineTarget } from '../support/engines.js';
import { proxyDatabase } from '../support/tcp-proxy.js';
import { ensureBuilt } from './support/build.js';
import { startCli, type CliProcess, type LogLine } from './support/cli-process.js';
import { writeDrillData } from './support/drill-data.js';
import { seeded, tempDir, writeConfig } from './support/fixtures.js';
import { RUN_COLUMNS, warehouseDigest } from './support/warehouse-digest.js';

const targets = await engineTargets();

/** People in the drill's data: ~1,000 contacts, ~330 more in a second source, 2,000 orders. */
const PEOPLE = 1_000;

/**
 * Left out of the checksums, and only these: which run wrote a row and when (run_id, id,
 * loaded_at, updated_at, created_at, linked_at, as_of; etl_run is left out whole),
 * dim_customer's first_seen/last_seen, which are by definition when the warehouse first and last
 * saw a customer's records, and row_hash, a hash of the row's other columns (dim_customer's
 * covers first_seen/last_seen; the columns themselves are compared). Everything else — every
 * staged row, the quarantine, every golden value, every crosswalk link with its rule and score,
 * facts and marts — must be identical.
 */
const EXCLUDED = [...RUN_COLUMNS, 'first_seen', 'last_seen', 'row_hash'];

const SEEDS = { sqlite: 21, postgres: 22, mysql: 23 } as const;

const finished = (step: string) => (l: LogLine) => l.step === step && l.msg === 'step finished';

/**
 * The pipeline (extract, resolve, marts) killed with -9 in each of its steps, or cut off from its
 * database, then run again to the end, must leave the warehouse an uninterrupted run leaves; and
 * two uninterrupted runs must agree with each other. Golden values that tie on frequency across
 * sources are in the data on purpose: they were decided by load time.
 */
describe('kill -9 drill: extract, resolve, marts', () => {
  const tmp = tempDir('crm-etl-drill-');
  let config: string;
  /** The same pipeline with its sources in the opposite order: loaded the other way round. */
  let reversed: string;

  beforeAll(() => {
    ensureBuilt();
    writeDrillData(tmp.dir, PEOPLE, 5);
    const sources = [
      { name: 'crm', connector: 'spreadsheet', path: 'crm.csv' },
      { name: 'shop', connector: 'spreadsheet', path: 'shop.csv' },
      { name: 'orders', connector: 'spreadsheet', path: 'orders.csv' },
    ];
    const pipeline = { retries: 1, retryDelay: 0.2, sources, steps: ['extract', 'resolve', 'marts'] };
    config = writeConfig(tmp.dir, { pipelines: { nightly: pipeline } });
    reversed = writeConfig(
      tmp.dir,
      { pipelines: { nightly: { ...pipeline, sources: [...sources].reverse() } } },
      'reversed.yaml',
    );
  });
  afterAll(() => tmp.remove());

  const run = (url: string, file = config): CliProcess =>
    startCli(['run', 'nightly', '--config', file, '--db', url]);

  /** Kills the run once `when` resolves; says which steps it had finished. */
  async function killWhen(victim: CliProcess, when: Promise<unknown>): Promise<string[]> {
    await when;
    victim.child.kill('SIGKILL');
    const exit = await victim.exit;
    if (exit.signal !== 'SIGKILL') throw new Error(`the run ended before the kill: ${victim.stderr()}`);
    return victim.logs().flatMap((l) => (l.msg === 'step finished' ? [String(l.step)] : []));
  }

  it.for(targets)(
    'leaves the $engine warehouse as an uninterrupted run would',
    { timeout: 240_000 },
    async (target: EngineTarget, { expect, skip }) => {
      if (target.unavailable) return skip(target.unavailable);
      const [reference, twin, killed] = await Promise.all([
        migratedWarehouse(target),
        migratedWarehouse(target),
        migratedWarehouse(target),
      ]);
      try {
        // Two uninterrupted runs, loading the sources in opposite orders: ties once went to the
        // value loaded last.
        const clean = [run(reference.url), run(twin.url, reversed)];

        // 1. In extract, at a seeded moment after the run starts.
        const first = run(killed.url);
        const delayMs = 50 + Math.floor(seeded(SEEDS[target.engine])() * 400);
        const inExtract = await killWhen(
          first,
          first
            .waitForLog((l) => l.msg === 'run started', 60_000)
            .then(() => new Promise((resolve) => setTimeout(resolve, delayMs))),
        );
        expect(inExtract).not.toContain('resolve');
        // 2. In resolve: as soon as extract is done.
        const second = run(killed.url);
        const inResolve = await killWhen(second, second.waitForLog(finished('extract'), 60_000));
        expect(inResolve).toEqual(['extract']);
        // 3. In marts: as soon as resolve is done.
        const third = run(killed.url);
        const inMarts = await killWhen(third, third.waitForLog(finished('resolve'), 60_000));
        expect(inMarts).toEqual(['extract', 'resolve']);
        // Then to the end.
        const last = run(killed.url);
        expect(await last.exit, last.stderr()).toMatchObject({ code: 0 });

        for (const c of clean) expect(await c.exit, c.stderr()).toMatchObject({ code: 0 });
        const [want, same, got] = await Promise.all([
          warehouseDigest(reference.wh, EXCLUDED),
          warehouseDigest(twin.wh, EXCLUDED),
          warehouseDigest(killed.wh, EXCLUDED),
        ]);
        expect(want.dim_customer!.rows).toBeGreaterThan(PEOPLE / 2);
        expect(want.mart_customer_rfm!.rows).toBeGreaterThan(0);
        expect(same, 'two uninterrupted runs (sources loaded in opposite orders) differ').toEqual(want);
        expect(got, 'the killed and resumed run differs').toEqual(want);
        expect(await killed.wh.knex('etl_run').where({ status: 'running' })).toEqual([]);
        expect(await killed.wh.knex('etl_run').where({ status: 'failed' })).toHaveLength(3);
      } finally {
        await Promise.all([reference.drop(), twin.drop(), killed.drop()]);
      }
    },
  );

  it.for(targets.filter((t) => t.engine !== 'sqlite'))(
    'leaves the $engine warehouse as an uninterrupted run would after its connections are cut',
    { timeout: 240_000 },
    async (target: EngineTarget, { expect, skip }) => {
      if (target.unavailable) return skip(target.unavailable);
      const [reference, cut] = await Promise.all([migratedWarehouse(target), migratedWarehouse(target)]);
      const proxy = await proxyDatabase(cut.url);
      try {
        const clean = run(reference.url);
        const victim = run(proxy.url);
        // Cut in the load of the first source, and again in resolve and in marts.
        await victim.waitForLog((l) => l.msg === 'staged', 60_000);
        proxy.cut();
        const resolving = victim.waitForLog(finished('extract'), 60_000).then(() => proxy.cut());
        const building = victim.waitForLog(finished('resolve'), 60_000).then(() => proxy.cut());
        const exit = await victim.exit;
        await Promise.allSettled([resolving, building]);
        expect(exit.signal, victim.stderr()).toBeNull();
        const again = run(proxy.url);
        expect(await again.exit, again.stderr()).toMatchObject({ code: 0 });
        expect(await clean.exit, clean.stderr()).toMatchObject({ code: 0 });
        const [want, got] = await Promise.all([
          warehouseDigest(reference.wh, EXCLUDED),
          warehouseDigest(cut.wh, EXCLUDED),
        ]);
        expect(got).toEqual(want);
      } finally {
        await proxy.close();
        await Promise.all([reference.drop(), cut.drop()]);
      }
    },
  );
});
