import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/connection.js';
import { buildMarts, MART_TABLES } from '../../warehouse/marts/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { AS_OF, SCOREBOARD } from './fixture.js';
import { seedSmallCompany } from './seed-small-company.js';

const targets = await engineTargets();

/** Every index (with its columns), key and foreign key of the marts, by name: what BI tools and migrations see. */
async function schemaOf(wh: Warehouse): Promise<string[]> {
  const { knex, adapter } = wh;
  const list = MART_TABLES.map((t) => `'${t}'`).join(', ');
  const sql = {
    sqlite: `SELECT m.name AS t, i.name AS n, i.sql AS d FROM sqlite_master m JOIN sqlite_master i ON i.tbl_name = m.name
             WHERE m.type = 'table' AND i.type = 'index' AND m.name IN (${list})
             UNION ALL SELECT m.name, f."table" || '.' || f."to", f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND m.name IN (${list})`,
    postgres: `SELECT tablename AS t, indexname AS n, indexdef AS d FROM pg_indexes WHERE tablename IN (${list})
             UNION ALL SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) || convalidated::text
             FROM pg_constraint WHERE conrelid::regclass::text IN (${list})`,
    mysql: `SELECT table_name AS t, index_name AS n, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS d
             FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name IN (${list})
             GROUP BY table_name, index_name
             UNION ALL SELECT table_name, constraint_name, referenced_table_name FROM information_schema.key_column_usage
             WHERE table_schema = DATABASE() AND table_name IN (${list}) AND referenced_table_name IS NOT NULL`,
  }[adapter.name];
  return adapter
    .rows(await knex.raw(sql))
    .map((r) => `${String(r.t ?? r.T ?? r.TABLE_NAME)} ${String(r.n ?? r.N)} ${String(r.d ?? r.D)}`)
    .sort();
}

