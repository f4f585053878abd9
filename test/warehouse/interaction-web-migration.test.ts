import { afterEach, describe, expect, it } from 'vitest';
import { INTERACTION_WEB_COLUMNS } from '../../warehouse/tables.js';
import { migrate } from '../../warehouse/migrate.js';
import { MIGRATIONS_TABLE } from '../../warehouse/migrations/index.js';
import { stageItems } from '../../warehouse/staging/index.js';
import type { ConnectorItem } from '../../connectors/contract.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const targets = await engineTargets();

/** 0008-interaction-web on a warehouse made before it: the columns are added, and web leads stage. */
describe.each(targets)('stg_interaction gains the web-lead columns on $engine', (target) => {
  let t: TestWarehouse | undefined;
  afterEach(async () => {
    await t?.drop();
    t = undefined;
  });

  it.skipIf(target.unavailable)(
    'adds them to an older warehouse, and a web lead stages into them',
    async () => {
      t = await migratedWarehouse(target);
      const { knex } = t.wh;
      // As a warehouse of the release before: without the columns, without the migration recorded.
      for (const c of INTERACTION_WEB_COLUMNS)
        await knex.schema.alterTable('stg_interaction', (tb) => tb.dropColumn(c.name));
      await knex(MIGRATIONS_TABLE).where({ name: '0008-interaction-web' }).del();
      expect(await knex.schema.hasColumn('stg_interaction', 'utm_source')).toBe(false);

      await migrate(t.wh);
      for (const c of INTERACTION_WEB_COLUMNS)
        expect(await knex.schema.hasColumn('stg_interaction', c.name)).toBe(true);

      async function* items(): AsyncGenerator<ConnectorItem> {
        yield {
          kind: 'record',
          record: {
            stream: 'interaction',
            sourceKey: 'tranid-1',
            fields: {
              occurred_at: '2024-03-04T06:00:00.000Z',
              channel: 'web',
              direction: 'inbound',
              subject: 'Заявка с сайта',
              email: 'petr@client.ru',
              form: 'site',
              page_url: 'https://example.ru/price?utm_source=yandex',
              referrer: 'https://yandex.ru/',
              utm_source: 'yandex',
              utm_medium: 'cpc',
              utm_campaign: 'зима-2024',
              utm_content: null,
              utm_term: 'crm',
            },
            attributes: {},
            lineage: { file: 'site', line: 1 },
            warnings: [],
          },
        };
        yield {
          kind: 'skip',
          skip: { stream: 'interaction', reason: 'probe', lineage: { file: 'site', line: 2 } },
        };
      }
      const counts = await stageItems(t.wh, items(), {
        source: 'site',
        stream: 'interaction',
        runId: null,
        file: 'site',
        quarantineBy: 'record',
      });
      expect(counts).toMatchObject({ rows: 2, loaded: 1, skipped: 1, skippedBy: { probe: 1 } });
      const row = await knex('stg_interaction').where({ source: 'site' }).first();
      expect(row).toMatchObject({
        channel: 'web',
        form: 'site',
        page_url: 'https://example.ru/price?utm_source=yandex',
        referrer: 'https://yandex.ru/',
        utm_source: 'yandex',
        utm_medium: 'cpc',
        utm_campaign: 'зима-2024',
        utm_content: null,
        utm_term: 'crm',
      });
    },
  );
});
