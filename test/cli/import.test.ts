import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../pipelines/commands/import-files.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl, DATASETS, REPO_ROOT } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/spreadsheet');
const targets = await engineTargets();

/** `crm-etl import` as an operator runs it, against every engine. */
describe.each(targets)('crm-etl import on $engine', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let dir: string;
  const importJson = (args: string[]) => {
    const res = crmEtl(['import', ...args, '--db', db.url, '--json']);
    expect(res.code, res.stderr).toBe(0);
    return res.json<{ files: FileSummary[] }>().files;
  };
  const count = async (sql: string) => {
    const wh = await openWarehouse(db.url);
    try {
      const rows = wh.adapter.rows(await wh.knex.raw(sql));
      return Number(Object.values(rows[0]!)[0]);
    } finally {
      await wh.close();
    }
  };

  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshDatabase(target);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-import-'));
    for (const f of ['clients-cp1251.csv', 'ragged.csv', 'orders.xlsx'])
      fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  });
  afterAll(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it.skipIf(target.unavailable)(
    'stages a Windows-1251 client list, then re-imports it as duplicates, then an edit as one update',
    async () => {
      const file = path.join(dir, 'clients-cp1251.csv');
      const [first] = importJson([file, '--source', 'legacy']);
      expect(first).toMatchObject({
        encoding: 'windows-1251',
        delimiter: ';',
        headerRow: 3,
        stream: 'contact',
        sheet: null,
      });
      expect(first!.rows).toBe(first!.loaded + first!.quarantined + first!.duplicates);
      expect(first!.duplicates).toBe(0);
      expect(await count(`SELECT count(*) AS n FROM stg_contact WHERE source = 'legacy'`)).toBe(
        first!.loaded,
      );

      const [again] = importJson([file, '--source', 'legacy']);
      expect(again).toMatchObject({
        rows: first!.rows,
        loaded: 0,
        quarantined: first!.quarantined,
        duplicates: first!.loaded,
      });
      expect(await count(`SELECT count(*) AS n FROM stg_quarantine WHERE source = 'legacy'`)).toBe(
        first!.quarantined,
      );

      const text = iconv
        .decode(fs.readFileSync(file), 'win1251')
        .replace('8 (916) 123-45-67', '8 (916) 765-43-21');
      fs.writeFileSync(file, iconv.encode(text, 'win1251'));
      const [edited] = importJson([file, '--source', 'legacy']);
      expect(edited).toMatchObject({ loaded: 1, duplicates: first!.loaded - 1 });
      expect(
        await count(
          `SELECT count(*) AS n FROM stg_contact WHERE source = 'legacy' AND phone = '+79167654321'`,
        ),
      ).toBe(1);
      expect(await count(`SELECT count(*) AS n FROM stg_contact WHERE source = 'legacy'`)).toBe(
        first!.loaded,
      );
    },
  );

  it.skipIf(target.unavailable)(
    'quarantines ragged rows with a reason and writes the rejects file next to the input',
    async () => {
      const [summary] = importJson([path.join(dir, 'ragged.csv'), '--source', 'ragged']);
      expect(summary!.quarantined).toBeGreaterThan(0);
      expect(summary!.rows).toBe(summary!.loaded + summary!.quarantined + summary!.duplicates);
      expect(summary!.rejectsFile).toBe(path.join(dir, 'ragged.rejects.csv'));
      const rejects = fs.readFileSync(summary!.rejectsFile!, 'utf8');
      expect(rejects).toContain('header has 9');
      expect(rejects.trim().split('\n')).toHaveLength(summary!.quarantined + 1);
      const reasons = await count(
        `SELECT count(*) AS n FROM stg_quarantine WHERE source = 'ragged' AND reason LIKE '%header has 9%'`,
      );
      expect(reasons).toBe(summary!.quarantined);

      // A glob over the folder takes the rejects report in too: it is skipped, not staged.
      const res = crmEtl([
        'import',
        path.join(dir, 'ragged.csv'),
        summary!.rejectsFile!,
        '--source',
        'ragged',
        '--db',
        db.url,
        '--json',
      ]);
      expect(res.code, res.stderr).toBe(0);
      const again = res.json<{ files: FileSummary[]; skipped: Array<{ file: string; reason: string }> }>();
      expect(again.files.map((f) => f.file)).toEqual([path.join(dir, 'ragged.csv')]);
      expect(again.skipped).toEqual([
        {
          file: summary!.rejectsFile,
          reason: expect.stringMatching(/^a rejects report of an earlier import/),
        },
      ]);
      expect(
        await count(
          `SELECT count(*) AS n FROM stg_quarantine WHERE source = 'ragged' AND file LIKE '%rejects%'`,
        ),
      ).toBe(0);
    },
  );

  it.skipIf(target.unavailable)(
    'stages every sheet of an XLSX workbook into the table of its stream',
    async () => {
      const summaries = importJson([path.join(dir, 'orders.xlsx'), '--source', 'workbook']);
      expect(summaries.length).toBe(2);
      expect(summaries.map((s) => s.stream).sort()).toEqual(['contact', 'order']);
      for (const s of summaries) {
        expect(s.encoding).toBeNull();
        expect(s.sheet).toBeTruthy();
        expect(s.rows).toBe(s.loaded + s.quarantined + s.duplicates);
      }
      const loaded = (stream: string) =>
        summaries.filter((s) => s.stream === stream).reduce((n, s) => n + s.loaded, 0);
      expect(await count(`SELECT count(*) AS n FROM stg_order WHERE source = 'workbook'`)).toBe(
        loaded('order'),
      );
      expect(await count(`SELECT count(*) AS n FROM stg_contact WHERE source = 'workbook'`)).toBe(
        loaded('contact'),
      );
    },
  );
});

