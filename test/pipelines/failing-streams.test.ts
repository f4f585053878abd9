/**
 * The extract loop: a stream that fails for good is recorded with its error, the source's other
 * streams are still staged, and the run ends failed naming each failed stream (spreadsheet files
 * and ERP streams alike).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { loadConfig } from '../../pipelines/config.js';
import { runPipeline } from '../../pipelines/runner.js';
import { migratedWarehouse, type TestWarehouse } from '../support/engines.js';
import { tempDir, writeConfig, writeContactsCsv } from './support/fixtures.js';

const logger = createLogger({ level: 'silent' });

describe('a failing stream', () => {
  const tmp = tempDir();
  let t: TestWarehouse;
  beforeAll(async () => {
    fs.mkdirSync(path.join(tmp.dir, 'in'));
    writeContactsCsv(path.join(tmp.dir, 'in', 'a-good.csv'), 40, 3);
    // A zip header and nothing else: not a workbook the reader can open.
    fs.writeFileSync(path.join(tmp.dir, 'in', 'b-broken.csv'), Buffer.from('PK\x03\x04garbage'));
    writeContactsCsv(path.join(tmp.dir, 'in', 'c-good.csv'), 30, 4);
    const erp = new Database(path.join(tmp.dir, 'erp.db'));
    erp.exec(`CREATE TABLE clients (id INTEGER PRIMARY KEY, name TEXT, mail TEXT, changed TEXT);
      INSERT INTO clients VALUES (1, 'Ivan Petrov', 'ivan@example.com', '2026-11-01'),
                                 (2, 'Anna Ivanova', 'anna@example.com', '2026-11-02');`);
    erp.close();
    t = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
  });
  afterAll(async () => {
    await t?.drop();
    tmp.remove();
  });

  it('is named in the failed run while the other streams are staged', async () => {
    const loaded = loadConfig(
      writeConfig(tmp.dir, {
        pipelines: {
          p: {
            steps: ['extract'],
            retries: 0,
            sources: [
              { name: 'sheets', connector: 'spreadsheet', path: 'in/*.csv' },
              {
                name: 'shop',
                connector: 'erp',
                url: `sqlite:${path.join(tmp.dir, 'erp.db')}`,
                streams: {
                  orders: {
                    stream: 'order',
                    table: 'no_such_table',
                    key: 'id',
                    cursor: 'changed',
                    columns: {},
                  },
                  clients: {
                    stream: 'contact',
                    table: 'clients',
                    key: 'id',
                    cursor: 'changed',
                    columns: { name: 'full_name', mail: 'email' },
                  },
                },
              },
            ],
          },
        },
      }),
    );
    const report = await runPipeline(t.wh, loaded, 'p', logger, {});
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/sheets: in\/b-broken\.csv: .*not a readable XLSX workbook/);
    expect(report.error).toMatch(/shop: orders: .*no_such_table/);
    expect(report.error).not.toMatch(/a-good|c-good|clients/);

    const extracted = report.steps[0]!.detail as Array<{
      source: string;
      inputs: Array<{ name: string; rows: number; loaded: number }>;
    }>;
    const inputs = extracted.flatMap((r) => r.inputs.map((i) => [`${r.source} ${i.name}`, i.rows, i.loaded]));
    // Both sheets key rows C1, C2, …: the second one's rows update the first one's (same source key).
    expect(inputs).toEqual([
      ['sheets in/a-good.csv', 40, 40],
      ['sheets in/c-good.csv', 30, 30],
      ['shop clients', 2, 2],
    ]);
    const bySource = (await t.wh
      .knex('stg_contact')
      .select('source')
      .count({ n: '*' })
      .groupBy('source')) as Array<{
      source: string;
      n: number | string;
    }>;
    expect(Object.fromEntries(bySource.map((r) => [r.source, Number(r.n)]))).toEqual({ sheets: 40, shop: 2 });
  });
});