/** What the swap leaves attached to the live marts: keys, indexes and their names, foreign keys, grants, views. */
describe.each(targets)('swapping the marts in on $engine', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
    await seedSmallCompany(t.wh);
  });
  afterAll(async () => t?.drop());

  it.skipIf(target.unavailable)('keeps every key, index and foreign key under its own name', async () => {
    const before = await schemaOf(t.wh);
    expect(before.some((s) => s.startsWith('fct_order '))).toBe(true);
    await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
    await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
    expect(await schemaOf(t.wh)).toEqual(before);
    expect(await leftovers(t.wh)).toEqual([]);
  });

  it.skipIf(target.engine !== 'postgres' || !!target.unavailable)(
    'PostgreSQL: re-applies the grants of the live marts to the tables renamed in',
    async () => {
      const role = `crm_etl_reader_${crypto.randomBytes(4).toString('hex')}`;
      const { knex } = t.wh;
      await knex.raw(`CREATE ROLE ${role} NOLOGIN`);
      try {
        await knex.raw(`GRANT SELECT ON mart_customer_rfm, fct_order TO ${role}`);
        const result = await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
        expect(result.notes.filter((n) => n.startsWith('Swap:'))).toEqual([]);
        const [row] = t.wh.adapter.rows(
          await knex.raw(
            `SELECT has_table_privilege(?, 'mart_customer_rfm', 'SELECT') AS rfm,
                    has_table_privilege(?, 'fct_order', 'SELECT') AS fct,
                    has_table_privilege(?, 'fct_order', 'INSERT') AS ins`,
            [role, role, role],
          ),
        );
        expect(row).toEqual({ rfm: true, fct: true, ins: false });
      } finally {
        await knex.raw(`DROP OWNED BY ${role}`);
        await knex.raw(`DROP ROLE ${role}`);
      }
    },
  );

  it.skipIf(target.engine !== 'postgres' || !!target.unavailable)(
    'PostgreSQL: text keys of the marts are built under COLLATE "C", and still join and sort by code point',
    async () => {
      const { knex } = t.wh;
      await knex('stg_order').insert([
        {
          source: 'shop',
          source_key: 'Zeta',
          customer_source_key: 'S-z',
          order_date: '2024-06-20',
          amount: 1,
        },
        {
          source: 'shop',
          source_key: 'alpha',
          customer_source_key: 'S-z',
          order_date: '2024-06-20',
          amount: 2,
        },
        {
          source: 'shop',
          source_key: 'Ärger',
          customer_source_key: 'S-z',
          order_date: '2024-06-20',
          amount: 3,
        },
      ]);
      await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD });
      const [col] = t.wh.adapter.rows(
        await knex.raw(
          `SELECT collation_name AS c FROM information_schema.columns WHERE table_name = 'fct_order' AND column_name = 'order_id'`,
        ),
      );
      expect(col?.c).toBe('C');
      // A default-collated expression compared with the key yields to "C": equality as before.
      const joined = t.wh.adapter.rows(
        await knex.raw(
          `SELECT f.order_id FROM stg_order o JOIN fct_order f ON f.order_id = CONCAT(o.source, ':', o.source_key)
           WHERE o.customer_source_key = 'S-z' ORDER BY f.order_id`,
        ),
      );
      expect(joined.map((r) => r.order_id)).toEqual(['shop:Zeta', 'shop:alpha', 'shop:Ärger']);
      await knex('stg_order').where({ customer_source_key: 'S-z' }).delete();
    },
  );

  it.skipIf(!!target.unavailable)('a view over a mart reads the new rows after the swap', async () => {
    const { knex } = t.wh;
    await knex.raw('CREATE VIEW bi_revenue AS SELECT COUNT(*) AS n FROM fct_order');
    try {
      await knex('stg_order').insert({
        source: 'shop',
        source_key: 'view-1',
        customer_source_key: 'S-view-1',
        order_date: '2024-06-20',
        amount: 10,
        status: 'paid',
      });
      const result = await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
      const [facts] = t.wh.adapter.rows(await knex.raw('SELECT COUNT(*) AS n FROM fct_order'));
      const [view] = t.wh.adapter.rows(await knex.raw('SELECT n FROM bi_revenue'));
      expect(Number(view?.n)).toBe(Number(facts?.n));
      // PostgreSQL views bind to the table itself: that swap copies rows instead, and says so.
      const copied = result.notes.filter((n) => n.startsWith('Swap: copied'));
      expect(copied.length).toBe(target.engine === 'postgres' ? 1 : 0);
    } finally {
      await knex.raw('DROP VIEW bi_revenue');
    }
  });
  it.skipIf(!!target.unavailable)(
    'a refresh whose as-of day moved swaps RFM and CLV in whole, keys, indexes and foreign keys kept (MySQL: in place)',
    async () => {
      const { knex } = t.wh;
      const written = (notes: string[]) =>
        notes.filter((n) => n.startsWith('Refresh: ')).map((n) => n.replace(/ \(.*$/s, ''));
      const how = target.engine === 'mysql' ? 'rewritten in place' : 'written whole and swapped in';
      await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
      const before = await schemaOf(t.wh);
      const moved = await buildMarts(t.wh, { asOf: '2024-07-01', scoreboard: SCOREBOARD });
      expect(moved.mode).toBe('incremental');
      expect(written(moved.notes)).toEqual([
        `Refresh: mart_customer_rfm ${how}`,
        `Refresh: mart_customer_clv ${how}`,
      ]);
      expect(await schemaOf(t.wh)).toEqual(before);
      const [rfm] = t.wh.adapter.rows(
        await knex.raw(`SELECT MIN(as_of) AS lo, COUNT(*) AS n FROM mart_customer_rfm`),
      );
      expect(String(rfm?.lo).slice(0, 10)).toBe('2024-07-01');
      expect(Number(rfm?.n)).toBeGreaterThan(0);
      expect(await leftovers(t.wh)).toEqual([]);
    },
  );

  it.skipIf(target.engine !== 'postgres' || !!target.unavailable)(
    'PostgreSQL: a view over a mart keeps a refresh from swapping it; its rows are rewritten in place, with a note',
    async () => {
      const { knex } = t.wh;
      await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
      await knex.raw('CREATE VIEW bi_rfm AS SELECT MIN(as_of) AS lo, COUNT(*) AS n FROM mart_customer_rfm');
      try {
        const moved = await buildMarts(t.wh, { asOf: '2024-07-02', scoreboard: SCOREBOARD });
        expect(moved.mode).toBe('incremental');
        expect(moved.notes).toContainEqual(
          expect.stringMatching(/^Refresh: mart_customer_rfm rewritten in place \(.*view bi_rfm/),
        );
        expect(moved.notes).toContainEqual(
          expect.stringMatching(/^Refresh: mart_customer_clv written whole and swapped in/),
        );
        const [view] = t.wh.adapter.rows(await knex.raw('SELECT lo, n FROM bi_rfm'));
        const [mart] = t.wh.adapter.rows(await knex.raw('SELECT COUNT(*) AS n FROM mart_customer_rfm'));
        expect(String(view?.lo).slice(0, 10)).toBe('2024-07-02');
        expect(Number(view?.n)).toBe(Number(mart?.n));
      } finally {
        await knex.raw('DROP VIEW bi_rfm');
      }
    },
  );

  it.skipIf(target.engine !== 'postgres' || !!target.unavailable)(
    'PostgreSQL: a reader holding a mart past the lock timeout makes a refresh copy its rows in, in the same commit',
    async () => {
      const { knex } = t.wh;
      await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
      const reader = await knex.transaction();
      try {
        // A reader's open transaction holds ACCESS SHARE on the mart until it ends.
        await reader.raw('SELECT COUNT(*) FROM mart_customer_clv');
        const moved = await buildMarts(t.wh, { asOf: '2024-07-03', scoreboard: SCOREBOARD });
        expect(moved.mode).toBe('incremental');
        expect(moved.notes).toContainEqual(
          expect.stringMatching(
            /^Refresh: mart_customer_rfm, mart_customer_clv copied, not swapped: readers held them/,
          ),
        );
      } finally {
        await reader.commit();
      }
      for (const table of ['mart_customer_rfm', 'mart_customer_clv']) {
        const [row] = t.wh.adapter.rows(
          await knex.raw(`SELECT MIN(as_of) AS lo, MAX(as_of) AS hi, COUNT(*) AS n FROM ${table}`),
        );
        expect(String(row?.lo).slice(0, 10), table).toBe('2024-07-03');
        expect(String(row?.hi).slice(0, 10), table).toBe('2024-07-03');
        expect(Number(row?.n), table).toBeGreaterThan(0);
      }
      const names = t.wh.adapter
        .rows(
          await knex.raw(
            `SELECT relname AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace`,
          ),
        )
        .map((r) => String(r.name));
      expect(names.filter((n) => /__(build|old)(_[0-9a-f]+)?$/.test(n))).toEqual([]);
    },
    60_000,
  );

  it.skipIf(target.engine !== 'postgres' || !!target.unavailable)(
    'PostgreSQL: a reader holding dim_customer neither stalls a build nor queues behind its drops; the next build drops what was left',
    async () => {
      const { knex } = t.wh;
      await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
      // A BI tool's transaction left open: dropping a retired mart with a foreign key to
      // dim_customer needs ACCESS EXCLUSIVE on dim_customer until it ends.
      const reader = await knex.transaction();
      try {
        await reader.raw('SELECT COUNT(*) FROM dim_customer');
        const full = await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
        // The note names who holds what the drop needs: the reader's session, idle in its transaction.
        expect(full.notes).toContainEqual(
          expect.stringMatching(
            /^Swap: left fct_order__old_[0-9a-f]+, .*: dim_customer is held by pid \d+ \(.*idle in transaction, transaction open \d+ s\)/,
          ),
        );
        const refresh = await buildMarts(t.wh, { asOf: '2024-07-04', scoreboard: SCOREBOARD });
        expect(refresh.mode).toBe('incremental');
        expect(refresh.notes).toContainEqual(
          expect.stringMatching(/^Leftovers: mart_customer_rfm__old_[0-9a-f]+, mart_customer_clv__old_/),
        );
        // Nothing waits for the reader's lock, so nobody queues behind a waiting drop.
        const waiting = t.wh.adapter.rows(
          await knex.raw(
            `SELECT pid FROM pg_locks WHERE NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          ),
        );
        expect(waiting).toEqual([]);
        expect((await leftovers(t.wh)).length).toBeGreaterThan(0);
      } finally {
        await reader.commit();
      }
      const next = await buildMarts(t.wh, { asOf: '2024-07-04', scoreboard: SCOREBOARD, full: true });
      expect(next.notes.filter((n) => /left|Leftovers/.test(n))).toEqual([]);
      expect(await leftovers(t.wh)).toEqual([]);
    },
    60_000,
  );

  it.skipIf(target.engine !== 'postgres' || !!target.unavailable)(
    'PostgreSQL: a view made on a mart after the check keeps swapWithin from renaming it, and says why',
    async () => {
      const { knex, adapter } = t.wh;
      await knex.raw('CREATE TABLE swap_probe (id integer PRIMARY KEY)');
      await knex.raw('CREATE TABLE swap_probe__build (id integer)');
      try {
        expect(await adapter.swapWithinBlockers(knex, 'swap_probe')).toEqual([]);
        await knex.raw('CREATE VIEW swap_probe_view AS SELECT id FROM swap_probe');
        const result = await knex.transaction((trx) =>
          adapter.swapWithin(trx, [
            { table: 'swap_probe', build: 'swap_probe__build', old: 'swap_probe__old_1' },
          ]),
        );
        expect(result).toEqual({ swapped: false, why: 'swap_probe: view swap_probe_view' });
        expect(await adapter.listTables(knex)).not.toContain('swap_probe__old_1');
      } finally {
        await knex.raw('DROP VIEW IF EXISTS swap_probe_view');
        await knex.raw('DROP TABLE IF EXISTS swap_probe, swap_probe__build, swap_probe__old_1');
      }
    },
  );

  it.skipIf(target.engine !== 'mysql' || !!target.unavailable)(
    'MySQL: renames the new tables in; a trigger on a mart makes it copy, with a note',
    async () => {
      const { knex } = t.wh;
      const created = async () =>
        t.wh.adapter
          .rows(
            await knex.raw(
              `SELECT create_time AS c FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'mart_customer_rfm'`,
            ),
          )
          .map((r) => String(r.c ?? r.C))[0];
      const before = await created();
      await new Promise((r) => setTimeout(r, 1100)); // create_time has whole seconds
      const renamed = await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
      expect(renamed.notes.filter((n) => n.startsWith('Swap:'))).toEqual([]);
      expect(await created()).not.toBe(before);

      await knex.raw(
        'CREATE TRIGGER mart_rfm_guard BEFORE INSERT ON mart_customer_rfm FOR EACH ROW SET NEW.segment = NEW.segment',
      );
      try {
        const copied = await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD, full: true });
        expect(copied.notes).toContainEqual(
          expect.stringMatching(/^Swap: copied, not renamed: mart_customer_rfm: trigger mart_rfm_guard/),
        );
        const [row] = t.wh.adapter.rows(
          await knex.raw(
            `SELECT COUNT(*) AS n FROM information_schema.triggers WHERE trigger_schema = DATABASE() AND event_object_table = 'mart_customer_rfm'`,
          ),
        );
        expect(Number(row?.n)).toBe(1);
      } finally {
        await knex.raw('DROP TRIGGER mart_rfm_guard');
      }
    },
  );
});

/** Build, retired and scratch tables (and their indexes) still in the warehouse: a swap leaves none. */
async function leftovers(wh: Warehouse): Promise<string[]> {
  const all = wh.adapter.rows(
    await wh.knex.raw(
      {
        sqlite: `SELECT name FROM sqlite_master`,
        postgres: `SELECT relname AS name FROM pg_class WHERE relnamespace = current_schema()::regnamespace`,
        mysql: `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()`,
      }[wh.adapter.name],
    ),
  );
  return all
    .map((r) => String(r.name ?? r.NAME))
    .filter((n) => /^etl_(build|b|o)_|__(build|old)(_[0-9a-f]+)?$/.test(n));
}
