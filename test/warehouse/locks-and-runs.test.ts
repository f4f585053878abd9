import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPipeline } from '../../warehouse/locks.js';
import {
  DEAD_RUN_ERROR,
  failAbandonedRun,
  failDeadRuns,
  finishRun,
  lastSuccessAt,
  listRuns,
  startRun,
} from '../../warehouse/runs.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

describe.each(targets)('named locks and run history on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (!target.unavailable) t = await migratedWarehouse(target);
  });
  afterAll(async () => t?.drop());

  it.skipIf(target.unavailable)(
    'a named lock is exclusive until released, and names are independent',
    async () => {
      const first = await t.wh.adapter.tryLock(t.wh.knex, 'pipeline:nightly');
      expect(first).not.toBeNull();
      expect(await t.wh.adapter.tryLock(t.wh.knex, 'pipeline:nightly')).toBeNull();
      const other = await t.wh.adapter.tryLock(t.wh.knex, 'pipeline:hourly');
      expect(other).not.toBeNull();
      await first!.release();
      const again = await t.wh.adapter.tryLock(t.wh.knex, 'pipeline:nightly');
      expect(again).not.toBeNull();
      await again!.release();
      await other!.release();
    },
  );

  it.skipIf(target.unavailable)('records runs with stats and lists them newest first', async () => {
    const a = await startRun(t.wh, 'nightly');
    const b = await startRun(t.wh, 'hourly');
    expect(b).toBeGreaterThan(a);
    await finishRun(t.wh, a, 'succeeded', { steps: [{ step: 'extract', rows: 3 }] });
    await finishRun(t.wh, b, 'failed', {}, 'boom');
    const runs = await listRuns(t.wh);
    expect(runs.map((r) => [r.run_id, r.pipeline, r.status, r.error])).toEqual([
      [b, 'hourly', 'failed', 'boom'],
      [a, 'nightly', 'succeeded', null],
    ]);
    expect(runs[1]!.stats).toEqual({ steps: [{ step: 'extract', rows: 3 }] });
    expect(Date.parse(runs[1]!.finished_at!)).toBeGreaterThanOrEqual(Date.parse(runs[1]!.started_at));
    expect(await listRuns(t.wh, { pipeline: 'nightly' })).toHaveLength(1);
  });

  it.skipIf(target.unavailable)('small upserts insert then update on the key', async () => {
    const { adapter, knex } = t.wh;
    await adapter.upsert(
      knex,
      'connector_state',
      [{ source: 'erp', stream: 'order', state: JSON.stringify({ cursor: 1 }) }],
      ['source', 'stream'],
    );
    await adapter.upsert(
      knex,
      'connector_state',
      [{ source: 'erp', stream: 'order', state: JSON.stringify({ cursor: 2 }) }],
      ['source', 'stream'],
    );
    const rows = await knex('connector_state').select('source', 'stream', 'state');
    expect(rows.map((r: { state: unknown }) => adapter.parseJson(r.state))).toEqual([{ cursor: 2 }]);
  });

  it.skipIf(target.unavailable)('a pipeline lock is the named lock of that pipeline', async () => {
    const held = await lockPipeline(t.wh, 'weekly');
    expect(held).not.toBeNull();
    expect(await t.wh.adapter.tryLock(t.wh.knex, 'pipeline:weekly')).toBeNull();
    expect(await lockPipeline(t.wh, 'weekly')).toBeNull();
    await held!.release();
  });

  it.skipIf(target.unavailable)(
    'dead runs and abandoned runs end failed; finished runs keep what they recorded',
    async () => {
      const dead = await startRun(t.wh, 'dead-runs');
      const done = await startRun(t.wh, 'dead-runs');
      await finishRun(t.wh, done, 'succeeded', {});
      const elsewhere = await startRun(t.wh, 'dead-runs-other');
      expect(await failDeadRuns(t.wh, 'dead-runs')).toBe(1);
      const abandoned = await startRun(t.wh, 'dead-runs');
      await failAbandonedRun(t.wh, abandoned, 'interrupted by SIGTERM');
      await failAbandonedRun(t.wh, done, 'must not overwrite');
      const byId = new Map((await listRuns(t.wh, { limit: 100 })).map((r) => [r.run_id, r]));
      expect(byId.get(dead)).toMatchObject({ status: 'failed', error: DEAD_RUN_ERROR });
      expect(byId.get(dead)!.finished_at).not.toBeNull();
      expect(byId.get(done)).toMatchObject({ status: 'succeeded', error: null });
      expect(byId.get(elsewhere)).toMatchObject({ status: 'running' });
      expect(byId.get(abandoned)).toMatchObject({ status: 'failed', error: 'interrupted by SIGTERM' });
    },
  );

  it.skipIf(target.unavailable)(
    'the last success is the latest succeeded run, in epoch seconds',
    async () => {
      expect(await lastSuccessAt(t.wh, 'never-succeeded')).toBeUndefined();
      const before = Math.floor(Date.now() / 1000) - 1;
      const failed = await startRun(t.wh, 'last-success');
      await finishRun(t.wh, failed, 'failed', {}, 'boom');
      expect(await lastSuccessAt(t.wh, 'last-success')).toBeUndefined();
      const ok = await startRun(t.wh, 'last-success');
      await finishRun(t.wh, ok, 'succeeded', {});
      const at = await lastSuccessAt(t.wh, 'last-success');
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    },
  );
});
