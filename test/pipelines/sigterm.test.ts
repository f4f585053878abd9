import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  engineTargets,
  migratedWarehouse,
  type EngineTarget,
  type TestWarehouse,
} from '../support/engines.js';
import { ensureBuilt } from './support/build.js';
import { startCli } from './support/cli-process.js';
import { tempDir, writeConfig, writeContactsCsv } from './support/fixtures.js';

const targets = await engineTargets();
const target = (engine: EngineTarget['engine']) => targets.find((t) => t.engine === engine)!;

const ROWS = 10_000;
const TOKEN = 'tok-5ecret-for-the-hook-42';

/** The CSV and a config with one slow pipeline: a big source, then a small one, then resolve. */
function setup(schedule?: string, extra: Record<string, unknown> = {}) {
  const tmp = tempDir();
  writeContactsCsv(path.join(tmp.dir, 'big.csv'), ROWS, 21);
  writeContactsCsv(path.join(tmp.dir, 'small.csv'), 200, 22);
  const config = writeConfig(tmp.dir, {
    pipelines: {
      slow: {
        ...(schedule ? { schedule, timezone: 'UTC' } : {}),
        sources: [
          { name: 'big-sheet', connector: 'spreadsheet', path: 'big.csv' },
          { name: 'small-sheet', connector: 'spreadsheet', path: 'small.csv' },
        ],
        steps: ['extract', 'resolve'],
      },
    },
    ...extra,
  });
  return { tmp, config };
}

// The three cases use different engines and run side by side (each asserts through its own
// context's expect, as concurrent tests must).
describe.concurrent('SIGTERM during a run', () => {
  const cleanups: Array<() => unknown> = [];
  beforeAll(() => ensureBuilt());
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it.skipIf(target('postgres').unavailable)(
    'crm-etl run stops after the load in flight and records the run',
    async ({ expect }) => {
      const t: TestWarehouse = await migratedWarehouse(target('postgres'));
      cleanups.push(t.drop);
      const { tmp, config } = setup();
      cleanups.push(tmp.remove);
      // A password in the URL must never reach the output (the server trusts local connections).
      const url = t.url.replace('postgres://postgres@', 'postgres://postgres:pw-never-logged@');
      const run = startCli(['run', 'slow', '--config', config, '--db', url]);
      const started = await run.waitForLog((l) => l.msg === 'run started', 30_000);
      run.child.kill('SIGTERM');
      const exit = await run.exit;

      // It exited by itself (not killed by the signal), with the run's verdict and no stack trace.
      expect(exit.signal).toBeNull();
      expect([0, 1]).toContain(exit.code);
      expect(run.stderr()).not.toMatch(/\n\s+at /);
      expect(run.stderr() + run.stdout()).not.toContain('pw-never-logged');
      const row = await t.wh
        .knex('etl_run')
        .where({ run_id: Number(started.run_id) })
        .first();
      expect(['failed', 'succeeded']).toContain(row.status);
      if (row.status === 'failed') expect(row.error).toMatch(/^interrupted by SIGTERM/);
      // SIGTERM came while the first source loaded: that load finished (all its rows are in),
      // and what came after it did not start.
      expect(exit.code).toBe(1);
      expect(await t.wh.knex('stg_contact').where({ source: 'small-sheet' }).count({ n: '*' })).toEqual([
        { n: 0 },
      ]);
    },
  );

  it.skipIf(target('sqlite').unavailable)(
    'the scheduler abandons a run that outlasts the grace period, records it, calls the webhook, exits 0',
    async ({ expect }) => {
      const hook = await hookServer();
      cleanups.push(hook.close);
      const wh = await migratedWarehouse(target('sqlite'));
      cleanups.push(wh.drop);
      const { tmp, config } = setup('* * * * * *', {
        scheduler: {
          grace: 0.1,
          webhook: {
            url: `${hook.url}/hooks/crm`,
            headers: { Authorization: 'Bearer ${CRM_TEST_HOOK_TOKEN}' },
          },
        },
      });
      cleanups.push(tmp.remove);
      const daemon = startCli(['schedule', '--config', config, '--db', wh.url, '--port', '0'], {
        CRM_TEST_HOOK_TOKEN: TOKEN,
      });
      const started = await daemon.waitForLog((l) => l.msg === 'run started', 30_000);
      daemon.child.kill('SIGTERM');
      expect(await daemon.exit, daemon.stderr()).toEqual({ code: 0, signal: null });

      const runId = Number(started.run_id);
      const row = await wh.wh.knex('etl_run').where({ run_id: runId }).first();
      expect(row).toMatchObject({
        status: 'failed',
        error: 'interrupted by SIGTERM (abandoned after 0.1 s)',
      });
      expect(await wh.wh.knex('etl_run').where({ status: 'running' })).toEqual([]);
      // The abandoned load was rolled back whole: nothing of it is half there.
      expect(await wh.wh.knex('stg_contact').count({ n: '*' })).toEqual([{ n: 0 }]);

      expect(hook.calls).toHaveLength(1);
      const call = hook.calls[0]!;
      expect(call.path).toBe('/hooks/crm');
      expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(call.body).toMatchObject({
        pipeline: 'slow',
        run_id: runId,
        error: row.error,
        status: 'failed',
      });
      expect(new Date(String(call.body.finished_at)).toISOString()).toBe(call.body.finished_at);
      expect(daemon.stderr()).not.toContain(TOKEN);
    },
  );

  it.skipIf(target('mysql').unavailable)(
    'the scheduler lets the load in flight finish within the grace period',
    async ({ expect }) => {
      const wh = await migratedWarehouse(target('mysql'));
      cleanups.push(wh.drop);
      const { tmp, config } = setup('* * * * * *', { scheduler: { grace: 60 } });
      cleanups.push(tmp.remove);
      const daemon = startCli(['schedule', '--config', config, '--db', wh.url, '--port', '0']);
      const started = await daemon.waitForLog((l) => l.msg === 'run started', 30_000);
      daemon.child.kill('SIGTERM');
      expect(await daemon.exit, daemon.stderr()).toEqual({ code: 0, signal: null });
      const row = await wh.wh
        .knex('etl_run')
        .where({ run_id: Number(started.run_id) })
        .first();
      expect(row).toMatchObject({ status: 'failed' });
      expect(row.error).toMatch(/^interrupted by SIGTERM; extract: small-sheet: not extracted/);
      expect(await wh.wh.knex('stg_contact').where({ source: 'big-sheet' }).count({ n: '*' })).toEqual([
        { n: ROWS - ROWS / 500 },
      ]);
    },
  );
});

interface HookCall {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A local HTTP server standing in for the failure webhook. */
async function hookServer(): Promise<{ url: string; calls: HookCall[]; close(): Promise<void> }> {
  const calls: HookCall[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (c: string) => (text += c));
    req.on('end', () => {
      calls.push({
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(text) as Record<string, unknown>,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
