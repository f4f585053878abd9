import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crmEtl } from '../support/cli.js';

interface Report {
  runId: number;
  status: string;
  steps: Array<{
    step: string;
    status: string;
    detail?: Array<{ source: string; inputs: Array<Record<string, number>> }>;
  }>;
}

describe('the demo pipeline (npm start)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-'));
  const db = `sqlite:${path.join(dir, 'warehouse.db')}`;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stages every bundled sample with an account of every row, and is idempotent', () => {
    const first = crmEtl(['run', 'demo', '--db', db, '--json']);
    expect(first.code, first.stderr).toBe(0);
    const report = first.json<Report>();
    expect(report.status).toBe('succeeded');
    const inputs = report.steps[0]!.detail!.flatMap((s) => s.inputs);
    expect(inputs.length).toBe(5);
    for (const i of inputs) expect(i.rows).toBe(i.loaded! + i.quarantined! + i.duplicates!);
    expect(inputs.reduce((n, i) => n + i.quarantined!, 0)).toBeGreaterThan(0);

    const second = crmEtl(['run', 'demo', '--db', db, '--json']);
    expect(second.code, second.stderr).toBe(0);
    const again = second.json<Report>().steps[0]!.detail!.flatMap((s) => s.inputs);
    for (const [i, input] of again.entries()) {
      expect(input.loaded).toBe(0);
      expect(input.duplicates).toBe(inputs[i]!.loaded);
      expect(input.quarantined).toBe(inputs[i]!.quarantined);
    }

    const runs = crmEtl(['runs', '--db', db, '--json']).json<{
      runs: Array<{ pipeline: string; status: string }>;
    }>();
    expect(runs.runs.map((r) => [r.pipeline, r.status])).toEqual([
      ['demo', 'succeeded'],
      ['demo', 'succeeded'],
    ]);
  });
});
