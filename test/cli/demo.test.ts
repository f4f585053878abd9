import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl } from '../support/cli.js';

interface Report {
  runId: number;
  status: string;
  steps: Array<{
    step: string;
    status: string;
    detail?: Array<{ source: string; inputs: Array<Record<string, number> & { file: string }> }>;
  }>;
}

describe('the demo pipeline (npm start)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-'));
  const db = `sqlite:${path.join(dir, 'warehouse.db')}`;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stages every bundled sample with an account of every row, and is idempotent', async () => {
    // In a folder of its own: the demo builds its ERP database under data/ there.
    const first = crmEtl(['run', 'demo', '--db', db, '--json'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const report = first.json<Report>();
    expect(report.status).toBe('succeeded');
    const detail = report.steps[0]!.detail!;
    const inputs = detail.flatMap((s) => s.inputs);
    expect(inputs.length).toBe(9);
    expect(fs.existsSync(path.join(dir, 'data', 'demo-erp.db'))).toBe(true);
    const erp = detail.find((s) => s.source === 'erp')!.inputs;
    expect(erp.map((i) => i.file)).toEqual(['customers', 'contacts', 'invoices']);
    for (const i of erp) expect(i.loaded).toBeGreaterThan(0);
    for (const i of inputs) expect(i.rows).toBe(i.loaded! + i.skipped! + i.quarantined! + i.duplicates!);
    // The sales mailbox: its letters staged, what is no conversation skipped with its reason.
    const mail = detail.find((s) => s.source === 'sales-mail')!.inputs[0]!;
    expect(mail).toMatchObject({
      file: 'sales-mail.mbox',
      stream: 'interaction',
      skipped: 3,
      quarantined: 0,
    });
    expect(mail.loaded).toBeGreaterThan(50);
    expect(inputs.reduce((n, i) => n + i.quarantined!, 0)).toBeGreaterThan(0);

    const second = crmEtl(['run', 'demo', '--db', db, '--json'], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    const again = second.json<Report>().steps[0]!.detail!;
    expect(again.flatMap((s) => s.inputs)).toHaveLength(inputs.length);
    for (const [i, input] of again.flatMap((s) => s.inputs).entries()) {
      expect(input.loaded).toBe(0);
      expect(input.quarantined).toBe(inputs[i]!.quarantined);
    }
    // Files are read again and every good row is a repeat; the ERP is read from where it stopped,
    // less its lookback window (the demo ERP was written within minutes, so all of it), as repeats.
    for (const input of again.flatMap((s) => s.inputs))
      expect(input.duplicates).toBe(input.rows! - input.quarantined! - input.skipped!);

    // The mailbox's conversations are linked to the demo's customers: the lead response time has values.
    const wh = await openWarehouse(db);
    try {
      const linked = wh.adapter.rows(
        await wh.knex.raw(`SELECT COUNT(*) AS n FROM fct_interaction WHERE source = 'sales-mail'`),
      )[0]!;
      expect(Number(linked.n)).toBe(mail.loaded);
      const response = await wh
        .knex('mart_scoreboard')
        .where({ indicator: 'lead_response_hours' })
        .whereNotNull('actual');
      expect(response.length).toBeGreaterThan(6);
    } finally {
      await wh.close();
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
