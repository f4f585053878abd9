/**
 * `crm-etl grant-bi`: a login that reads the dimensions, facts and marts — across marts rebuilds —
 * and is refused staging (raw source rows), the crosswalk and writes.
 */
import crypto from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BI_TABLES, grantBiRole } from '../../warehouse/bi-role.js';
import { buildMarts } from '../../warehouse/marts/index.js';
import { parseWarehouseUrl } from '../../warehouse/url.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

describe.each(targets)('read-only BI role on $engine', (target) => {
  const role = `crm_bi_${crypto.randomBytes(4).toString('hex')}`;
  const password = `pw-${crypto.randomBytes(6).toString('hex')}`;
  let t: TestWarehouse;
  let bi: Knex | undefined;

  beforeAll(async () => {
    if (target.unavailable) return;
    t = await migratedWarehouse(target);
  });
  afterAll(async () => {
    await bi?.destroy();
    await t?.drop();
    if (target.unavailable || target.engine === 'sqlite') return;
    const admin = await openWarehouse(target.serverUrl);
    try {
      await admin.knex.raw(
        target.engine === 'postgres' ? `DROP ROLE IF EXISTS "${role}"` : `DROP USER IF EXISTS ?@'%'`,
        [...(target.engine === 'mysql' ? [role] : [])],
      );
    } finally {
      await admin.close();
    }
  });

  const connectAs = (): Knex => {
    const u = parseWarehouseUrl(t.url);
    return knexFactory({
      client: target.engine === 'postgres' ? 'pg' : 'mysql2',
      connection: { host: u.host, port: u.port, user: role, password, database: u.database },
      pool: { min: 0, max: 1 },
    });
  };

  it.skipIf(target.unavailable || target.engine !== 'sqlite')('says SQLite has no roles', async () => {
    await expect(grantBiRole(t.wh, role, password)).rejects.toThrow(/SQLite has no roles/);
  });

  it.skipIf(target.unavailable || target.engine === 'sqlite')(
    'reads marts and dimensions, across rebuilds; not staging; never writes',
    async () => {
      await expect(grantBiRole(t.wh, role, undefined)).rejects.toThrow(/no password was given/);
      const first = await grantBiRole(t.wh, role, password);
      expect(first).toMatchObject({ role, created: true });
      expect(first.tables).toEqual([...BI_TABLES]);
      expect((await grantBiRole(t.wh, role, undefined)).created).toBe(false);

      await buildMarts(t.wh, { asOf: '2026-01-31' });
      bi = connectAs();
      for (const table of BI_TABLES) await expect(bi(table).count({ n: '*' })).resolves.toHaveLength(1);
      await expect(bi('stg_contact').count({ n: '*' })).rejects.toThrow(/denied/i);
      await expect(bi('customer_crosswalk').count({ n: '*' })).rejects.toThrow(/denied/i);
      await expect(
        bi('mart_scoreboard').insert({ indicator: 'x', horizon: 'long', period: '2026-01' }),
      ).rejects.toThrow(/denied/i);

      // A rebuild swaps new mart tables in: the grant goes with them.
      await buildMarts(t.wh, { asOf: '2026-02-28' });
      for (const table of BI_TABLES) await expect(bi(table).count({ n: '*' })).resolves.toHaveLength(1);
    },
  );
});
