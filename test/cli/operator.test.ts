import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmEtl } from '../support/cli.js';

interface Status {
  schema: { applied: string; latest: string; pending: number };
  tables: Array<{ table: string; rows: number | null }>;
  pipelines: Array<{ pipeline: string; status: string; last_success_at: string | null }>;
  quarantine: Array<{ source: string; rows: number }>;
  overdue: Array<{ pipeline: string; schedule: string }>;
}

/** An operator answers "what was rejected, from where and why" and "is the nightly run healthy" without SQL. */
describe('the operator commands on the demo warehouse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-operator-'));
  const db = `sqlite:${path.join(dir, 'warehouse.db')}`;
  // A config with a nightly pipeline that never ran, and no scoreboard section.
  const config = path.join(dir, 'ops.yaml');
  const run = (...args: string[]) => crmEtl(['--db', db, ...args], { cwd: dir });
  beforeAll(() => {
    const demo = crmEtl(['run', 'demo', '--db', db, '--json'], { cwd: dir });
    expect(demo.code, demo.stderr).toBe(0);
    fs.writeFileSync(config, 'pipelines:\n  nightly:\n    schedule: "0 2 * * *"\n    steps: [marts]\n');
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('status: schema, rows per table, last runs, quarantine per source, overdue schedules', () => {
    const res = run('--config', config, 'status', '--json');
    expect(res.code, res.stderr).toBe(0);
    const s = res.json<Status>();
    expect(s.schema.pending).toBe(0);
    expect(s.schema.applied).toBe(s.schema.latest);
    const rows = new Map(s.tables.map((t) => [t.table, t.rows]));
    expect(rows.get('dim_customer')).toBeGreaterThan(0);
    expect(rows.get('mart_scoreboard')).toBeGreaterThan(0);
    expect(s.pipelines.map((p) => [p.pipeline, p.status, p.last_success_at !== null])).toEqual([
      ['demo', 'succeeded', true],
    ]);
    const quarantined = s.quarantine.reduce((n, q) => n + q.rows, 0);
    expect(quarantined).toBeGreaterThan(0);
    expect(s.overdue).toEqual([expect.objectContaining({ pipeline: 'nightly', schedule: '0 2 * * *' })]);
    const text = run('--config', config, 'status');
    expect(text.stdout).toMatch(/OVERDUE pipeline\s+schedule/);
    expect(text.stdout).toMatch(/quarantined from\s+rows/);
  });

  it('quarantine: a table, a CSV with the raw lines, filters by source and reason', () => {
    const status = run('status', '--json').json<Status>();
    const source = status.quarantine[0]!;
    const table = run('quarantine', '--source', source.source);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+source\s+stream\s+file:line\s+reason\s+when \(UTC\)$/);
    const csv = run('quarantine', '--source', source.source, '--csv');
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,source,stream,run_id,file,line,reason,raw,created_at');
    expect(lines.length - 1).toBeGreaterThanOrEqual(source.rows); // a raw line may hold a newline
    const byReason = run('quarantine', '--reason', 'HEADER HAS', '--json').json<{
      rows: Array<{ reason: string }>;
    }>();
    expect(byReason.rows.length).toBeGreaterThan(0);
    for (const r of byReason.rows) expect(r.reason).toMatch(/header has/);
    expect(run('quarantine', '--source', 'no-such-source').stdout).toMatch(
      /^Nothing quarantined from no-such-source/,
    );
  });

  it('customers: finds by e-mail and phone digits, with the source ids', () => {
    const byMail = run('customers', 'mariya.fedorova30', '--json').json<{
      customers: Array<{ customer_id: number; phone: string; records: string[] }>;
    }>();
    expect(byMail.customers).toHaveLength(1);
    const [hit] = byMail.customers;
    expect(hit!.records.length).toBeGreaterThan(1);
    expect(hit!.records.some((r) => r.startsWith('sales-sheets:'))).toBe(true);
    const byPhone = run('customers', hit!.phone.slice(2, 9), '--json').json<{
      customers: Array<{ customer_id: number }>;
    }>();
    expect(byPhone.customers.map((c) => c.customer_id)).toContain(hit!.customer_id);
  });

  it('runs shows each step with its seconds', () => {
    const res = run('runs');
    expect(res.stdout.split('\n')[0]).toMatch(/steps \(seconds\)/);
    expect(res.stdout).toMatch(/extract \d+\.\d · resolve \d+\.\d · marts \d+\.\d/);
  });

  it('marts without a scoreboard section keeps the recorded targets, with progress on stderr', () => {
    const before = run('scoreboard', '--json').json<{ scoreboard: Array<{ target: number | null }> }>();
    const targets = before.scoreboard.filter((r) => r.target !== null).length;
    expect(targets).toBeGreaterThan(0);
    const res = run('--config', config, 'marts', '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/marts: mart_scoreboard done in \d+\.\d s/);
    expect(res.json<{ scoreboard: { origin: string } }>().scoreboard.origin).toBe('warehouse');
    const after = run('scoreboard', '--json').json<{ scoreboard: Array<{ target: number | null }> }>();
    expect(after.scoreboard.filter((r) => r.target !== null).length).toBe(targets);
  });

  it('scoreboard --explain gives the formula; an unknown indicator is a one-line error', () => {
    const res = run('scoreboard', '--explain', 'cac');
    expect(res.stdout).toMatch(
      /formula:\s+marketing spend of the period \(stg_spend\) ÷ new customers of the period/,
    );
    const bad = run('scoreboard', '--explain', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^crm-etl: Unknown indicator 'nope'/);
  });
});
