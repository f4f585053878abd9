import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { ensureBuilt } from './support/build.js';
import { startCli, type CliProcess } from './support/cli-process.js';
import { tempDir, writeConfig, writeContactsCsv } from './support/fixtures.js';

const postgres = (await engineTargets()).find((t) => t.engine === 'postgres')!;

/** How long both schedulers run side by side. */
const RUN_FOR_MS = 12_000;

describe.skipIf(postgres.unavailable)('two schedulers sharing one PostgreSQL warehouse', () => {
  let t: TestWarehouse;
  const tmp = tempDir();
  let config: string;

  beforeAll(async () => {
    ensureBuilt();
    t = await migratedWarehouse(postgres);
    writeContactsCsv(path.join(tmp.dir, 'contacts.csv'), 50);
    config = writeConfig(tmp.dir, {
      pipelines: {
        tick: {
          schedule: '*/2 * * * * *', // every 2 seconds (6 fields: seconds first)
          timezone: 'UTC',
          sources: [{ name: 'tick-sheet', connector: 'spreadsheet', path: 'contacts.csv' }],
          steps: ['extract'],
        },
      },
    });
  });
  afterAll(async () => {
    await t?.drop();
    tmp.remove();
  });

  it('records several runs, never two at once, and both stop cleanly on SIGTERM', async () => {
    const args = ['schedule', '--config', config, '--db', t.url, '--port', '0'];
    const schedulers: CliProcess[] = [startCli(args), startCli(args)];
    try {
      const listening = await Promise.all(
        schedulers.map((s) => s.waitForLog((l) => l.msg === 'status server listening', 20_000)),
      );
      await new Promise((resolve) => setTimeout(resolve, RUN_FOR_MS));

      // While running: health and metrics of the first scheduler.
      const base = String(listening[0]!.url);
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { pipelines: Record<string, unknown> }).pipelines).toHaveProperty(
        'tick',
      );
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toContain('# TYPE crm_etl_runs_total counter');
      expect(metrics).toMatch(/crm_etl_seconds_since_last_success\{pipeline="tick"\} \d+\n/);

      for (const s of schedulers) s.child.kill('SIGTERM');
      const exits = await Promise.all(schedulers.map((s) => s.exit));
      expect(exits, schedulers.map((s) => s.stderr()).join('\n----\n')).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
    } finally {
      for (const s of schedulers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }

    const runs = (await t.wh.knex('etl_run').where({ pipeline: 'tick' }).orderBy('started_at')) as Array<{
      status: string;
      started_at: Date;
      finished_at: Date | null;
      pid: number;
    }>;
    expect(runs.filter((r) => r.status === 'succeeded').length).toBeGreaterThanOrEqual(3);
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    for (let i = 1; i < runs.length; i++) {
      // Each run ends before the next begins: the lock never let two overlap.
      expect(runs[i - 1]!.finished_at!.getTime()).toBeLessThanOrEqual(runs[i]!.started_at.getTime());
    }

    // Ticks that found the pipeline running were skipped quietly (info, not error) and counted.
    const lines = schedulers.flatMap((s) => s.logs());
    const skips = lines.filter((l) => String(l.msg).startsWith('tick skipped'));
    expect(skips.every((l) => l.level === 30)).toBe(true);
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
    // Every line of a run carries run_id, pipeline and step.
    const runLines = lines.filter((l) => 'run_id' in l);
    expect(runLines.length).toBeGreaterThan(0);
    for (const l of runLines) {
      expect(l).toMatchObject({ pipeline: 'tick' });
      expect(l).toHaveProperty('step');
    }
  });
});
