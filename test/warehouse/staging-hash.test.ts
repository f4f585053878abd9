import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorItem, SourceRecord } from '../../connectors/contract.js';
import { stageItems } from '../../pipelines/stage.js';
import { stagingHash } from '../../warehouse/staging-row.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

const sqlite = (await engineTargets()).filter((t) => t.engine === 'sqlite');

function record(key: string): SourceRecord {
  return {
    stream: 'contact',
    sourceKey: key,
    fields: { full_name: 'Иванов Иван', email: `${key}@mail.ru`, birth_date: '1980-02-01' },
    attributes: { 'Сумма покупок': '1 000,50' },
    lineage: { file: 'clients.csv', line: 3 },
    warnings: ['phone "12" is too short: dropped'],
  };
}

async function* items(...records: SourceRecord[]): AsyncGenerator<ConnectorItem> {
  for (const r of records) yield { kind: 'record', record: r };
}

describe.each(sqlite)('a staging hash taken by the reader ($engine)', (target) => {
  let t: TestWarehouse;
  beforeAll(async () => {
    t = await migratedWarehouse(target);
  });
  afterAll(async () => t?.drop());

  it('is the hash the loader stores, and is kept only for the source it was taken for', async () => {
    const plain = record('a');
    const hashed = {
      ...record('b'),
      stagingHash: { source: 'sheets', hash: stagingHash(record('b'), 'sheets') },
    };
    const foreign = { ...record('c'), stagingHash: { source: 'other', hash: 'not-this-one' } };
    await stageItems(t.wh, items(plain, hashed, foreign), {
      source: 'sheets',
      stream: 'contact',
      runId: null,
      file: 'clients.csv',
    });
    const stored = Object.fromEntries(
      (
        (await t.wh.knex('stg_contact').select('source_key', 'row_hash')) as Array<{
          source_key: string;
          row_hash: string;
        }>
      ).map((r) => [r.source_key, r.row_hash]),
    );
    // What the loader computed for 'a' is what stagingHash gives; the foreign hash was not used.
    expect(stored.a).toBe(stagingHash(record('a'), 'sheets'));
    expect(stored.b).toBe(stagingHash(record('b'), 'sheets'));
    expect(stored.c).toBe(stagingHash(record('c'), 'sheets'));
    expect(stagingHash(record('a'), 'other')).not.toBe(stored.a);
  });
});
