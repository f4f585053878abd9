import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotMigratedError } from '../../lib/errors.js';
import { assertMigrated, migrate, migrateExisting, schemaStatus } from '../../warehouse/migrate.js';
import { stagingLoadSchema } from '../../warehouse/migrations/0004-staging-load.js';
import { MIGRATIONS, MIGRATIONS_TABLE } from '../../warehouse/migrations/index.js';
import { CONTRACT_TABLES, STAGING_TABLES } from '../../warehouse/tables.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { engineTargets, freshDatabase, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

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

  it.skipIf(target.unavailable)(
    '0004 drops the staging updated_at indexes, and finishes over one already dropped',
    async () => {
      const { knex, adapter } = t.wh;
      const indexed = async () => {
        const found: string[] = [];
        for (const spec of Object.values(STAGING_TABLES))
          if (await adapter.hasIndex(knex, spec.name, `${spec.name}_updated`)) found.push(spec.name);
        return found;
      };
      expect(await indexed()).toEqual([]);
      await stagingLoadSchema.down(knex, adapter);
      expect(await indexed()).toEqual(Object.values(STAGING_TABLES).map((s) => s.name));
      // Half-applied (or an administrator got there first): one index is gone already.
      await knex.schema.alterTable('stg_contact', (tb) =>
        tb.dropIndex(['updated_at'], 'stg_contact_updated'),
      );
      await stagingLoadSchema.up(knex, adapter);
      expect(await indexed()).toEqual([]);
      await stagingLoadSchema.up(knex, adapter);
    },
  );

  it.skipIf(target.unavailable)('truncates dates to ISO week and month in SQL', async () => {
    const { knex, adapter } = t.wh;
    const sql = `SELECT ${adapter.dateTrunc('month', "'2026-11-23'")} AS m, ${adapter.dateTrunc('week', "'2026-11-26'")} AS w, ${adapter.dateTrunc('week', "'2026-11-23'")} AS w2`;
    const rows = adapter.rows(await knex.raw(sql));
    expect(rows).toEqual([{ m: '2026-11-01', w: '2026-11-23', w2: '2026-11-23' }]);
  });
});

describe.each(targets)('what a command knows of the schema on $engine', (target) => {
  it.skipIf(target.unavailable)(
    'never migrated, behind, current: read without writing, refused or upgraded as each command needs',
    async () => {
      const db = await freshDatabase(target);
      const wh = await openWarehouse(db.url);
      try {
        const names = MIGRATIONS.map((m) => m.name);
        expect(await schemaStatus(wh)).toEqual({ applied: [], pending: names });
        await expect(assertMigrated(wh)).rejects.toThrow(NotMigratedError);
        await expect(assertMigrated(wh)).rejects.toThrow(/has never been migrated/);
        await expect(migrateExisting(wh)).rejects.toThrow(/has never been migrated/);
        // Looking wrote nothing: no migrations table, no tables at all.
        expect(await wh.adapter.listTables(wh.knex)).toEqual([]);

        await migrate(wh);
        await assertMigrated(wh);
        const last = names.at(-1)!;
        await wh.knex(MIGRATIONS_TABLE).where({ name: last }).delete();
        expect(await schemaStatus(wh)).toEqual({ applied: names.slice(0, -1), pending: [last] });
        await expect(assertMigrated(wh)).rejects.toThrow(`lacks migration(s) ${last}`);
        expect((await migrateExisting(wh)).applied).toEqual([last]);
        await assertMigrated(wh);
      } finally {
        await wh.close();
        await db.drop();
      }
    },
  );
});

describe.each(targets.filter((t) => t.engine === 'mysql'))(
  'a migration killed halfway on $engine (DDL commits at once)',
  (target) => {
    it.skipIf(target.unavailable)(
      'is undone and applied again when it began on an empty database',
      async () => {
        const db = await freshDatabase(target);
        const wh = await openWarehouse(db.url);
        try {
          // What a kill -9 during the first migration leaves: its marker and some of its tables.
          await wh.knex.schema.createTable('etl_schema_attempt', (t) => {
            t.string('name', 255).primary();
            t.text('tables_before');
          });
          await wh.knex('etl_schema_attempt').insert({ name: '0001-core', tables_before: '[]' });
          await wh.knex.schema.createTable('etl_run', (t) => t.integer('run_id'));
          await wh.knex.schema.createTable('etl_lock', (t) => t.string('name'));

          const result = await migrate(wh);
          expect(result.undone).toEqual(['0001-core']);
          expect(result.current).toEqual(MIGRATIONS.map((m) => m.name));
          for (const table of CONTRACT_TABLES) expect(await wh.knex.schema.hasTable(table), table).toBe(true);
          expect(await wh.knex.schema.hasColumn('etl_run', 'pipeline')).toBe(true);
          expect(await wh.knex('etl_schema_attempt').count({ n: '*' })).toEqual([{ n: 0 }]);
        } finally {
          await wh.close();
          await db.drop();
        }
      },
    );

    it.skipIf(target.unavailable)('runs a resumable migration cut off halfway again', async () => {
      const t = await migratedWarehouse(target);
      try {
        const { knex } = t.wh;
        // What a kill -9 during 0004 leaves: its marker, stg_contact's index dropped, the rest not.
        await knex(MIGRATIONS_TABLE).where({ name: '0004-staging-load' }).delete();
        await stagingLoadSchema.down(knex, t.wh.adapter);
        await knex.schema.alterTable('stg_contact', (tb) =>
          tb.dropIndex(['updated_at'], 'stg_contact_updated'),
        );
        await knex('etl_schema_attempt').insert({
          name: '0004-staging-load',
          tables_before: JSON.stringify(await t.wh.adapter.listTables(knex)),
        });

        const result = await migrate(t.wh);
        expect(result.undone ?? []).toEqual([]);
        expect(result.applied).toEqual(['0004-staging-load']);
        for (const spec of Object.values(STAGING_TABLES))
          expect(await t.wh.adapter.hasIndex(knex, spec.name, `${spec.name}_updated`), spec.name).toBe(false);
        expect(await knex('etl_schema_attempt').count({ n: '*' })).toEqual([{ n: 0 }]);
      } finally {
        await t.drop();
      }
    });

    it.skipIf(target.unavailable)('drops nothing of a database that had tables of its own', async () => {
      const db = await freshDatabase(target);
      const wh = await openWarehouse(db.url);
      try {
        // Someone's table with a name crm-etl uses: the first migration fails on it and must not drop it.
        await wh.knex.schema.createTable('stg_contact', (t) => t.string('theirs'));
        await expect(migrate(wh)).rejects.toThrow(/already exists/);
        await expect(migrate(wh)).rejects.toThrow(
          /was interrupted on a database that already had tables \(stg_contact\)/,
        );
        expect(await wh.knex.schema.hasColumn('stg_contact', 'theirs')).toBe(true);
      } finally {
        await wh.close();
        await db.drop();
      }
    });
  },
);
