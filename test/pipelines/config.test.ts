import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configProblem } from '../../pipelines/config-errors.js';
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
      /^'pipelines\.p\.sources\.0\.connector' must be one of spreadsheet, erp, email, webform$/,
    ],
    [
      { pipelines: { p: { sources: [{ name: 's', connector: 'spreadsheet', paht: 'x.csv' }] } } },
      /^'pipelines\.p\.sources\.0' has unknown key\(s\) paht; lacks path$/,
    ],
    [
      { pipelines: { p: { sources: [{ name: 's', connector: 'spreadsheet', path: 'x.csv', sheat: 'A' }] } } },
      /^'pipelines\.p\.sources\.0' has unknown key\(s\) sheat$/,
    ],
    [
      { pipelines: { p: { sources: [{ name: 's', connector: 'spreadsheet' }] } } },
      /^'pipelines\.p\.sources\.0\.path' is missing: expected string or array$/,
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
                streams: { o: { stream: 'order', table: 't', key: 'id', curser: 'm' } },
              },
            ],
          },
        },
      },
      /^'pipelines\.p\.sources\.0\.streams\.o' has unknown key\(s\) curser; lacks cursor$/,
    ],
    [
      { pipelines: { p: { sources: [{ name: 'erp', connector: 'erp', url: 'x', streams: { o: 'yes' } }] } } },
      /^'pipelines\.p\.sources\.0\.streams\.o' is invalid: expected false or object$/,
    ],
    [{ warehous: 'sqlite:x.db' }, /^'\(top level\)' has unknown key\(s\) warehous$/],
    [
      {
        scoreboard: { indicators: [{ indicator: 'clv_avg', horizon: 'long', target: 1, due: '31.12.2026' }] },
      },
      /^'scoreboard\.indicators\.0\.due' must be a date YYYY-MM-DD$/,
    ],
    [
      {
        scoreboard: { indicators: [{ indicator: 'clv_avg', horizon: 'long', target: 1, due: '2026-02-30' }] },
      },
      /^'scoreboard\.indicators\.0\.due' is not a calendar date$/,
    ],
    [
      {
        scoreboard: { indicators: [{ indicator: 'clv_avg', horizon: 'long', target: 1, dew: '2026-12-31' }] },
      },
      /^'scoreboard\.indicators\.0' has unknown key\(s\) dew; lacks due$/,
    ],
    [{ scoreboard: { targets: [] } }, /^'scoreboard' has unknown key\(s\) targets$/],
    [
      { scoreboard: { programCosts: [{ period: '2026-Q5', category: 'software', amount: 1 }] } },
      /^'scoreboard\.programCosts\.0\.period' must be a period YYYY, YYYY-Qn or YYYY-MM$/,
    ],
  ])('%j', (config, expected) => {
    expect(errorOf(config)).toMatch(expected);
  });

  it("points a scoreboard problem at the scoreboard's documentation", () => {
    const file = writeConfig(tmp.dir, { scoreboard: { period: 'week' } }, 'scoreboard-hint.yaml');
    expect(() => loadConfig(file)).toThrow(
      expect.objectContaining({
        hint: expect.stringMatching(/^See the scoreboard section in DESIGN\.md/),
      }),
    );
  });

  it('takes the scoreboard section with its defaults', () => {
    const loaded = loadConfig(
      writeConfig(tmp.dir, {
        scoreboard: { indicators: [{ indicator: 'cac', horizon: 'short', target: 500, due: '2026-06-30' }] },
      }),
    );
    expect(loaded.config.scoreboard).toEqual({
      period: 'month',
      attributionShare: 1,
      indicators: [{ indicator: 'cac', horizon: 'short', target: 500, due: '2026-06-30' }],
      programCosts: [],
    });
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

describe('config problems inside a union name the key, however the union is built', () => {
  const members = [
    z.strictObject({ connector: z.literal('files'), path: z.string() }),
    z.strictObject({ connector: z.literal('db'), url: z.string(), table: z.string().optional() }),
  ] as const;
  const problemOf = (schema: z.ZodType, value: unknown) => {
    const parsed = z.object({ sources: z.array(schema) }).safeParse({ sources: [value] });
    expect(parsed.success).toBe(false);
    const { key, text } = configProblem(parsed.error!.issues, { sources: [value] });
    return `'${key}' ${text}`;
  };

  it.each([
    ['a plain union', z.union(members)],
    ['a discriminated union', z.discriminatedUnion('connector', members)],
  ])('%s: the member its tag picks, and its unknown key first', (_name, schema) => {
    expect(problemOf(schema, { connector: 'files', paht: 'x' })).toBe(
      "'sources.0' has unknown key(s) paht; lacks path",
    );
    expect(problemOf(schema, { connector: 'db', url: 'x', tabel: 't' })).toBe(
      "'sources.0' has unknown key(s) tabel",
    );
    expect(problemOf(schema, { connector: 'db', url: 3 })).toBe(
      "'sources.0.url' is invalid: expected string, received number",
    );
  });
});
