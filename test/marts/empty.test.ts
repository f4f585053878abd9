import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readScoreboardReport,
  renderScoreboardHtml,
  renderScoreboardText,
} from '../../pipelines/report/index.js';
import { buildMarts, MART_TABLES, type BuildMartsResult } from '../../warehouse/marts/index.js';
import { migratedWarehouse, type TestWarehouse } from '../support/engines.js';

/** A fresh warehouse with nothing staged yet: every mart builds, empty, and the report says so. */
describe('marts of an empty warehouse (SQLite)', () => {
  let t: TestWarehouse;
  let result: BuildMartsResult;
  beforeAll(async () => {
    t = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
    await t.wh.knex('dim_customer').insert({ customer_id: 1, full_name: 'A Lead' });
    result = await buildMarts(t.wh, { asOf: '2026-06-30' });
  });
  afterAll(async () => t?.drop());

  it('builds every mart empty, with a note instead of a model', async () => {
    for (const table of MART_TABLES.filter((m) => m !== 'mart_scoreboard')) {
      expect(await t.wh.knex(table).count({ n: '*' }), table).toEqual([{ n: 0 }]);
    }
    expect(result.clv).toMatchObject({ status: 'historical-only', customers: 0, repeaters: 0 });
    expect(result.notes.join('\n')).toMatch(/too few to fit/);
  });

  it('renders an empty scoreboard as a message, not an error', async () => {
    const report = await readScoreboardReport(t.wh);
    // The one lead has a name and nothing else: only completeness (1 of 4 key fields) is measurable;
    // every other indicator (reply time and lead conversion too) says why it has no value instead of showing 0.
    const measured = report.scoreboard.filter((r) => r.actual !== null);
    expect(measured.map((r) => [r.indicator, r.actual])).toEqual([['completeness', 0.25]]);
    const unmeasured = report.scoreboard.filter((r) => r.actual === null);
    expect(unmeasured).toHaveLength(14);
    for (const r of unmeasured) expect(r.note, r.indicator).toMatch(/^no /);
    const text = renderScoreboardText(report);
    expect(text).toMatch(/Customer data completeness\s+short\s+2026-06 \(state\)\s+25\.0 %/);
    expect(text).toMatch(
      /Acquisition cost \(CAC\)\s+long\s+2026-06\s+no data\s.*no spend data: add a spend source/,
    );
    expect(renderScoreboardText([])).toBe('The scoreboard is empty. Run crm-etl marts first.');
    expect(renderScoreboardHtml({ ...report, scoreboard: [] })).toContain('The scoreboard is empty');
  });
});
