import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBench } from '../bench/marts.js';
import { crmEtl } from '../support/cli.js';
import { migratedWarehouse, type TestWarehouse } from '../support/engines.js';

interface Summary {
  mode: 'full' | 'incremental';
  reason: string;
  changes: { newOrders: number; affectedCustomers: number; customers: number } | null;
  clvFit: { refitted: boolean; reason: string; fittedAt: string; calibrationEnd: string };
  clv: { status: string; bgNbd?: { r: number } };
}

/** `crm-etl marts [--full] [--refit]` as a user runs it: the summary says the mode, why, and the CLV models. */
describe('crm-etl marts: refresh, --full, --refit', () => {
  let t: TestWarehouse;
  const marts = (...args: string[]) => crmEtl(['--db', t.url, 'marts', '--as-of', '2025-12-31', ...args]);
  beforeAll(async () => {
    t = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
    await seedBench(t.wh, 300);
  }, 60_000);
  afterAll(async () => t?.drop());

  it('builds in full first, then refreshes what changed, and says so', async () => {
    const first = marts('--json');
    expect(first.code, first.stderr).toBe(0);
    expect(first.json<Summary>()).toMatchObject({ mode: 'full', clvFit: { refitted: true } });

    await t.wh.knex('stg_order').insert({
      source: 'bench',
      source_key: 'cli-new',
      customer_source_key: 'c5',
      order_date: '2025-12-20',
      amount: 99,
      status: 'completed',
    });
    const text = marts();
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Marts refreshed incrementally as of 2025-12-31: refresh of what changed/);
    expect(text.stdout).toMatch(/1 new orders, .* 1 of 300 customers affected/);
    expect(text.stdout).toMatch(/CLV models kept \(kept: 1 orders new or changed since the fit/);
    expect(text.stdout).toMatch(/BG\/NBD r=\d/);

    const full = marts('--full', '--json').json<Summary>();
    expect(full).toMatchObject({ mode: 'full', reason: 'full rebuild asked for (--full)' });
    expect(full.clvFit.refitted).toBe(false);
    const refit = marts('--refit', '--json').json<Summary>();
    expect(refit).toMatchObject({
      mode: 'incremental',
      clvFit: { refitted: true, reason: 'refit asked for (--refit)' },
    });

    const status = crmEtl(['--db', t.url, 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/Marts\s+incremental build .* as of 2025-12-31/);
    expect(status.stdout).toMatch(/CLV models BG\/NBD r=.* fitted .* at calibration end 2025-12-31/);
  }, 120_000);
});
