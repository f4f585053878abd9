import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSummary, predictCustomerClv } from '../../transforms/clv/index.js';
import type { StageRow } from '../../warehouse/engines/adapter.js';
import { loadStaging } from '../../warehouse/staging/loader.js';
import { buildMarts, type BuildMartsResult } from '../../warehouse/marts/index.js';
import { STG_ORDER } from '../../warehouse/tables.js';
import { migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const CDNOW = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/datasets/cdnow/CDNOW_sample.txt',
);

/** `master_id sample_id YYYYMMDD cds dollars`, one line per purchase; one customer per master_id. */
function cdnowOrders(): StageRow[] {
  return readFileSync(CDNOW, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((line, i) => {
      const [master = '', , ymd = '', , dollars = ''] = line.trim().split(/\s+/);
      return {
        source: 'cdnow',
        source_key: `line-${i + 1}`,
        customer_source_key: master,
        order_date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`,
        amount: Number(dollars),
        currency: 'USD',
        status: 'completed',
      };
    });
}

/** The CLV mart end to end on the benchmark of Fader, Hardie & Lee (2005), in the embedded warehouse. */
describe('CDNOW through the CLV mart (SQLite)', () => {
  let t: TestWarehouse;
  let result: BuildMartsResult;
  const orders = cdnowOrders();
  beforeAll(async () => {
    t = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
    await loadStaging(t.wh, STG_ORDER, orders);
    result = await buildMarts(t.wh, {
      asOf: '1998-06-30',
      clv: { calibrationEnd: '1997-09-30', unit: 'week', horizonMonths: 12, monthlyDiscountRate: 0.01 },
    });
  });
  afterAll(async () => t?.drop());

  it('fits the published BG/NBD parameters r=0.243, α=4.414, a=0.793, b=2.426 and LL −9582.4', () => {
    expect(result.clv.status).toBe('fitted');
    expect(result.clv).toMatchObject({ unit: 'week', customers: 2357, repeaters: 946 });
    const bg = result.clv.bgNbd!;
    expect(bg.converged).toBe(true);
    expect(bg.r.toFixed(3)).toBe('0.243');
    expect(bg.alpha.toFixed(3)).toBe('4.414');
    expect(bg.a.toFixed(3)).toBe('0.793');
    expect(bg.b.toFixed(3)).toBe('2.426');
    expect(bg.logLikelihood.toFixed(1)).toBe('-9582.4');
  });

  it('fits the published Gamma–Gamma parameters p=6.25, q=3.74, γ=15.44', () => {
    const gg = result.clv.gammaGamma!;
    expect(gg).toMatchObject({ customers: 946, sampled: false });
    expect(gg.p.toFixed(2)).toBe('6.25');
    expect(gg.q.toFixed(2)).toBe('3.74');
    expect(gg.gamma.toFixed(2)).toBe('15.44');
  });

  it('stores the inputs buildSummary computes and the predictions transforms/clv makes from them', async () => {
    const reference = buildSummary(
      orders.map((o) => ({
        customerId: String(o.customer_source_key),
        date: String(o.order_date),
        amount: Number(o.amount),
      })),
      { calibrationEnd: '1997-09-30', unit: 'week' },
    );
    const rows = (await t.wh
      .knex('mart_customer_clv as m')
      .join('customer_crosswalk as x', 'x.customer_id', 'm.customer_id')
      .select(
        'x.source_key',
        'm.x',
        'm.t_x',
        'm.t_cal',
        'm.time_unit',
        'm.p_alive',
        'm.expected_purchases',
        'm.clv',
      )) as Array<Record<string, number | string>>;
    expect(rows).toHaveLength(2357);
    const byKey = new Map(rows.map((r) => [String(r.source_key), r]));
    const model = { bgNbd: result.clv.bgNbd!, gammaGamma: result.clv.gammaGamma! };
    for (const c of reference.customers) {
      const row = byKey.get(c.customerId)!;
      expect(row, c.customerId).toBeDefined();
      expect([row.x, row.time_unit]).toEqual([c.x, 'week']);
      expect(Number(row.t_x)).toBeCloseTo(c.tx, 12);
      expect(Number(row.t_cal)).toBeCloseTo(c.T, 12);
      const p = predictCustomerClv(model, c, 'week', { horizonMonths: 12, monthlyDiscountRate: 0.01 });
      expect(Number(row.p_alive)).toBeCloseTo(p.pAlive, 9);
      expect(Number(row.expected_purchases)).toBeCloseTo(p.expectedPurchases, 9);
      expect(Number(row.clv)).toBeCloseTo(p.clv, 2);
    }
  });
  it("reads the same CLV inputs from the buyers' one pass when calibration ends on the as-of day", async () => {
    // Above, the calibration ended before the as-of day: its inputs came from a pass over the orders.
    const cols = [
      'customer_id',
      'historical_value',
      'x',
      't_x',
      't_cal',
      'mean_repeat_value',
      'p_alive',
      'clv',
    ];
    const byOrders = await t.wh.knex('mart_customer_clv').select(cols).orderBy('customer_id');
    const again = await buildMarts(t.wh, {
      asOf: '1997-09-30',
      clv: { unit: 'week', horizonMonths: 12, monthlyDiscountRate: 0.01 },
    });
    expect(again.clv).toEqual(result.clv);
    const byBuyers = await t.wh.knex('mart_customer_clv').select(cols).orderBy('customer_id');
    expect(byBuyers).toHaveLength(2357);
    expect(byBuyers).toEqual(byOrders);
  });
});
