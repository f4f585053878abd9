import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSpreadsheet } from '../../connectors/spreadsheet/index.js';
import { CONTACT_PARTIAL_DATE_COLUMNS } from '../../warehouse/tables.js';
import { migrate } from '../../warehouse/migrate.js';
import { MIGRATIONS_TABLE } from '../../warehouse/migrations/index.js';
import { stageItems } from '../../warehouse/staging/index.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

/**
 * 0012-contact-partial-date on a warehouse made before it: birth_date_partial is added, and a
 * spreadsheet's "00.05.1980" stages into it with a warning instead of being dropped.
 */
describe.each(targets)('stg_contact gains birth_date_partial on $engine', (target) => {
  let t: TestWarehouse | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(target.unavailable)(
    'adds it to an older warehouse, and a day-00 birth date stages into it',
    async () => {
      t = await migratedWarehouse(target);
      const { knex } = t.wh;
      // As a warehouse of the release before: without the column, without the migration recorded.
      for (const c of CONTACT_PARTIAL_DATE_COLUMNS)
        await knex.schema.alterTable('stg_contact', (tb) => tb.dropColumn(c.name));
      await knex(MIGRATIONS_TABLE).where({ name: '0012-contact-partial-date' }).del();
      expect(await knex.schema.hasColumn('stg_contact', 'birth_date_partial')).toBe(false);

      await migrate(t.wh);
      expect(await knex.schema.hasColumn('stg_contact', 'birth_date_partial')).toBe(true);
      // A second run finds the column there and the migration recorded: nothing to do, no error.
      await migrate(t.wh);

      dir = await mkdtemp(join(tmpdir(), 'partial-dob-'));
      const file = join(dir, 'clients.csv');
      await writeFile(
        file,
        'Код клиента;ФИО;Дата рождения\n1;Смирнов Олег;00.05.1980\n2;Орлов Денис;12.07.1985\n',
      );
      for await (const sheet of readSpreadsheet(file)) {
        const counts = await stageItems(t.wh, sheet.items, {
          source: 'crm',
          stream: 'contact',
          runId: null,
          file,
          quarantineBy: 'record',
        });
        expect(counts).toMatchObject({ rows: 2, loaded: 2 });
      }
      const rows = await knex('stg_contact')
        .where({ source: 'crm' })
        .orderBy('source_key')
        .select('source_key', 'birth_date', 'birth_date_partial', 'warnings');
      expect(rows.map((r) => [r.source_key, r.birth_date === null, r.birth_date_partial])).toEqual([
        ['1', true, '1980-05'],
        ['2', false, null],
      ]);
      expect(String(rows[0].warnings)).toContain('birth_date "00.05.1980": day unknown, kept as 1980-05');
    },
  );
});
