import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileSummary } from '../../pipelines/commands/import-files.js';
import { crmEtl, REPO_ROOT } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';
import { openWarehouse } from '../../warehouse/connection.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/spreadsheet');

const targets = await engineTargets();

/**
 * Big CSV files are read in a worker thread (connectors/spreadsheet/csv-parallel.ts), small ones
 * in-thread. CRM_ETL_CSV_WORKER forces either path: both must stage exactly the same rows,
 * quarantine rows, rejects file and summary. The worker hands records over encoded for each
 * engine's bulk path (COPY text, LOAD DATA text, packed values): every engine is compared.
 */
describe.each(targets)(
  'crm-etl import on $engine: CSV read in a worker thread or in-thread, same result',
  (target) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-import-worker-'));
    const dbs: Array<{ drop(): Promise<void> }> = [];
    afterAll(async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      for (const db of dbs) await db.drop();
    });

    const importWith = async (mode: 'always' | 'never', file: string, times = 1) => {
      const db = await freshDatabase(target);
      dbs.push(db);
      const rejects = path.join(dir, `${mode}-${path.basename(file)}.rejects.csv`);
      let files: FileSummary[] = [];
      for (let i = 0; i < times; i++) {
        const res = crmEtl(
          ['import', file, '--source', 's', '--rejects', rejects, '--db', db.url, '--json'],
          {
            env: { CRM_ETL_CSV_WORKER: mode },
          },
        );
        expect(res.code, res.stderr).toBe(0);
        files = res
          .json<{ files: FileSummary[] }>()
          .files.map((f) => ({ ...f, rejectsFile: f.rejectsFile === null ? null : 'set' }));
      }
      const wh = await openWarehouse(db.url);
      try {
        const rows = async (table: string) =>
          (await wh.knex(table).select('*').orderBy('source_key')).map(
            ({
              loaded_at: _l,
              created_at: _c,
              updated_at: _u,
              run_id: _r,
              ...row
            }: Record<string, unknown>) => row,
          );
        const staged = { contacts: await rows('stg_contact'), orders: await rows('stg_order') };
        const quarantine = await wh
          .knex('stg_quarantine')
          .select('stream', 'file', 'line', 'reason', 'raw')
          .orderBy('line');
        const rejectsText = fs.existsSync(rejects) ? fs.readFileSync(rejects, 'utf8') : null;
        return { files, staged, quarantine, rejectsText };
      } finally {
        await wh.close();
      }
    };

    it
      .skipIf(target.unavailable)
      .each([
        'clients-cp1251.csv',
        'orders-cp1251.csv',
        'broken-quoting.csv',
        'ragged.csv',
        'clients-utf16le.txt',
      ])('%s', async (name) => {
      const file = path.join(FIXTURES, name);
      const worker = await importWith('always', file);
      const inThread = await importWith('never', file);
      expect(worker).toEqual(inThread);
      expect(worker.files[0]!.rows).toBeGreaterThan(0);
    });

    // Several of the worker's batches (keys repeated across them, if asked), blank, title and broken rows.
    const manyBatches = (repeatKeys: boolean): string => {
      const file = path.join(dir, `many-${repeatKeys}.csv`);
      const lines = ['Клиенты', '', 'Код клиента;ФИО;Телефон;E-mail;Дата рождения;Комментарий'];
      for (let i = 0; i < 4500; i++) {
        const bad = i % 97 === 0;
        // Repeats 2,500 rows later (in a later batch) and 600 rows later (the same batch or not,
        // by where batches end: both paths must cut them alike, or their counts differ).
        const repeatOf = !repeatKeys ? i : i % 1000 === 999 ? i - 2500 : i % 1000 === 499 ? i - 600 : i;
        const key = `K${repeatOf}`;
        lines.push(
          `${key};Иванов${i} Пётр Ильич;8 (916) ${String(1000000 + i).slice(1, 4)}-${String(i % 100).padStart(2, '0')}-00;` +
            `${bad ? 'broken@' : `u${i}@mail.ru`};${(i % 28) + 1}.03.1980;${i % 500 === 0 ? '"две\nстроки"' : 'ok\\да'}`,
        );
        if (i % 700 === 0) lines.push('');
        if (i === 1234) lines.push('X;"незакрытая;кавычка');
      }
      fs.writeFileSync(file, lines.join('\r\n') + '\r\n');
      return file;
    };

    it.skipIf(target.unavailable)(
      'a file of many batches, with repeated keys, blank rows, title rows and broken rows',
      async () => {
        const file = manyBatches(true);
        const worker = await importWith('always', file);
        const inThread = await importWith('never', file);
        expect(worker).toEqual(inThread);
        const [summary] = worker.files;
        expect(summary!.rows).toBe(summary!.loaded + summary!.quarantined + summary!.duplicates);
        expect(summary!.quarantined).toBeGreaterThan(0);
        expect(summary!.withWarnings).toBeGreaterThan(40);
        expect(summary!.updated).toBeGreaterThan(0); // a key repeated in a later batch: its last row wins
      },
    );

    it.skipIf(target.unavailable)('imported twice: the second import loads nothing, either way', async () => {
      const file = manyBatches(false);
      const worker = await importWith('always', file, 2);
      const inThread = await importWith('never', file, 2);
      expect(worker).toEqual(inThread);
      expect(worker.files[0]).toMatchObject({ loaded: 0, inserted: 0, updated: 0 });
    });
  },
);

/** Quarantine rows are written while the loader has a batch in flight: they must not interleave. */
describe.each(targets)('crm-etl import of a file with thousands of rejects on $engine', (target) => {
  let db: { url: string; drop(): Promise<void> } | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-import-rejects-'));
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it.skipIf(target.unavailable)('stages every row and quarantines every ragged one', async () => {
    db = await freshDatabase(target);
    const file = path.join(dir, 'half-bad.csv');
    const lines = ['Код клиента;ФИО;Телефон;Город'];
    for (let i = 0; i < 6000; i++)
      lines.push(
        i % 2
          ? `K${i};Петров${i} Иван;8 916 123-45-${String(i % 100).padStart(2, '0')};Москва`
          : `K${i};ragged`,
      );
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const res = crmEtl(['import', file, '--source', 'half', '--db', db.url, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const [summary] = res.json<{ files: FileSummary[] }>().files;
    expect(summary).toMatchObject({ rows: 6000, loaded: 3000, quarantined: 3000, duplicates: 0 });
    const wh = await openWarehouse(db.url);
    try {
      const [row] = wh.adapter.rows(
        await wh.knex.raw(`SELECT count(*) AS n FROM stg_quarantine WHERE source = 'half'`),
      );
      expect(Number(Object.values(row!)[0])).toBe(3000);
    } finally {
      await wh.close();
    }
    const again = crmEtl(['import', file, '--source', 'half', '--db', db.url, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json<{ files: FileSummary[] }>().files[0]).toMatchObject({
      loaded: 0,
      quarantined: 3000,
      duplicates: 3000,
    });
  });
});
