import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishRun, listRuns, startRun } from '../../warehouse/runs.js';
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
});
