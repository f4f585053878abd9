import { afterEach, describe, expect, it } from 'vitest';
import { INTERACTION_MAIL_COLUMNS } from '../../warehouse/tables.js';
import { migrate } from '../../warehouse/migrate.js';
import { MIGRATIONS_TABLE } from '../../warehouse/migrations/index.js';
import { stageItems } from '../../warehouse/staging/index.js';
import type { ConnectorItem } from '../../connectors/contract.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

/** 0006-interaction-mail on a warehouse made before it: the columns are added, and letters stage. */
describe.each(targets)('stg_interaction gains the mail columns on $engine', (target) => {
  let t: TestWarehouse | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it.skipIf(target.unavailable)(
    'adds them to an older warehouse, and a letter stages into them',
    async () => {
      t = await migratedWarehouse(target);
      const { knex } = t.wh;
      // As a warehouse of the release before: without the columns, without the migration recorded.
      for (const c of INTERACTION_MAIL_COLUMNS)
        await knex.schema.alterTable('stg_interaction', (tb) => tb.dropColumn(c.name));
      await knex(MIGRATIONS_TABLE).where({ name: '0006-interaction-mail' }).del();
      expect(await knex.schema.hasColumn('stg_interaction', 'thread_key')).toBe(false);

      await migrate(t.wh);
      for (const c of INTERACTION_MAIL_COLUMNS)
        expect(await knex.schema.hasColumn('stg_interaction', c.name)).toBe(true);

      async function* items(): AsyncGenerator<ConnectorItem> {
        yield {
          kind: 'record',
          record: {
            stream: 'interaction',
            sourceKey: 'm1@client.ru',
            fields: {
              occurred_at: '2024-03-04T06:00:00.000Z',
              channel: 'email',
              direction: 'inbound',
              subject: 'Запрос',
              email: 'petr@client.ru',
              owner: 'sales@ours.ru',
              thread_key: 'm1@client.ru',
              mail_from: 'Пётр <petr@client.ru>',
              mail_to: 'sales@ours.ru',
              mail_cc: null,
              body: 'Нужна цена',
            },
            attributes: {},
            lineage: { file: 'INBOX#1', line: 1 },
            warnings: [],
          },
        };
        yield {
          kind: 'skip',
          skip: { stream: 'interaction', reason: 'auto-reply', lineage: { file: 'INBOX#2', line: 2 } },
        };
      }
      const counts = await stageItems(t.wh, items(), {
        source: 'mail',
        stream: 'interaction',
        runId: null,
        file: 'INBOX',
        quarantineBy: 'record',
      });
      expect(counts).toMatchObject({ rows: 2, loaded: 1, skipped: 1, skippedBy: { 'auto-reply': 1 } });
      const row = await knex('stg_interaction').where({ source: 'mail' }).first();
      expect(row).toMatchObject({
        owner: 'sales@ours.ru',
        thread_key: 'm1@client.ru',
        mail_from: 'Пётр <petr@client.ru>',
        mail_to: 'sales@ours.ru',
        mail_cc: null,
        body: 'Нужна цена',
      });
    },
  );
});
