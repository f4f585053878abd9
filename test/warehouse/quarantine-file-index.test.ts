import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../warehouse/migrate.js';
import { QUARANTINE_FILE_INDEX } from '../../warehouse/migrations/0013-webform-quarantine-file.js';
import { MIGRATIONS_TABLE } from '../../warehouse/migrations/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

/**
 * 0013-webform-quarantine-file: stg_quarantine is indexed on (source, file), which the web-form
 * receiver's look-up and removal of earlier rejects use (a prefix of the TEXT column on MySQL).
 */
describe.each(await engineTargets())('stg_quarantine (source, file) index on $engine', (target) => {
  let t: TestWarehouse | undefined;
  afterEach(async () => {
    await t?.wh.close();
    await t?.drop();
    t = undefined;
  });

  it.skipIf(target.unavailable)('is made on a warehouse of the release before, once', async () => {
    t = await migratedWarehouse(target);
    const { knex, adapter } = t.wh;
    expect(await adapter.hasIndex(knex, 'stg_quarantine', QUARANTINE_FILE_INDEX)).toBe(true);
    // As a warehouse of the release before: no index, the migration not recorded.
    await knex.schema.alterTable('stg_quarantine', (tb) => tb.dropIndex([], QUARANTINE_FILE_INDEX));
    await knex(MIGRATIONS_TABLE).where({ name: '0013-webform-quarantine-file' }).del();
    expect(await adapter.hasIndex(knex, 'stg_quarantine', QUARANTINE_FILE_INDEX)).toBe(false);
    await migrate(t.wh);
    expect(await adapter.hasIndex(knex, 'stg_quarantine', QUARANTINE_FILE_INDEX)).toBe(true);
    await migrate(t.wh);

    // A file longer than MySQL's indexed prefix is still found whole.
    const long = `/forms/site#h:${'x'.repeat(300)}`;
    await knex('stg_quarantine').insert([
      { source: 'site', file: long, reason: 'r1' },
      { source: 'site', file: `${long}y`, reason: 'r2' },
    ]);
    expect(await knex('stg_quarantine').where({ source: 'site', file: long }).pluck('reason')).toEqual([
      'r1',
    ]);
  });
});
