import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../warehouse/migrate.js';
import { MIGRATIONS } from '../../warehouse/migrations/index.js';
import { CONTRACT_TABLES, STAGING_TABLES } from '../../warehouse/tables.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

describe.each(targets)('migrations on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (!target.unavailable) t = await migratedWarehouse(target);
  });
  afterAll(async () => t?.drop());

  it.skipIf(target.unavailable)('creates every contract table with its columns', async () => {
    for (const table of CONTRACT_TABLES) {
      expect(await t.wh.knex.schema.hasTable(table), table).toBe(true);
    }
    for (const spec of Object.values(STAGING_TABLES)) {
      for (const column of spec.columns) {
        expect(await t.wh.knex.schema.hasColumn(spec.name, column.name), `${spec.name}.${column.name}`).toBe(
          true,
        );
      }
    }
    for (const column of ['customer_id', 'first_seen', 'last_seen', 'record_count', 'email', 'birth_date']) {
      expect(await t.wh.knex.schema.hasColumn('dim_customer', column), column).toBe(true);
    }
  });

  it.skipIf(target.unavailable)('is idempotent: a second run applies nothing and keeps data', async () => {
    await t.wh
      .knex('etl_run')
      .insert({ pipeline: 'p', status: 'succeeded', started_at: t.wh.adapter.timestamp(new Date()) });
    const again = await migrate(t.wh);
    expect(again.applied).toEqual([]);
    expect(again.current).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await t.wh.knex('etl_run').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it.skipIf(target.unavailable)('declares keys: unique staging key and customer foreign key', async () => {
    const row = { source: 's', source_key: 'k', row_hash: 'h' };
    await t.wh.knex('stg_contact').insert(row);
    await expect(t.wh.knex('stg_contact').insert(row)).rejects.toThrow();
    await expect(
      t.wh.knex('customer_crosswalk').insert({
        source: 's',
        source_key: 'k',
        customer_id: 999,
        match_rule: 'x',
        linked_at: t.wh.adapter.timestamp(new Date()),
      }),
    ).rejects.toThrow();
  });

  it.skipIf(target.unavailable)('truncates dates to ISO week and month in SQL', async () => {
    const { knex, adapter } = t.wh;
    const sql = `SELECT ${adapter.dateTrunc('month', "'2026-11-23'")} AS m, ${adapter.dateTrunc('week', "'2026-11-26'")} AS w, ${adapter.dateTrunc('week', "'2026-11-23'")} AS w2`;
    const rows = adapter.rows(await knex.raw(sql));
    expect(rows).toEqual([{ m: '2026-11-01', w: '2026-11-23', w2: '2026-11-23' }]);
  });
});
