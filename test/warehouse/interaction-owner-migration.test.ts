import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../warehouse/migrate.js';
import { MIGRATIONS_TABLE } from '../../warehouse/migrations/index.js';
import { buildMarts } from '../../warehouse/marts/index.js';
import { AS_OF, SCOREBOARD } from '../marts/fixture.js';
import { seedSmallCompany } from '../marts/seed-small-company.js';
import { tableRows } from '../marts/read-rows.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

/** 0007-interaction-owner on a warehouse made before it: fct_interaction gains owner, and marts fill it. */
describe.each(targets)('fct_interaction gains owner on $engine', (target) => {
  let t: TestWarehouse | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it.skipIf(target.unavailable)('adds it to an older warehouse; the next build fills it', async () => {
    t = await migratedWarehouse(target);
    const { knex } = t.wh;
    await knex.schema.alterTable('fct_interaction', (tb) => tb.dropColumn('owner'));
    await knex(MIGRATIONS_TABLE).where({ name: '0007-interaction-owner' }).del();
    expect(await knex.schema.hasColumn('fct_interaction', 'owner')).toBe(false);

    await migrate(t.wh);
    expect(await knex.schema.hasColumn('fct_interaction', 'owner')).toBe(true);

    await seedSmallCompany(t.wh);
    await knex('stg_interaction').where({ source: 'crm', source_key: 'i2' }).update({ owner: 'Petrov' });
    await buildMarts(t.wh, { asOf: AS_OF, scoreboard: SCOREBOARD });
    const rows = await tableRows(t.wh, 'fct_interaction', ['interaction_id', 'owner']);
    expect(rows.filter((r) => r[1] !== null)).toEqual([['crm:i2', 'Petrov']]);
  });
});
