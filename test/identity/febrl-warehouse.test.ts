import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateClusters } from '../../transforms/identity/index.js';
import { crmEtl, DATASETS } from '../support/cli.js';

/**
 * The accuracy figure of the identity issue, measured as a user would: stage a Febrl file with
 * the shared mapping, `crm-etl resolve`, and compare customer_crosswalk with the truth in rec_id.
 */
describe('identity resolution accuracy on Febrl through the warehouse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-febrl-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [dataset, records] of [
    ['dataset3', 5000],
    ['dataset1', 1000],
  ] as const) {
    it(`${dataset}: precision >= 0.99 and F1 >= 0.98`, async () => {
      const db = `sqlite:${path.join(dir, `${dataset}.db`)}`;
      const mapping = path.join(DATASETS, 'febrl/febrl-mapping.json');
      const imported = crmEtl([
        'import',
        path.join(DATASETS, `febrl/${dataset}.csv`),
        '--source',
        'febrl',
        '--mapping',
        mapping,
        '--rejects',
        dir + path.sep,
        '--db',
        db,
        '--json',
      ]);
      expect(imported.code, imported.stderr).toBe(0);
      const resolved = crmEtl(['resolve', '--db', db, '--json']);
      expect(resolved.code, resolved.stderr).toBe(0);
      expect(resolved.json<{ records: number }>().records).toBe(records);

      const k = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: db.slice('sqlite:'.length) },
        useNullAsDefault: true,
      });
      const rows = (await k('customer_crosswalk').select('source_key', 'customer_id')) as Array<{
        source_key: string;
        customer_id: number;
      }>;
      await k.destroy();
      const truth = new Map<number, string>();
      const predicted = new Map<number, number>();
      rows.forEach((r, i) => {
        truth.set(i, /^rec-(\d+)-/.exec(r.source_key)![1]!);
        predicted.set(i, r.customer_id);
      });
      const e = evaluateClusters(truth, predicted);
      console.log(
        `[febrl ${dataset} via warehouse] precision ${e.precision.toFixed(4)} recall ${e.recall.toFixed(4)} F1 ${e.f1.toFixed(4)} exact clusters ${e.exactClusterShare.toFixed(4)}`,
      );
      expect(e.precision).toBeGreaterThanOrEqual(0.99);
      expect(e.f1).toBeGreaterThanOrEqual(0.98);
    });
  }
});
