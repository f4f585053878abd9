import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StageRow } from '../../warehouse/engines/adapter.js';
import { loadStaging } from '../../warehouse/staging/loader.js';
import { STG_CONTACT, STG_ORDER } from '../../warehouse/tables.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

/** Values that break naive bulk paths: every escape character, NULL vs '', non-BMP unicode. */
const NASTY: Array<string | null> = [
  'Иванов Иван Иванович',
  'tab\there',
  'new\nline',
  'carriage\r\nreturn',
  'back\\slash \\N not null',
  `quotes "double" and 'single'`,
  '',
  null,
  'emoji 😀 and 中文 and ё',
  '\\',
  '=SUM(A1:A2)',
];

function contact(i: number, overrides: Partial<StageRow> = {}): StageRow {
  return {
    source: 'test',
    source_key: `k${i}`,
    run_id: 1,
    file: 'in.csv',
    line: i + 2,
    first_name: NASTY[i % NASTY.length] ?? null,
    last_name: `Last${i}`,
    email: `u${i}@example.com`,
    phone: `+7912${String(i).padStart(7, '0')}`,
    birth_date: i % 3 === 0 ? null : '1980-02-29',
    attributes: { note: NASTY[(i + 3) % NASTY.length] ?? null, n: i },
    ...overrides,
  };
}

describe.each(targets)('loader on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (!target.unavailable) t = await migratedWarehouse(target);
  });
  afterAll(async () => t?.drop());
  beforeEach(async () => {
    if (!target.unavailable) {
      await t.wh.knex('stg_contact').delete();
      await t.wh.knex('stg_order').delete();
    }
  });

  it.skipIf(target.unavailable)('round-trips unicode, escapes, NULLs and empty strings exactly', async () => {
    const rows = NASTY.map((_, i) => contact(i));
    const stats = await loadStaging(t.wh, STG_CONTACT, rows);
    expect(stats).toEqual({ rows: NASTY.length, inserted: NASTY.length, updated: 0, unchanged: 0 });
    const back = await t.wh.knex('stg_contact').select('*').orderBy('line');
    expect(back).toHaveLength(NASTY.length);
    back.forEach((row: Record<string, unknown>, i: number) => {
      expect(row.first_name, `row ${i}`).toBe(NASTY[i]);
      expect(row.birth_date).toBe(i % 3 === 0 ? null : '1980-02-29');
      expect(Number(row.line)).toBe(i + 2);
      expect(t.wh.adapter.parseJson(row.attributes)).toEqual({
        note: NASTY[(i + 3) % NASTY.length] ?? null,
        n: i,
      });
      expect(typeof row.row_hash).toBe('string');
    });
  });

  it.skipIf(target.unavailable)('is idempotent and updates only changed rows (merge path)', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => contact(i));
    await loadStaging(t.wh, STG_CONTACT, rows);
    const again = await loadStaging(
      t.wh,
      STG_CONTACT,
      Array.from({ length: 50 }, (_, i) => contact(i)),
    );
    expect(again).toEqual({ rows: 50, inserted: 0, updated: 0, unchanged: 50 });

    const edited = Array.from({ length: 52 }, (_, i) => contact(i, i === 7 ? { last_name: 'Petrov' } : {}));
    const third = await loadStaging(t.wh, STG_CONTACT, edited);
    expect(third).toEqual({ rows: 52, inserted: 2, updated: 1, unchanged: 49 });
    expect(await t.wh.knex('stg_contact').count({ n: '*' })).toEqual([{ n: 52 }]);
    const row7 = await t.wh.knex('stg_contact').where({ source_key: 'k7' }).first();
    expect(row7.last_name).toBe('Petrov');
  });

  it.skipIf(target.unavailable)('clears a value that a re-imported row no longer has', async () => {
    await loadStaging(t.wh, STG_CONTACT, [contact(1), contact(2)]);
    const stats = await loadStaging(t.wh, STG_CONTACT, [
      contact(1, { email: null, phone: null, first_name: null, attributes: null }),
    ]);
    expect(stats).toEqual({ rows: 1, inserted: 0, updated: 1, unchanged: 0 });
    const row = await t.wh.knex('stg_contact').where({ source_key: 'k1' }).first();
    expect([row.email, row.phone, row.first_name, row.attributes]).toEqual([null, null, null, null]);
    expect(row.last_name).toBe('Last1');
  });

  it.skipIf(target.unavailable)('a key repeated within one load keeps its last version', async () => {
    const rows = [contact(1), contact(2), contact(1, { last_name: 'Second' })];
    const stats = await loadStaging(t.wh, STG_CONTACT, rows);
    expect(stats.rows).toBe(3);
    expect(stats.inserted).toBe(2);
    expect(stats.inserted + stats.updated + stats.unchanged).toBe(3);
    const k1 = await t.wh.knex('stg_contact').where({ source_key: 'k1' }).first();
    expect(k1.last_name).toBe('Second');
  });

  it.skipIf(target.unavailable)('loads decimals and dates into stg_order with the same values', async () => {
    const order = (i: number, amount: number) => ({
      source: 'erp',
      source_key: `o${i}`,
      customer_source_key: `c${i % 3}`,
      order_date: '2026-01-31',
      amount,
      cost: null,
      currency: 'RUB',
      attributes: {},
    });
    await loadStaging(t.wh, STG_ORDER, [order(1, 1234.56), order(2, -0.01), order(3, 99999999.99)]);
    const back = await t.wh
      .knex('stg_order')
      .select('source_key', 'amount', 'cost', 'order_date')
      .orderBy('source_key');
    expect(back).toEqual([
      { source_key: 'o1', amount: 1234.56, cost: null, order_date: '2026-01-31' },
      { source_key: 'o2', amount: -0.01, cost: null, order_date: '2026-01-31' },
      { source_key: 'o3', amount: 99999999.99, cost: null, order_date: '2026-01-31' },
    ]);
  });

  it.skipIf(target.unavailable)(
    'streams 100,000 rows across batch, parameter and packet limits',
    async () => {
      const N = 100_000;
      async function* generate(offset = 0) {
        for (let i = offset; i < offset + N; i++)
          yield contact(i, { first_name: `Имя ${i} ${'x'.repeat(i % 200)}` });
      }
      const batches: number[] = [];
      const first = await loadStaging(t.wh, STG_CONTACT, generate(), {
        onBatch: (s) => batches.push(s.rows),
      });
      expect(first).toEqual({ rows: N, inserted: N, updated: 0, unchanged: 0 });
      expect(batches.length).toBeGreaterThan(1);
      // Half new, half repeats: the merge path over several batches.
      const second = await loadStaging(t.wh, STG_CONTACT, generate(N / 2));
      expect(second).toEqual({ rows: N, inserted: N / 2, updated: 0, unchanged: N / 2 });
      expect(await t.wh.knex('stg_contact').count({ n: '*' })).toEqual([{ n: N * 1.5 }]);
      const sample = await t.wh.knex('stg_contact').where({ source_key: 'k99999' }).first();
      expect(sample.first_name).toBe(`Имя 99999 ${'x'.repeat(99999 % 200)}`);
    },
  );

  it.skipIf(target.unavailable)('rolls back the whole load when a row is invalid', async () => {
    const bad = [contact(1), contact(2, { source_key: null })];
    await expect(loadStaging(t.wh, STG_CONTACT, bad)).rejects.toThrow();
    expect(await t.wh.knex('stg_contact').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
