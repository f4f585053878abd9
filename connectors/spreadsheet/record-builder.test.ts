import { describe, expect, it } from 'vitest';
import type { StreamName } from '../contract.js';
import { numberText, type Cell } from '../canonical/cells.js';
import { planColumns } from './columns.js';
import type { MappingFile } from './mapping.js';
import { buildItem, type BuildContext, type SheetItem } from './record-builder.js';
import { contentKey } from './source-key.js';
import { attributesText } from '../../warehouse/staging/staging-row.js';

function context(headers: string[], stream?: StreamName, mapping?: MappingFile, xlsx = true): BuildContext {
  const plan = planColumns(headers, stream === undefined ? mapping : { ...mapping, stream }, 'test');
  return {
    file: 'test.xlsx',
    stream: plan.stream,
    columns: plan.columns,
    headerCells: headers.length,
    headerWidth: headers.length,
    checkCellCount: !xlsx,
    defaultRegion: 'RU',
    encoding: null,
  };
}

function record(item: SheetItem) {
  if (item.kind !== 'record') throw new Error(`rejected: ${item.reject.reason}`);
  return item.record;
}

const row = (cells: Cell[], line = 2) => ({ line, cells, raw: cells.map(String).join(',') });

describe('buildItem', () => {
  it('never turns identifiers into numbers', () => {
    const ctx = context(['Код клиента', 'ФИО', 'ИНН', 'Телефон', 'Индекс', 'Дом']);
    const rec = record(buildItem(row([1001, 'Иванов Иван', 7707083893, 79161234567, 101000, 7]), ctx));
    expect(rec.sourceKey).toBe('1001');
    expect(rec.fields).toMatchObject({
      tax_id: '7707083893',
      phone: '+79161234567',
      postcode: '101000',
      house: '7',
    });
  });

  it('renders numbers without exponent or ".0"', () => {
    expect(numberText(7707083893)).toBe('7707083893');
    expect(numberText(1e21)).toBe('1000000000000000000000');
    expect(numberText(101000.00000000001)).toBe('101000');
    expect(numberText(12.5)).toBe('12.5');
  });

  it('keeps cells right of the header (XLSX) as attributes', () => {
    const rec = record(buildItem(row(['Иванов Иван', 'Москва', 'примечание']), context(['ФИО', 'Город'])));
    expect(rec.attributes).toEqual({ 'Column 3': 'примечание' });
  });

  it('keeps a column titled __proto__ like any other, and stages its JSON', () => {
    const rec = record(
      buildItem(row(['Иванов Иван', 'x', 'y']), context(['ФИО', '__proto__', 'constructor'])),
    );
    expect(Object.keys(rec.attributes)).toEqual(['__proto__', 'constructor']);
    expect(attributesText(rec.attributes)).toBe('{"__proto__":"x","constructor":"y"}');
  });

  it('renders date cells of text columns as ISO dates', () => {
    const when = new Date(Date.UTC(2020, 4, 17));
    const rec = record(buildItem(row(['Иванов Иван', when]), context(['ФИО', 'Обновлено'])));
    expect(rec.attributes).toEqual({ Обновлено: '2020-05-17' });
  });

  it('derives the key from content when the key cell is empty, and says so', () => {
    const rec = record(buildItem(row([null, 'Иванов Иван']), context(['Код клиента', 'ФИО'])));
    expect(rec.sourceKey).toMatch(/^h:[0-9a-f]{40}$/);
    expect(rec.warnings).toEqual(['source_key is empty: key derived from the row content']);
  });

  it('warns about an order without any customer reference, and about a phone extension it cannot keep', () => {
    const ctx = context(['№ заказа', 'Дата заказа', 'Сумма', 'Телефон']);
    expect(ctx.stream).toBe('order');
    const rec = record(buildItem(row(['A1', '01.02.2021', '10,5', '+7 495 123-45-67 доб. 12']), ctx));
    expect(rec.fields).toEqual({ order_date: '2021-02-01', amount: 10.5, phone: '+74951234567' });
    expect(rec.warnings).toEqual(['phone extension "12" dropped: order records have no phone_ext']);
    const anonymous = record(buildItem(row(['A2', '01.02.2021', '10']), ctx));
    expect(anonymous.warnings).toEqual([
      'no customer reference (customer_source_key, email, phone, tax_id, full_name, company)',
    ]);
  });

  it('reads spend and interaction sheets by mapping', () => {
    const spend = context(['Период', 'Кампания', 'Сумма'], 'spend', {
      columns: { Период: { field: 'period_start' }, Кампания: { field: 'campaign' } },
    });
    expect(record(buildItem(row(['2021-03-01', 'Весна', 15000]), spend)).fields).toEqual({
      period_start: '2021-03-01',
      campaign: 'Весна',
      amount: 15000,
    });
    const calls = context(['Когда', 'Email', 'Тема'], 'interaction', {
      columns: { Когда: { field: 'occurred_at' }, Тема: { field: 'subject' } },
    });
    expect(record(buildItem(row(['2021-03-01 10:30', 'A@B.RU', 'Звонок']), calls)).fields).toEqual({
      occurred_at: '2021-03-01T10:30:00.000Z',
      email: 'a@b.ru',
      subject: 'Звонок',
    });
  });

  it('reports every missing required value', () => {
    const ctx = context(['№ заказа', 'Дата заказа', 'Сумма', 'Email']);
    const item = buildItem(row(['A1', 'завтра', 'много', 'a@b.ru']), ctx);
    expect(item).toMatchObject({
      kind: 'reject',
      reject: { reason: 'order_date "завтра" is not a recognised date; amount "много" is not a number' },
    });
  });
});

describe('contentKey', () => {
  const ctx = context(['ФИО', 'Город', 'Телефон']);
  const key = (cells: Cell[], c = ctx) => contentKey(c.columns, cells);

  it('is stable, ignores column order and spacing, and changes with content', () => {
    const reordered = context(['Телефон', 'ФИО', 'Город']);
    const base = key(['Иванов Иван', 'Москва', '+7 916']);
    expect(key(['Иванов Иван', 'Москва', '+7 916'])).toBe(base);
    expect(key(['+7 916', 'Иванов Иван', 'Москва'], reordered)).toBe(base);
    expect(key(['  Иванов   Иван ', 'Москва', '+7 916'])).toBe(base);
    expect(key(['Иванов Иван', 'Тула', '+7 916'])).not.toBe(base);
  });
});
