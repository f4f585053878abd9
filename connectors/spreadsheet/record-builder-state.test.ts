// buildItem keeps each column's rule and memo per BuildContext: a changed column plan must still
// be read as it is now, and warnings keep the column order.
import { describe, expect, it } from 'vitest';
import { planColumns } from './columns.js';
import { buildItem, type BuildContext, type SheetItem } from './record-builder.js';

function context(headers: string[]): BuildContext {
  const plan = planColumns(headers, undefined, 'test');
  return {
    file: 'test.csv',
    stream: plan.stream,
    columns: plan.columns,
    headerCells: headers.length,
    headerWidth: headers.length,
    checkCellCount: true,
    defaultRegion: 'RU',
    encoding: null,
  };
}

const row = (cells: string[], line = 2) => ({ line, cells, raw: cells.join(';') });

function fields(item: SheetItem): Record<string, unknown> {
  if (item.kind !== 'record') throw new Error(item.reject.reason);
  return item.record.fields as Record<string, unknown>;
}

describe('buildItem column state', () => {
  it('follows a column whose format changes, and a new column plan', () => {
    const ctx = context(['ФИО', 'Дата рождения']);
    const cells = ['Иванов Иван', '01/02/1980'];
    for (let i = 0; i < 3; i++) expect(fields(buildItem(row(cells), ctx)).birth_date).toBe('1980-02-01');
    ctx.columns[1]!.format = 'MM/DD/YYYY';
    expect(fields(buildItem(row(cells), ctx)).birth_date).toBe('1980-01-02');
    ctx.columns = context(['Дата рождения', 'ФИО']).columns;
    expect(fields(buildItem(row(['02/03/1980', 'Петров Пётр']), ctx))).toMatchObject({
      birth_date: '1980-03-02',
      full_name: 'Петров Пётр',
    });
  });

  it('lists dropped values in column order', () => {
    const ctx = context(['ФИО', 'E-mail', 'Телефон', 'Дата рождения']);
    const item = buildItem(row(['Иванов Иван', 'broken@', '123', '31.02.1980']), ctx);
    expect(item.kind === 'record' && item.record.warnings).toEqual([
      'email "broken@" has no domain: dropped',
      'phone "123": too short for region RU: dropped',
      'birth_date "31.02.1980" is not a real date: dropped',
    ]);
  });
});
