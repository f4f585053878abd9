import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorItem, SourceRecord } from '../../connectors/contract.js';
import type { BulkTextFormat } from '../../warehouse/engines/adapter.js';
import { stageItems } from '../../pipelines/stage.js';
import { RowEncoder, stagingHash } from '../../warehouse/staging-row.js';
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

// The engines that load bulk text (EngineAdapter.bulkText).
const bulkTextEngines = (await engineTargets()).filter((t) => t.engine !== 'sqlite');

/** Records with every kind of value the bulk text must carry: escapes, nulls, numbers, JSON, warnings. */
function awkward(key: string, email: string): SourceRecord {
  return {
    stream: 'contact',
    sourceKey: key,
    fields: {
      full_name: 'Петров\tПётр\\Ильич',
      first_name: 'Пётр',
      email,
      company: 'ООО "Вектор"\nфилиал',
      birth_date: '1979-12-31',
      city: null,
    },
    attributes: key.endsWith('1') ? {} : { Комментарий: 'звонить\tпосле 18:00\\', Сумма: '12 500,00' },
    lineage: { file: 'big.csv', line: 10 + key.length },
    warnings: key.endsWith('2') ? ['phone "12" is too short: dropped', 'city: tab\there'] : [],
  };
}

async function* encodedItems(
  bulkText: BulkTextFormat,
  source: string,
  ...records: SourceRecord[]
): AsyncGenerator<ConnectorItem> {
  const encoder = new RowEncoder(records[0]!.stream, {
    source,
    runId: null,
    file: 'big.csv',
    bulkText,
    batchRows: 2_000,
  });
  for (const r of records) encoder.add(r);
  yield { kind: 'encoded', rows: encoder.take() };
}

