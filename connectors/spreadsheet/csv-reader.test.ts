import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { fixture, readOne } from '../../test/fixtures/spreadsheet/read-all.js';
import { loadMappingFile, parseMapping } from './index.js';

describe('Windows-1251 client list with a title row (clients-cp1251.csv)', () => {
  it('detects encoding, delimiter, header row and columns', async () => {
    const { detection } = await readOne(fixture('clients-cp1251.csv'));
    expect(detection).toMatchObject({
      format: 'csv',
      encoding: 'windows-1251',
      delimiter: ';',
      sheet: null,
      headerRow: 3,
      stream: 'contact',
    });
    expect(detection.columns.map((c) => [c.header, c.field, c.how])).toEqual([
      ['Код клиента', 'source_key', 'synonym'],
      ['ФИО', 'full_name', 'synonym'],
      ['Телефон', 'phone', 'synonym'],
      ['E-mail', 'email', 'synonym'],
      ['Компания', 'company', 'synonym'],
      ['ИНН', 'tax_id', 'synonym'],
      ['Город', 'city', 'synonym'],
      ['Дата рождения', 'birth_date', 'synonym'],
      ['Сумма покупок', null, 'unmapped'],
    ]);
  });

  it('yields canonical records with lineage, split names, E.164 phones and ISO dates', async () => {
    const { records, rejects, summary } = await readOne(fixture('clients-cp1251.csv'));
    expect(rejects).toEqual([]);
    expect(summary).toEqual({ rowsAboveHeader: 1, blankRows: 1, rows: 3, records: 3, rejects: 0 });
    expect(records[0]).toEqual({
      stream: 'contact',
      sourceKey: '00123',
      fields: {
        full_name: 'Иванов Иван Иванович',
        last_name: 'Иванов',
        first_name: 'Иван',
        middle_name: 'Иванович',
        phone: '+79161234567',
        email: 'ivanov@mail.ru',
        company: 'ООО Ромашка',
        tax_id: '7707083893',
        city: 'Москва',
        birth_date: '1980-03-15',
      },
      attributes: { 'Сумма покупок': '12 345,50' },
      lineage: { file: fixture('clients-cp1251.csv'), line: 4 },
      warnings: [],
    });
    expect(records[1]!.fields).toMatchObject({
      phone: '+74951234567',
      phone_ext: '123',
      last_name: 'Петрова',
    });
    expect(records[2]!.lineage.line).toBe(7);
    expect(records[2]!.fields).not.toHaveProperty('birth_date');
    expect(records[2]!.warnings).toEqual(['birth_date "31.02.1980" is not a real date: dropped']);
  });

  it('uses an explicit mapping file over detection', async () => {
    const mapping = await loadMappingFile(fixture('clients-cp1251.mapping.json'));
    const { detection, records } = await readOne(fixture('clients-cp1251.csv'), { mapping });
    const how = Object.fromEntries(detection.columns.map((c) => [c.header, c.how]));
    expect(how).toMatchObject({ 'Код клиента': 'mapping', ФИО: 'synonym', 'Сумма покупок': 'unmapped' });
    expect(records.map((r) => r.sourceKey)).toEqual(['00123', '00124', '00125']);
  });

  it('refuses a mapping whose column is not in the header', async () => {
    const read = readOne(fixture('clients-cp1251.csv'), {
      mapping: { columns: { Клиент: { field: 'full_name' } } },
    });
    await expect(read).rejects.toThrow(ConfigError);
    await expect(read).rejects.toThrow(/mapping column "Клиент" is not in the header/);
  });

  it('refuses a mapped field the stream does not have', async () => {
    const mapping = {
      stream: 'contact' as const,
      columns: { 'Сумма покупок': { field: 'amount' as const } },
    };
    await expect(readOne(fixture('clients-cp1251.csv'), { mapping })).rejects.toThrow(
      /column "Сумма покупок" maps to amount, which contact records do not have/,
    );
  });
});

describe('Windows-1251 orders (orders-cp1251.csv)', () => {
  it('detects an order sheet and parses NBSP thousands and decimal commas', async () => {
    const { detection, records, rejects } = await readOne(fixture('orders-cp1251.csv'));
    expect(detection.stream).toBe('order');
    expect(detection.columns.find((c) => c.header === 'Код клиента')?.field).toBe('customer_source_key');
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      stream: 'order',
      sourceKey: 'З-0001',
      fields: {
        order_date: '2015-03-05',
        customer_source_key: '00123',
        full_name: 'Иванов И.И.',
        amount: 12345.5,
        cost: 9000,
        currency: 'RUB',
        channel: 'Магазин',
        status: 'Выполнен',
      },
    });
    expect(records[1]!.fields).toMatchObject({ amount: -1500, currency: 'RUB' });
    expect(rejects.map((r) => [r.lineage.line, r.reason])).toEqual([
      [4, 'amount is empty'],
      [5, 'order_date "32.03.2015" is not a real date'],
    ]);
    expect(rejects[0]!.raw).toBe('З-0003;07.03.2015;00125;Сидоров П.;;100,00;RUB;Сайт;Отменён');
  });
});

