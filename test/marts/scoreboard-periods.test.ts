import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScoreboardHtml, renderScoreboardText } from '../../pipelines/report/index.js';
import { readScoreboardReport } from '../../warehouse/marts/report-data.js';
import { buildMarts } from '../../warehouse/marts/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { SCOREBOARD } from './fixture.js';
import { seedSmallCompany } from './seed-small-company.js';
import { tableRows } from './read-rows.js';

const targets = await engineTargets();

/**
 * What a director reads first: the last complete period, the running one apart and unjudged,
 * leads dated by the source, no zeros where there is no data, targets that survive a build
 * without config, and money that is never summed across currencies.
 */
describe.each(targets)('scoreboard periods and definitions on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await seedSmallCompany(t.wh);
    // Dmitry's web form was submitted in April, a month before his first call.
    await t.wh
      .knex('stg_contact')
      .where({ source: 'crm', source_key: 'C4' })
      .update({ source_created_at: t.wh.adapter.timestamp(new Date('2024-04-20T12:00:00Z')) });
  });
  afterAll(async () => t?.drop());
  const rows = (columns: string[]) => tableRows(t.wh, 'mart_scoreboard', columns);

  it.skipIf(target.unavailable)(
    'mid-month: reports the last complete month, the running one partial and unjudged',
    async () => {
      await buildMarts(t.wh, { asOf: '2024-06-12', scoreboard: SCOREBOARD });
      const all = await rows(['indicator', 'period', 'actual', 'status', 'partial']);
      const june = all.filter(
        (r) => r[1] === '2024-06' && r[0] !== 'duplicate_rate' && !String(r[0]).includes(':'),
      );
      const series = june.filter(
        (r) => !['completeness', 'profit_per_customer', 'clv_predicted_avg'].includes(String(r[0])),
      );
      expect(series.length).toBeGreaterThan(5);
      for (const r of series) expect([r[0], r[3], r[4]]).toEqual([r[0], null, 1]);
      // May is complete and judged; the per-period figures there are May's.
      // Nobody bought in May: no ratio, and no status either (never a 0 % judged "behind").
      expect(all.find((r) => r[0] === 'returning_customer_ratio' && r[1] === '2024-05')?.slice(2)).toEqual([
        null,
        null,
        0,
      ]);
      expect(all.find((r) => r[0] === 'cac' && r[1] === '2024-05')?.slice(2)).toEqual([null, null, 0]);
      // Leads by the form's date: Dmitry in April, not May (his first call) nor the load month.
      const leads = all.filter((r) => r[0] === 'leads').map((r) => [r[1], r[2]]);
      expect(leads).toEqual([
        ['2024-01', 3],
        ['2024-02', 0],
        ['2024-03', 1],
        ['2024-04', 1],
        ['2024-05', 0],
        ['2024-06', 1],
      ]);
      const report = await readScoreboardReport(t.wh);
      expect([report.period, report.runningPeriod]).toEqual(['2024-05', '2024-06']);
      const text = renderScoreboardText(report);
      expect(text).toMatch(/^Scoreboard for 2024-05 \(last complete period\)/);
      expect(text).toMatch(
        /Acquisition cost \(CAC\)\s+long\s+2024-05\s+no data\s.*no new customers in 2024-05/,
      );
      expect(text).toMatch(/2024-06 so far \(running period: partial, not judged against targets\)/);
      // The page: May's figures, June's beside them marked partial, no badge on a card without data.
      const html = renderScoreboardHtml(report);
      expect(html).toContain(
        'Figures for <b>2024-05</b>, the last complete period; 2024-06 is still running',
      );
      expect(html).toMatch(
        /2024-06 so far: <b>[^<]+<\/b> <span class="partial">partial · not judged<\/span>/,
      );
      const cac = /<article class="card" data-indicator="cac">[\s\S]*?<\/article>/.exec(html)![0];
      expect(cac).toContain('<span class="badge nodata">not judged</span>');
      expect(cac).toContain('no new customers in 2024-05');
      expect(cac).not.toMatch(/class="badge" style/);
    },
  );

  it.skipIf(target.unavailable)(
    'a lead dated after the as-of day does not count, even in its month',
    async () => {
      const { knex, adapter } = t.wh;
      const at = (iso: string) => adapter.timestamp(new Date(iso));
      await knex('dim_customer').insert({
        customer_id: 7,
        full_name: 'Late Lead',
        first_seen: at('2024-07-01T00:00:00Z'),
        last_seen: at('2024-07-01T00:00:00Z'),
        record_count: 1,
      });
      await knex('customer_crosswalk').insert({
        source: 'crm',
        source_key: 'C7',
        customer_id: 7,
        match_rule: 'email',
        match_score: 1,
        linked_at: at('2024-07-01T00:00:00Z'),
      });
      await knex('stg_contact').insert({
        source: 'crm',
        source_key: 'C7',
        full_name: 'Late Lead',
        source_created_at: at('2024-06-20T09:00:00Z'),
      });
      await knex('stg_interaction').insert({
        source: 'crm',
        source_key: 'i-late',
        customer_source_key: 'C7',
        direction: 'inbound',
        channel: 'email',
        occurred_at: at('2024-06-20T09:05:00Z'),
      });
      try {
        const june = async (asOf: string) => {
          await buildMarts(t.wh, { asOf, scoreboard: SCOREBOARD });
          return (await rows(['indicator', 'period', 'actual'])).find(
            (r) => r[0] === 'leads' && r[1] === '2024-06',
          )?.[2];
        };
        expect(await june('2024-06-12')).toBe(1);
        expect(await june('2024-06-19')).toBe(1);
        expect(await june('2024-06-20')).toBe(2);
      } finally {
        await knex('stg_interaction').where({ source: 'crm', source_key: 'i-late' }).delete();
        await knex('stg_contact').where({ source: 'crm', source_key: 'C7' }).delete();
        await knex('customer_crosswalk').where({ source: 'crm', source_key: 'C7' }).delete();
        await knex('fct_interaction').where({ customer_id: 7 }).delete();
        await knex('dim_customer').where({ customer_id: 7 }).delete();
      }
    },
  );

  it.skipIf(target.unavailable)('CAC without any spend source says so instead of 0', async () => {
    const spend = await t.wh.knex('stg_spend').select('*');
    await t.wh.knex('stg_spend').delete();
    try {
      await buildMarts(t.wh, { asOf: '2024-06-30', scoreboard: SCOREBOARD });
      const cac = await tableRows(t.wh, 'mart_scoreboard', [
        'indicator',
        'period',
        'actual',
        'status',
        'note',
      ]);
      expect(cac.filter((r) => r[0] === 'cac')).toEqual([
        ['cac', '2024-06', null, null, 'no spend data: add a spend source (marketing spend by month)'],
      ]);
    } finally {
      await t.wh.knex('stg_spend').insert(spend);
    }
  });

  it.skipIf(target.unavailable)(
    'keeps the targets without a config, and a changed target as history',
    async () => {
      await buildMarts(t.wh, { asOf: '2024-06-30', scoreboard: SCOREBOARD });
      const result = await buildMarts(t.wh, { asOf: '2024-06-30' });
      expect(result.scoreboard.origin).toBe('warehouse');
      const status = async () =>
        (await rows(['indicator', 'period', 'target', 'status'])).find(
          (r) => r[0] === 'cac' && r[1] === '2024-06',
        );
      expect(await status()).toEqual(['cac', '2024-06', 40, 'met']);
      const changed = {
        ...SCOREBOARD,
        indicators: SCOREBOARD.indicators!.map((i) => (i.indicator === 'cac' ? { ...i, target: 15 } : i)),
      };
      await buildMarts(t.wh, { asOf: '2024-06-30', scoreboard: changed });
      await buildMarts(t.wh, { asOf: '2024-06-30' });
      expect((await status())?.slice(2)).toEqual([15, 'on track']);
      const history = (await t.wh
        .knex('scoreboard_target')
        .where('indicator', 'cac')
        .orderBy('target_id')) as Array<{
        target: number;
        valid_to: unknown;
      }>;
      expect(history.map((h) => [Number(h.target), h.valid_to === null])).toEqual([
        [40, false],
        [15, true],
      ]);
    },
  );

  it.skipIf(target.unavailable)(
    'a failed build, or one that finds the lock taken, records no targets',
    async () => {
      await buildMarts(t.wh, { asOf: '2024-06-30', scoreboard: SCOREBOARD });
      const current = async () =>
        (
          (await t.wh.knex('scoreboard_target').whereNull('valid_to').orderBy('indicator')) as Array<{
            indicator: string;
            target: number;
          }>
        ).map((r) => [r.indicator, Number(r.target)]);
      const before = await current();
      expect(before).toContainEqual(['cac', 40]);
      const changed = {
        ...SCOREBOARD,
        indicators: SCOREBOARD.indicators!.map((i) => (i.indicator === 'cac' ? { ...i, target: 25 } : i)),
      };
      // Fails halfway through the marts (the caller's progress hook throws).
      await expect(
        buildMarts(t.wh, {
          asOf: '2024-06-30',
          scoreboard: changed,
          onProgress: (e) => {
            if (e.step === 'mart_cohort_retention') throw new Error('disk full');
          },
        }),
      ).rejects.toThrow('disk full');
      expect(await current()).toEqual(before);
      // Another build holds the lock.
      const lock = await t.wh.adapter.tryLock(t.wh.knex, 'crm-etl:marts');
      try {
        await expect(buildMarts(t.wh, { asOf: '2024-06-30', scoreboard: changed })).rejects.toThrow(
          /being rebuilt by another run/,
        );
      } finally {
        await lock?.release();
      }
      expect(await current()).toEqual(before);
      // The same config in a build that succeeds is recorded.
      await buildMarts(t.wh, { asOf: '2024-06-30', scoreboard: changed });
      expect(await current()).toContainEqual(['cac', 25]);
      await buildMarts(t.wh, { asOf: '2024-06-30', scoreboard: SCOREBOARD });
    },
  );

  it.skipIf(target.unavailable)(
    'converts other currencies by the configured rates, never sums them as they are',
    async () => {
      // The order is edited in place, without the updated_at a re-import stamps: the refresh would
      // not see it, so these builds are full ones (test/marts/incremental.test.ts covers refreshes).
      await t.wh.knex('stg_order').where('source_key', 's3').update({ currency: 'USD' });
      try {
        await buildMarts(t.wh, {
          full: true,
          asOf: '2024-06-30',
          scoreboard: { ...SCOREBOARD, indicators: [] },
        });
        const clv = async () =>
          (await rows(['indicator', 'period', 'actual', 'note'])).filter(
            (r) => r[0] === 'clv_avg' && r[1] === '2024-06',
          );
        // RUB and USD with no rates: no sum at all, and the reason.
        expect(await clv()).toEqual([
          [
            'clv_avg',
            '2024-06',
            null,
            'amounts in several currencies (RUB, USD): set scoreboard.currency (base and rates) to convert them',
          ],
        ]);
        await buildMarts(t.wh, {
          full: true,
          asOf: '2024-06-30',
          scoreboard: {
            ...SCOREBOARD,
            indicators: [],
            currency: { base: 'RUB', rates: [{ period: '2024-Q2', currency: 'USD', rate: 90 }] },
          },
        });
        // Revenue up to June: 605.55 RUB with s3 (99.99) now in USD at 90 RUB, over 5 buyers.
        expect((await clv())[0]?.[2]).toBe(Math.round(((605.55 - 99.99 + 99.99 * 90) / 5) * 100) / 100);
      } finally {
        await t.wh.knex('stg_order').where('source_key', 's3').update({ currency: 'RUB' });
      }
    },
  );

  it.skipIf(target.unavailable)(
    'CLV, RFM and profitability in the base currency by the rate of each order month',
    async () => {
      const usd = ['s1', 's3'];
      // The order is edited in place, without the updated_at a re-import stamps: the refresh would
      // not see it, so these builds are full ones (test/marts/incremental.test.ts covers refreshes).
      await t.wh.knex('stg_order').whereIn('source_key', usd).update({ currency: 'USD' });
      try {
        const money = async () => ({
          clv: (await tableRows(t.wh, 'mart_customer_clv', ['customer_id', 'historical_value'])).map((r) =>
            r.map(Number),
          ),
          rfm: (await tableRows(t.wh, 'mart_customer_rfm', ['customer_id', 'monetary'])).map((r) =>
            r.map(Number),
          ),
          revenue:
            Math.round(
              (await tableRows(t.wh, 'mart_segment_profitability', ['revenue'])).reduce(
                (sum, r) => sum + Number(r[0]) * 100,
                0,
              ),
            ) / 100,
          board: (await rows(['indicator', 'period', 'actual', 'note'])).filter(
            (r) => r[0] === 'profit_per_customer' && r[1] === '2024-06',
          ),
        });
        // USD without a rate for January: Eva's order is left out, and the page says why.
        const partial = await buildMarts(t.wh, {
          full: true,
          asOf: '2024-06-30',
          scoreboard: {
            ...SCOREBOARD,
            indicators: [],
            currency: { base: 'RUB', rates: [{ period: '2024-Q2', currency: 'USD', rate: 92 }] },
          },
        });
        const gap = 'no rate for USD in 2024-01: add it to scoreboard.currency.rates';
        expect(partial.notes.join('\n')).toContain(gap);
        expect((await money()).board).toEqual([['profit_per_customer', '2024-06', null, gap]]);

        await buildMarts(t.wh, {
          full: true,
          asOf: '2024-06-30',
          scoreboard: {
            ...SCOREBOARD,
            indicators: [],
            currency: {
              base: 'RUB',
              rates: [
                { period: '2024-01', currency: 'USD', rate: 90 },
                { period: '2024-Q2', currency: 'USD', rate: 92 },
              ],
            },
          },
        });
        const m = await money();
        // Eva (5): 45.50 USD in January at 90; Gusev (6): 99.99 USD in June at 92.
        expect(m.clv.filter((r) => r[0]! >= 5)).toEqual([
          [5, 4095],
          [6, 9199.08],
        ]);
        expect(m.rfm.filter((r) => r[0]! >= 5)).toEqual([
          [5, 4095],
          [6, 9199.08],
        ]);
        // The RUB orders as they are, plus both converted ones.
        expect(m.revenue).toBe(Math.round((605.55 - 45.5 - 99.99 + 4095 + 9199.08) * 100) / 100);
        expect(m.board[0]?.[2]).toEqual(expect.any(Number));
      } finally {
        await t.wh.knex('stg_order').whereIn('source_key', usd).update({ currency: 'RUB' });
      }
    },
  );
});
