import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

const COLUMNS = ['record_id', 'rule', 'block_key'] as const;

/** Rows of numbers by column, as resolve stores blocking keys: signs, zero, the ends of their ranges. */
function columns(n: number): [Float64Array, Int32Array, Uint32Array] {
  const record = new Float64Array(n);
  const rule = new Int32Array(n);
  const key = new Uint32Array(n);
  const edges = [0, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 40];
  for (let i = 0; i < n; i++) {
    record[i] = i < edges.length ? edges[i]! : i * 7919 - 1_000_000;
    rule[i] = (i % 5) - 2;
    key[i] = i === 0 ? 0xffffffff : (i * 2654435761) >>> 0;
  }
  return [record, rule, key];
}

const rowsOf = (data: ReturnType<typeof columns>, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    record_id: data[0][i]!,
    rule: data[1][i]!,
    block_key: data[2][i]!,
  }));

describe.each(targets)('adapter.insertNumberColumns and emptyTable on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (!target.unavailable) t = await migratedWarehouse(target);
  });
  afterAll(async () => t?.drop());
  beforeEach(async () => {
    if (!target.unavailable) await t.wh.knex('identity_block_key').delete();
  });

  const stored = async () =>
    (
      (await t.wh
        .knex('identity_block_key')
        .select(...COLUMNS)
        .orderBy(['record_id', 'rule', 'block_key'])) as Array<Record<string, unknown>>
    ).map((r) => ({ record_id: Number(r.record_id), rule: Number(r.rule), block_key: Number(r.block_key) }));

  const sorted = (rows: ReturnType<typeof rowsOf>) =>
    [...rows].sort((a, b) => a.record_id - b.record_id || a.rule - b.rule || a.block_key - b.block_key);

  it.skipIf(target.unavailable)(
    'stores negative, zero and 53-bit numbers exactly, across the groups each engine writes in',
    async () => {
      const n = 2_345;
      const data = columns(n);
      await t.wh.knex.transaction((trx) =>
        t.wh.adapter.insertNumberColumns(trx, 'identity_block_key', COLUMNS, data, n),
      );
      expect(await stored()).toEqual(sorted(rowsOf(data, n)));
      // Only `length` rows of longer columns.
      await t.wh.knex('identity_block_key').delete();
      await t.wh.adapter.insertNumberColumns(t.wh.knex, 'identity_block_key', COLUMNS, data, 3);
      expect(await stored()).toEqual(sorted(rowsOf(data, 3)));
    },
  );

  it.skipIf(target.unavailable)(
    'empties a table inside the caller transaction: undone with it, and the transaction stays open',
    async () => {
      const data = columns(10);
      await t.wh.adapter.insertNumberColumns(t.wh.knex, 'identity_block_key', COLUMNS, data, 10);
      const trx = await t.wh.knex.transaction();
      await t.wh.adapter.emptyTable(trx, 'identity_block_key');
      expect(
        Number(((await trx('identity_block_key').count({ n: '*' })) as Array<{ n: unknown }>)[0]!.n),
      ).toBe(0);
      await trx('identity_block_key').insert({ record_id: 1, rule: 1, block_key: 1 });
      await trx.rollback();
      // Rolled back: the emptying and the row written after it (a commit in between would keep them).
      expect(await stored()).toEqual(sorted(rowsOf(data, 10)));
      await t.wh.knex.transaction((x) => t.wh.adapter.emptyTable(x, 'identity_block_key'));
      expect(await stored()).toEqual([]);
    },
  );
});