describe('KOI8-R (clients-koi8r.csv)', () => {
  it('detects koi8-r and composes full_name from the parts', async () => {
    const { detection, records } = await readOne(fixture('clients-koi8r.csv'));
    expect(detection).toMatchObject({ encoding: 'koi8-r', delimiter: ',', headerRow: 1 });
    expect(records.map((r) => r.fields.full_name)).toEqual([
      'Смирнов Алексей Петрович',
      'Кузнецова Мария',
      'Попов Дмитрий Олегович',
    ]);
    expect(records[0]!.fields).toMatchObject({ phone: '+79031234567', customer_group: 'Опт' });
    // No key column: a content hash, stable across reads.
    expect(records[0]!.sourceKey).toMatch(/^h:[0-9a-f]{40}$/);
    const again = await readOne(fixture('clients-koi8r.csv'));
    expect(again.records.map((r) => r.sourceKey)).toEqual(records.map((r) => r.sourceKey));
  });
});

describe('UTF-16LE tab-separated "Unicode text" (clients-utf16le.txt)', () => {
  it('reads it as TSV with quoted cells', async () => {
    const { detection, records } = await readOne(fixture('clients-utf16le.txt'));
    expect(detection).toMatchObject({ format: 'tsv', encoding: 'utf-16le', delimiter: '\t', headerRow: 1 });
    expect(records[0]!.fields).toMatchObject({
      full_name: 'Васильев Сергей Николаевич',
      phone: '+79123456789',
      email: 'vasiliev@yandex.ru',
      birth_date: '1985-07-04',
    });
    expect(records[0]!.attributes).toEqual({ Примечание: 'Звонить после 18:00, "срочно"' });
    expect(records[1]!.fields).toMatchObject({ phone: '+78005553535', birth_date: '1990-07-04' });
  });
});

describe('UTF-8 with BOM, English headers (customers-utf8-bom.csv)', () => {
  it('keeps leading zeros and reads a quoted cell that spans two lines', async () => {
    const { detection, records } = await readOne(fixture('customers-utf8-bom.csv'));
    expect(detection).toMatchObject({ encoding: 'utf-8', delimiter: ',' });
    expect(detection.columns[0]).toEqual({ header: 'Customer ID', field: 'source_key', how: 'synonym' });
    expect(records.map((r) => [r.sourceKey, r.lineage.line, r.fields.postcode])).toEqual([
      ['C-001', 2, '02101'],
      ['C-002', 4, '01101'],
    ]);
    expect(records[0]!.fields).toMatchObject({
      first_name: 'John',
      last_name: 'Smith',
      full_name: 'John Smith',
      email: 'john.smith@example.com',
      phone: '+12125550100',
      street: '1 Main St Suite 5',
      birth_date: '1970-01-31',
    });
  });
});

describe('options', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-etl-opts-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads national phone numbers in the default region', async () => {
    const path = join(dir, 'by.csv');
    await writeFile(path, 'Name;Phone\nIvan;8 029 123-45-67\n');
    const { records } = await readOne(path, { defaultRegion: 'BY' });
    expect(records[0]!.fields.phone).toBe('+375291234567');
  });

  it('refuses an unknown default region', async () => {
    await expect(readOne(fixture('clients-koi8r.csv'), { defaultRegion: 'XX' })).rejects.toThrow(ConfigError);
  });

  it('takes encoding, delimiter and header row from the mapping', async () => {
    const path = join(dir, 'mapped.txt');
    await writeFile(path, iconv.encode('Отчёт\nИмя|Город\nИван|Омск\n', 'koi8-r'));
    const mapping = parseMapping({ encoding: 'koi8-r', delimiter: '|', headerRow: 2 });
    const { detection, records } = await readOne(path, { mapping });
    expect(detection).toMatchObject({ encoding: 'koi8-r', delimiter: '|', headerRow: 2 });
    expect(records[0]!.fields).toMatchObject({ first_name: 'Иван', city: 'Омск' });
  });
});
