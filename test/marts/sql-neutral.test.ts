import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfmSegment } from '../../transforms/clv/index.js';
import { voidStatusSql } from '../../warehouse/marts/facts.js';
import { rfmSegmentSql } from '../../warehouse/marts/rfm.js';
import { Sql, str } from '../../warehouse/marts/sql.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

/** The SQL building blocks of the marts give the same answer on every engine. */
describe.each(targets)('engine-neutral SQL on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (!target.unavailable) t = await migratedWarehouse(target);
  });
  afterAll(async () => t?.drop());
  const one = async (expr: string) => {
    const [row] = t.wh.adapter.rows(await t.wh.knex.raw(`SELECT ${expr} AS v`));
    return row?.v === null || row?.v === undefined ? null : Number(row.v);
  };

  it.skipIf(target.unavailable)(
    'rounds half away from zero on the decimal value, ratios as doubles',
    async () => {
      const sql = new Sql(t.wh.adapter);
      // 10.01 / 2 = 5.005 is stored as 5.00499999…: ROUND() would give 5.00 on SQLite, 5.01 on PostgreSQL.
      expect(await one(sql.round(sql.ratio('10.01', '2')))).toBe(5.01);
      expect(await one(sql.round(sql.ratio('-10.01', '2')))).toBe(-5.01);
      expect(await one(sql.round('2.675'))).toBe(2.68);
      expect(await one(sql.round('1001.0 / 2', 0))).toBe(501);
      expect(await one(sql.round('0.1 + 0.2'))).toBe(0.3);
      expect(await one(sql.ratio('1', '3'))).toBe(1 / 3); // MySQL's `/` alone gives 0.3333
      expect(await one(sql.ratio('7', '0'))).toBeNull();
      expect(await one(sql.floorDiv('14', 5))).toBe(2);
    },
  );

  it.skipIf(target.unavailable)('counts days and months between dates the same way', async () => {
    const sql = new Sql(t.wh.adapter);
    expect(await one(sql.daysBetween(`'2024-02-15'`, `'2024-06-30'`))).toBe(136);
    expect(await one(sql.daysBetween(`'1997-01-01'`, `'1997-09-30'`))).toBe(272);
    expect(await one(sql.monthIndex(`'2024-03-31'`))).toBe(2024 * 12 + 2);
    const secs = t.wh.adapter.secondsBetween(
      sqlTimestamp(t, '2024-05-02T09:00:00.000Z'),
      sqlTimestamp(t, '2024-05-02T13:30:00.250Z'),
    );
    expect(await one(sql.round(secs, 1))).toBe(16200.3);
  });

  it.skipIf(target.unavailable)(
    'maps all 125 (R, F, M) scores to the segment transforms/clv gives',
    async () => {
      const combos: Array<[number, number, number]> = [];
      for (let r = 1; r <= 5; r++)
        for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) combos.push([r, f, m]);
      const values = combos.map(([r, f, m]) => `SELECT ${r} AS r, ${f} AS f, ${m} AS m`).join(' UNION ALL ');
      const rows = t.wh.adapter.rows(
        await t.wh.knex.raw(`SELECT r, f, m, ${rfmSegmentSql('r', 'f', 'm')} AS segment FROM (${values}) s`),
      );
      const got = new Map(rows.map((row) => [`${row.r}${row.f}${row.m}`, row.segment]));
      for (const [r, f, m] of combos)
        expect(got.get(`${r}${f}${m}`), `R${r} F${f} M${m}`).toBe(rfmSegment(r, f, m));
    },
  );

  it.skipIf(target.unavailable)(
    'recognises cancellations and returns in English and Russian, any case',
    async () => {
      const statuses = [
        'Cancelled',
        'canceled',
        'CANCELLED',
        'Отменён',
        'отменен',
        'ОТМЕНЁН',
        'Возврат',
        'ВОЗВРАТ',
        'returned',
        'Refund',
        'Аннулирован',
      ];
      const kept = ['Выполнен', 'done', 'paid', 'Оплачен', 'shipped'];
      for (const s of [...statuses, ...kept]) {
        expect(await one(`CASE WHEN ${voidStatusSql(str(s))} THEN 1 ELSE 0 END`), s).toBe(
          statuses.includes(s) ? 1 : 0,
        );
      }
    },
  );

  it.skipIf(target.unavailable)('copies a table with its key for building aside', async () => {
    const { knex, adapter } = t.wh;
    const copy = 'mart_segment_profitability__copy';
    await knex.schema.dropTableIfExists(copy);
    await adapter.createTableLike(knex, copy, 'mart_segment_profitability');
    expect(Object.keys(await knex(copy).columnInfo()).sort()).toEqual(
      Object.keys(await knex('mart_segment_profitability').columnInfo()).sort(),
    );
    const row = { segment: 'new', region: '', owner: '', revenue: 12.34 };
    await knex(copy).insert(row);
    await expect(knex(copy).insert(row)).rejects.toThrow();
    expect(Number((await knex(copy).first('revenue'))?.revenue)).toBe(12.34);
    await knex.schema.dropTable(copy);
  });
});

/** A timestamp literal in the form the engine stores datetimes. */
function sqlTimestamp(t: TestWarehouse, iso: string): string {
  const v = t.wh.adapter.timestamp(new Date(iso));
  const text = v instanceof Date ? v.toISOString().replace('T', ' ').replace('Z', '') : String(v);
  return t.wh.adapter.name === 'postgres' ? `CAST('${text}+00' AS timestamptz)` : `'${text}'`;
}
