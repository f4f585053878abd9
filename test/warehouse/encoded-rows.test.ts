import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorItem, SourceRecord } from '../../connectors/contract.js';
import type { BulkFormat } from '../../warehouse/engines/adapter.js';
import { stageItems } from '../../warehouse/staging/stage.js';
import { attributesText, RowEncoder, rowMaker } from '../../warehouse/staging/staging-row.js';
import { rowHash } from '../../warehouse/staging/loader.js';
import { STAGING_TABLES } from '../../warehouse/tables.js';
import { engineTargets, migratedWarehouse, type TestWarehouse } from '../support/engines.js';

async function* items(...records: SourceRecord[]): AsyncGenerator<ConnectorItem> {
  for (const r of records) yield { kind: 'record', record: r };
}

const engines = await engineTargets();

/** The hash staging stores for a record staged under `source`. */
function stagingHash(record: SourceRecord, source: string): string {
  const spec = STAGING_TABLES[record.stream];
  return rowHash(spec, rowMaker(spec)(record, source, null, '', attributesText(record.attributes), null));
}

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
  bulkFormat: BulkFormat,
  source: string,
  ...records: SourceRecord[]
): AsyncGenerator<ConnectorItem> {
  const encoder = new RowEncoder(records[0]!.stream, {
    source,
    runId: null,
    file: 'big.csv',
    bulkFormat,
    batchRows: 2_000,
  });
  for (const r of records) encoder.add(r);
  yield { kind: 'encoded', rows: encoder.take() };
}

describe.each(engines)('records encoded for the engine by the reader ($engine)', (engine) => {
  let t: TestWarehouse;
  let encoded: (source: string, ...records: SourceRecord[]) => AsyncGenerator<ConnectorItem>;
  beforeAll(async () => {
    t = await migratedWarehouse(engine);
    encoded = (source, ...records) => encodedItems(t.wh.adapter.bulkFormat, source, ...records);
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
      bulkFormat: t.wh.adapter.bulkFormat,
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

describe.each(engines)("rows encoded in another engine's form ($engine)", (engine) => {
  it('are refused with the reason', async () => {
    const t = await migratedWarehouse(engine);
    try {
      const other = t.wh.adapter.bulkFormat === 'values' ? 'copy-text' : 'values';
      await expect(
        stageItems(t.wh, encodedItems(other, 'enc', awkward('k1', 'a@b.ru')), {
          source: 'enc',
          stream: 'contact',
          runId: null,
          file: 'big.csv',
        }),
      ).rejects.toThrow(new RegExp(`${other} .* cannot be loaded into stg_contact on ${t.wh.adapter.label}`));
    } finally {
      await t.drop();
    }
  });
});