describe.each(bulkTextEngines)('records encoded as bulk text by the reader ($engine)', (engine) => {
  let t: TestWarehouse;
  let encoded: (source: string, ...records: SourceRecord[]) => AsyncGenerator<ConnectorItem>;
  beforeAll(async () => {
    t = await migratedWarehouse(engine);
    encoded = (source, ...records) => encodedItems(t.wh.adapter.bulkText!, source, ...records);
  });
  afterAll(async () => t?.drop());

  // Rows of one source as the other would have them: the source is in the row and its hash.
  const staged = async (source: string) =>
    (
      (await t.wh.knex('stg_contact').where({ source }).orderBy('source_key').select('*')) as Array<
        Record<string, unknown>
      >
    ).map(({ source: _s, loaded_at: _l, updated_at: _u, row_hash: _h, ...row }) => row);
  const hashes = async (source: string) =>
    (
      (await t.wh.knex('stg_contact').where({ source }).orderBy('source_key').select('row_hash')) as Array<{
        row_hash: string;
      }>
    ).map((r) => r.row_hash);
  const stage = (items: AsyncIterable<ConnectorItem>, source: string) =>
    stageItems(t.wh, items, { source, stream: 'contact', runId: null, file: 'big.csv' });

  it('stage the very rows the records would, and count as they would', async () => {
    const records = ['k1', 'k2', 'k3'].map((k) => awkward(k, `${k}@mail.ru`));
    const asRecords = await stage(items(...records), 'rec');
    const asEncoded = await stage(encoded('enc', ...records), 'enc');
    expect(asEncoded).toEqual(asRecords);
    expect(asEncoded).toMatchObject({ rows: 3, inserted: 3, withWarnings: 1 });
    expect(await staged('enc')).toEqual(await staged('rec'));
    expect(await hashes('enc')).toEqual(records.map((r) => stagingHash(r, 'enc')));
    expect((await staged('enc'))[1]).toMatchObject({
      full_name: 'Петров\tПётр\\Ильич',
      company: 'ООО "Вектор"\nфилиал',
      birth_date: '1979-12-31',
      city: null,
      line: 12,
      warnings: 'phone "12" is too short: dropped; city: tab\there',
    });
    expect(t.wh.adapter.parseJson((await staged('enc'))[1]!.attributes)).toEqual(records[1]!.attributes);
  });

  it('staged again: duplicates; an edited row updates; a key repeated in a batch keeps its last row', async () => {
    const records = ['k1', 'k2', 'k3'].map((k) => awkward(k, `${k}@mail.ru`));
    expect(await stage(encoded('enc', ...records), 'enc')).toMatchObject({
      loaded: 0,
      duplicates: 3,
    });
    const edited = [awkward('k1', 'new@mail.ru'), ...records.slice(1)];
    expect(await stage(encoded('enc', ...edited), 'enc')).toMatchObject({ updated: 1, duplicates: 2 });
    const repeated = [awkward('r1', 'first@mail.ru'), awkward('r1', 'last@mail.ru')];
    expect(await stage(encoded('fresh', ...repeated), 'fresh')).toMatchObject({ rows: 2, inserted: 1 });
    expect(await stage(items(...repeated), 'fresh-rec')).toMatchObject({ rows: 2, inserted: 1 });
    expect(await staged('fresh')).toEqual(await staged('fresh-rec'));
    expect((await staged('fresh'))[0]).toMatchObject({ email: 'last@mail.ru' });
  });

  it('writes datetimes as the engine reads them', async () => {
    const call = (key: string): SourceRecord => ({
      stream: 'interaction',
      sourceKey: key,
      fields: { occurred_at: '2024-03-05T07:08:09.123Z', channel: 'email', subject: 'Счёт\tна оплату' },
      attributes: {},
      lineage: { file: 'big.csv', line: 2 },
      warnings: [],
    });
    const stage = (items: AsyncIterable<ConnectorItem>, source: string) =>
      stageItems(t.wh, items, { source, stream: 'interaction', runId: null, file: 'big.csv' });
    await stage(items(call('i1')), 'rec');
    await stage(encoded('enc', call('i1')), 'enc');
    const read = async (source: string) =>
      (await t.wh.knex('stg_interaction').where({ source }).first('occurred_at', 'subject')) as Record<
        string,
        unknown
      >;
    expect(await read('enc')).toEqual(await read('rec'));
    expect(new Date((await read('enc')).occurred_at as string).toISOString()).toBe(
      '2024-03-05T07:08:09.123Z',
    );
  });

  it('gives the bytes of each batch back once the batch is in the database', async () => {
    // As the CSV reader thread's batches arrive: release transfers the bytes back, which
    // detaches them here. Released before the batch was sent, it would stage nothing.
    const encoder = new RowEncoder('contact', {
      source: 'rel',
      runId: null,
      file: 'big.csv',
      bulkText: t.wh.adapter.bulkText!,
      batchRows: 2_000,
    });
    const released: number[] = [];
    async function* batches(): AsyncGenerator<ConnectorItem> {
      for (let b = 0; b < 3; b++) {
        for (let i = 0; i < 5; i++) encoder.add(awkward(`b${b}r${i}`, `b${b}r${i}@mail.ru`));
        const rows = encoder.take();
        rows.release = () => {
          released.push(b);
          structuredClone(rows.text.buffer, { transfer: [rows.text.buffer as ArrayBuffer] });
        };
        yield { kind: 'encoded', rows };
      }
    }
    expect(await stage(batches(), 'rel')).toMatchObject({ rows: 15, inserted: 15 });
    expect(released).toEqual([0, 1, 2]);
    expect(await staged('rel')).toHaveLength(15);
  });

  it('refuses rows encoded for another source', async () => {
    await expect(stage(encoded('other', awkward('k1', 'a@b.ru')), 'enc')).rejects.toThrow(
      /encoded for .*"other".* cannot be staged as .*"enc"/,
    );
  });
});

describe.each(sqlite)('encoded rows on an engine that loads values ($engine)', (engine) => {
  it('are refused with the reason', async () => {
    const t = await migratedWarehouse(engine);
    try {
      expect(t.wh.adapter.bulkText).toBeNull();
      await expect(
        stageItems(t.wh, encodedItems('copy-text', 'enc', awkward('k1', 'a@b.ru')), {
          source: 'enc',
          stream: 'contact',
          runId: null,
          file: 'big.csv',
        }),
      ).rejects.toThrow(/copy-text .* cannot be loaded into stg_contact on SQLite/);
    } finally {
      await t.drop();
    }
  });
});
