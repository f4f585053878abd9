import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../pipelines/runner.js';
import {
  Counter,
  Gauge,
  Histogram,
  PROMETHEUS_CONTENT_TYPE,
  Registry,
} from '../../pipelines/scheduler/metrics.js';
import { RunMetrics } from '../../pipelines/scheduler/run-metrics.js';
import { startStatusServer } from '../../pipelines/scheduler/status-server.js';
import { callWebhook } from '../../pipelines/scheduler/webhook.js';
import { captureLogger } from './support/capture-logger.js';

/** One sample line of the text format: name, optional {labels}, a float (or ±Inf/NaN). */
const SAMPLE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+-]+|[+-]Inf|NaN)$/;

function assertExpositionFormat(text: string): void {
  expect(text.endsWith('\n')).toBe(true);
  const typed = new Set<string>();
  for (const line of text.trimEnd().split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') typed.add(meta[2]!);
      continue;
    }
    expect(line).toMatch(SAMPLE);
    const name = line.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, '');
    expect(typed.has(name) || typed.has(line.split(/[{ ]/)[0]!), `${line} has no # TYPE before it`).toBe(
      true,
    );
  }
}

const report: RunReport = {
  runId: 7,
  pipeline: 'nightly',
  status: 'failed',
  error: 'interrupted by SIGTERM',
  steps: [
    {
      step: 'extract',
      status: 'succeeded',
      seconds: 2.5,
      retries: 2,
      detail: [
        { source: 'sheets', inputs: [{ stream: 'contact', loaded: 40, quarantined: 2, duplicates: 8 }] },
        { source: 'erp', error: 'connection refused' },
      ],
    },
    { step: 'resolve', status: 'skipped', seconds: 0, error: 'interrupted by SIGTERM' },
  ],
};

describe('metrics', () => {
  it('render counters, gauges and histograms in the Prometheus text format, labels escaped', () => {
    const registry = new Registry();
    registry.register(new Counter('a_total', 'A counter.')).inc({ path: 'C:\\dir "x"\nnext' }, 2);
    registry.register(new Gauge('b', 'A gauge.')).set({}, Infinity);
    const h = registry.register(new Histogram('c_seconds', 'A histogram.', [1, 5]));
    h.observe({ step: 'extract' }, 0.5);
    h.observe({ step: 'extract' }, 3);
    h.observe({ step: 'extract' }, 30);
    const text = registry.render();
    assertExpositionFormat(text);
    expect(text).toContain('a_total{path="C:\\\\dir \\"x\\"\\nnext"} 2\n');
    expect(text).toContain('b +Inf\n');
    expect(text).toContain(
      [
        'c_seconds_bucket{step="extract",le="1"} 1',
        'c_seconds_bucket{step="extract",le="5"} 2',
        'c_seconds_bucket{step="extract",le="+Inf"} 3',
        'c_seconds_sum{step="extract"} 33.5',
        'c_seconds_count{step="extract"} 3',
      ].join('\n'),
    );
  });

  it("turn a run's report into runs, failures, retries, rows and durations", () => {
    let now = 1_000_000;
    const metrics = new RunMetrics(['nightly', 'hourly'], () => now);
    metrics.record(report);
    metrics.record({ ...report, runId: 8, status: 'succeeded', error: undefined });
    metrics.skip('nightly', 'locked');
    now += 90;
    const text = metrics.render();
    assertExpositionFormat(text);
    for (const line of [
      'crm_etl_runs_total{pipeline="nightly",status="failed"} 1',
      'crm_etl_runs_total{pipeline="nightly",status="succeeded"} 1',
      'crm_etl_retries_total{pipeline="nightly",step="extract"} 4',
      'crm_etl_skipped_ticks_total{pipeline="nightly",reason="locked"} 1',
      'crm_etl_rows_staged_total{pipeline="nightly",source="sheets",stream="contact",outcome="loaded"} 80',
      'crm_etl_rows_staged_total{pipeline="nightly",source="sheets",stream="contact",outcome="quarantined"} 4',
      'crm_etl_step_duration_seconds_count{pipeline="nightly",step="extract"} 2',
      'crm_etl_seconds_since_last_success{pipeline="nightly"} 90',
      'crm_etl_seconds_since_last_success{pipeline="hourly"} +Inf',
      'crm_etl_last_success_timestamp_seconds{pipeline="nightly"} 1000000',
    ]) {
      expect(text).toContain(line + '\n');
    }
    // Skipped steps have no duration to observe.
    expect(text).not.toContain('step="resolve",le=');
  });
});

describe('status server', () => {
  const { logger } = captureLogger();
  let healthy = true;
  const server = startStatusServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    metrics: () => 'x_total 1\n',
    health: () => ({ ok: healthy, status: healthy ? 'ok' : 'stopping' }),
  });
  afterAll(async () => (await server).close());

  it('serves /metrics and /healthz, and nothing else', async () => {
    const { url } = await server;
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(await metrics.text()).toBe('x_total 1\n');
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true, status: 'ok' });
    healthy = false;
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
    expect((await fetch(`${url}/other`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('says which option to change when the port is taken', async () => {
    const { url } = await server;
    const port = Number(new URL(url).port);
    const taken = startStatusServer({
      host: '127.0.0.1',
      port,
      logger,
      metrics: () => '',
      health: () => ({ ok: true }),
    });
    await expect(taken).rejects.toThrow(`Cannot serve /metrics on 127.0.0.1:${port}: the port is in use`);
  });
});

describe('failure webhook', () => {
  it('logs only the origin when the hook answers an error, and does not throw', async () => {
    const server = http.createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { logger, text } = captureLogger();
    const ok = await callWebhook(
      { url: `http://127.0.0.1:${port}/secret-path-token`, headers: {} },
      {
        pipeline: 'p',
        run_id: 1,
        status: 'failed',
        error: 'x',
        finished_at: new Date().toISOString(),
        host: 'h',
      },
      logger,
    );
    await new Promise((resolve) => server.close(resolve));
    expect(ok).toBe(false);
    expect(text()).toContain(`"webhook":"http://127.0.0.1:${port}"`);
    expect(text()).not.toContain('secret-path-token');
  });
});