describe('crm-etl import on the embedded warehouse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-import-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--dry-run shows detection and first rows and writes nothing', () => {
    const dbFile = path.join(dir, 'dry.db');
    const res = crmEtl([
      'import',
      path.join(FIXTURES, 'clients-cp1251.csv'),
      '--source',
      's',
      '--dry-run',
      '--db',
      `sqlite:${dbFile}`,
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('encoding windows-1251');
    expect(res.stdout).toContain('header on line 3');
    expect(res.stdout).toContain('ФИО -> full_name');
    expect(res.stdout).toContain('Иванов');
    expect(res.stdout).toContain('Nothing was written');
    expect(fs.existsSync(dbFile)).toBe(false);
    expect(fs.existsSync(path.join(FIXTURES, 'clients-cp1251.rejects.csv'))).toBe(false);
  });

  it('stages all 5,000 Febrl dataset3 records with the shared mapping', async () => {
    const dbFile = path.join(dir, 'febrl.db');
    const res = crmEtl([
      'import',
      path.join(DATASETS, 'febrl/dataset3.csv'),
      '--source',
      'febrl3',
      '--mapping',
      path.join(DATASETS, 'febrl/febrl-mapping.json'),
      '--rejects',
      dir + path.sep,
      '--db',
      `sqlite:${dbFile}`,
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const [summary] = res.json<{ files: FileSummary[] }>().files;
    expect(summary).toMatchObject({ rows: 5000, loaded: 5000, quarantined: 0, duplicates: 0 });
    const k = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: dbFile },
      useNullAsDefault: true,
    });
    try {
      const row = await k('stg_contact').where({ source: 'febrl3', source_key: 'rec-1496-org' }).first();
      expect(row).toMatchObject({
        first_name: 'Mitchell',
        last_name: 'Green',
        house: '7',
        postcode: '2119',
        birth_date: '1956-04-09',
        personal_id: '1804974',
      });
    } finally {
      await k.destroy();
    }
  });
});
