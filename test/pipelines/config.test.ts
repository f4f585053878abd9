import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../pipelines/config.js';
import { tempDir, writeConfig } from './support/fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const pipeline = (extra: Record<string, unknown>) => ({
  pipelines: { nightly: { sources: [{ name: 's', connector: 'spreadsheet', path: 'x.csv' }], ...extra } },
});

/** The one-line error loading this config gives. */
function errorOf(config: unknown): string {
  const file = writeConfig(tmp.dir, config, `c${Math.random().toString(36).slice(2)}.yaml`);
  try {
    loadConfig(file);
  } catch (err) {
    return (err as Error).message.slice(file.length + 2);
  }
  throw new Error('the config was accepted');
}

describe('config validation names the bad key and says what is expected', () => {
  it.each([
    [pipeline({ schedule: '0 3 * *' }), /^'pipelines\.nightly\.schedule' is not a cron expression: 5 fields/],
    [pipeline({ schedule: '61 * * * *' }), /^'pipelines\.nightly\.schedule' is not a cron expression/],
    [pipeline({ timezone: 'Europe/Atlantis' }), /^'pipelines\.nightly\.timezone' is not an IANA time zone/],
    [pipeline({ retries: -1 }), /^'pipelines\.nightly\.retries' must be at least 0$/],
    [pipeline({ retries: 1.5 }), /^'pipelines\.nightly\.retries' must be a whole number$/],
    [pipeline({ retries: 11 }), /^'pipelines\.nightly\.retries' must be at most 10$/],
    [pipeline({ retryDelay: 'soon' }), /^'pipelines\.nightly\.retryDelay' is invalid: expected number/],
    [pipeline({ steps: [] }), /^'pipelines\.nightly\.steps' must have at least 1 item/],
    [{ scheduler: { port: 70000 } }, /^'scheduler\.port' must be at most 65535$/],
    [{ scheduler: { prot: 9000 } }, /^'scheduler' has unknown key\(s\) prot$/],
    [
      { scheduler: { webhook: { url: 'ftp://example.com/x' } } },
      /^'scheduler\.webhook\.url' must be an http/,
    ],
    [
      { scheduler: { webhook: { url: 'https://example.com', headers: { A: 1 } } } },
      /^'scheduler\.webhook\.headers\.A'/,
    ],
    [
      {
        pipelines: { p: { sources: [{ name: 'erp', connector: 'erp', url: 'sqlite:x.db', preset: 'sap' }] } },
      },
      /^'pipelines\.p\.sources\.0\.preset' must be one of erpnext, odoo$/,
    ],
    [
      {
        pipelines: {
          p: {
            sources: [
              {
                name: 'erp',
                connector: 'erp',
                url: 'sqlite:x.db',
                streams: { o: { stream: 'order', key: 'id', cursor: 'm' } },
              },
            ],
          },
        },
      },
      /^'pipelines\.p\.sources\.0\.streams\.o' needs exactly one of table and sql$/,
    ],
    [{ identity: { sourcePriority: 'erp' } }, /^'identity\.sourcePriority' is invalid: expected array/],
    [
      { pipelines: { p: { sources: [{ name: 'x', connector: 'mailbox', path: 'a' }] } } },
      /^'pipelines\.p\.sources\.0\.connector' must be one of spreadsheet, erp, email$/,
    ],
  ])('%j', (config, expected) => {
    expect(errorOf(config)).toMatch(expected);
  });

  it('accepts 6-field schedules and fills the defaults', () => {
    const loaded = loadConfig(writeConfig(tmp.dir, pipeline({ schedule: '*/2 * * * * *', timezone: 'UTC' })));
    expect(loaded.config.pipelines.nightly).toMatchObject({
      retries: 2,
      retryDelay: 1,
      steps: ['extract', 'resolve', 'marts'],
    });
    expect(loaded.config.scheduler).toEqual({ port: 9464, host: '127.0.0.1', grace: 30 });
  });
});

describe('secrets in the config', () => {
  it("include an ERP source's URL password", () => {
    process.env.CRM_TEST_ERP_URL = 'mysql://reader:erp-pass%40word@erp.example:3306/erpnext';
    const loaded = loadConfig(
      writeConfig(tmp.dir, {
        pipelines: {
          p: { sources: [{ name: 'erp', connector: 'erp', url: '${CRM_TEST_ERP_URL}', preset: 'erpnext' }] },
        },
      }),
    );
    expect(loaded.secrets).toEqual(expect.arrayContaining(['erp-pass%40word', 'erp-pass@word']));
    delete process.env.CRM_TEST_ERP_URL;
  });

  it('are the secret fields, secret-named variables and URL passwords; not other variables', () => {
    process.env.CRM_TEST_HOOK_TOKEN = 'hook-token-value';
    process.env.CRM_TEST_DATA_DIR = 'imports-folder';
    process.env.CRM_TEST_WAREHOUSE = 'postgres://etl:wh-pass%40word@db.example/crm';
    const loaded = loadConfig(
      writeConfig(tmp.dir, {
        warehouse: '${CRM_TEST_WAREHOUSE}',
        scheduler: {
          webhook: {
            url: 'https://hooks.example.com/T000/B000/xyzzy',
            headers: { Authorization: 'Bearer ${CRM_TEST_HOOK_TOKEN}' },
          },
        },
        pipelines: {
          p: { sources: [{ name: 's', connector: 'spreadsheet', path: '${CRM_TEST_DATA_DIR}/*.csv' }] },
        },
      }),
    );
    expect(loaded.secrets).toEqual(
      expect.arrayContaining([
        'wh-pass%40word',
        'wh-pass@word',
        'hook-token-value',
        'Bearer hook-token-value',
        'https://hooks.example.com/T000/B000/xyzzy',
      ]),
    );
    expect(loaded.secrets).not.toContain('imports-folder');
    expect(loaded.config.pipelines.p!.sources[0]).toMatchObject({ path: 'imports-folder/*.csv' });
  });
});
