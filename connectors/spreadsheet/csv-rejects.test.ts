import { describe, expect, it } from 'vitest';
import { SourceError } from '../../lib/errors.js';
import { fixture, readOne } from '../../test/fixtures/spreadsheet/read-all.js';
import { readSpreadsheet } from './index.js';

describe('rejects', () => {
  it('rejects ragged rows, tolerating empty cells past the header', async () => {
    const { records, rejects, summary } = await readOne(fixture('ragged.csv'));
    expect(rejects.map((r) => [r.lineage.line, r.reason])).toEqual([
      [3, 'row has 7 cells, header has 9'],
      [4, 'row has 10 cells, header has 9'],
    ]);
    expect(rejects[0]!.raw).toBe(
      'Белова Нина;+7 916 000-00-02;belova@example.ru;Тула;ул. Мира;300001;Тульская',
    );
    expect(records.map((r) => r.lineage.line)).toEqual([2, 5]);
    expect(summary.rows).toBe(summary.records + summary.rejects);
  });

  it('rejects broken quoting with csv-parse’s message and recovers the rows after an unclosed quote', async () => {
    const { records, rejects } = await readOne(fixture('broken-quoting.csv'));
    expect(rejects.map((r) => [r.lineage.line, r.reason])).toEqual([
      [
        2,
        'broken quoting: Invalid Closing Quote: got "и" at line 2 instead of delimiter, record delimiter, ' +
          'trimable character (if activated) or comment',
      ],
      [
        3,
        'broken quoting: Quote Not Closed: the parsing is finished with an opening quote at line 3; ' +
          'the lines after it were read as rows of their own',
      ],
      [6, 'broken quoting: Quote Not Closed: the parsing is finished with an opening quote at line 6'],
    ]);
    expect(rejects[1]!.raw).toBe('2;Борисов Борис;"ООО Незакрытая;Омск');
    expect(records.map((r) => [r.sourceKey, r.fields.company])).toEqual([
      ['3', 'ООО Ромашка'],
      ['4', 'ЗАО Кавычки'],
    ]);
  });

  it('drops bad optional values with warnings and rejects rows without identity', async () => {
    const { records, rejects } = await readOne(fixture('bad-values.csv'));
    expect(records[0]!.fields).toEqual({
      full_name: 'Зимин Захар',
      last_name: 'Зимин',
      first_name: 'Захар',
      city: 'Пермь',
    });
    expect(records[0]!.warnings).toEqual([
      'phone "12345": too short for region RU: dropped',
      'email "not-an-email" has no @: dropped',
      'tax_id "7707083894" has a wrong check digit: dropped',
      'birth_date "31.02.1980" is not a real date: dropped',
    ]);
    expect(rejects.map((r) => [r.lineage.line, r.reason, r.raw])).toEqual([
      [3, 'no usable identity: email "broken@" has no domain', ';;broken@;;;Пермь'],
      [
        4,
        'no usable identity: no name, email, phone, company, tax id or personal id',
        ';;;;01.01.1990;Пермь',
      ],
    ]);
    // Two phones in one cell: the first is used, the whole cell is kept in attributes.
    expect(records[1]!.fields.phone).toBe('+79162223344');
    expect(records[1]!.attributes).toEqual({ Телефон: '+7 916 222-33-44, +7 916 222-33-45' });
    expect(records[1]!.warnings).toEqual(['birth_date "1990-13-01" month 13 does not exist: dropped']);
  });
});

describe('formula-looking cells', () => {
  it('neutralizes them in canonical fields with a leading apostrophe and keeps attributes verbatim', async () => {
    const { records } = await readOne(fixture('formulas.csv'));
    expect(records[0]!.fields).toMatchObject({
      company: `'=HYPERLINK("http://evil.example","click")`,
      owner: "'@SUM(A1:A9)",
      phone: '+79161112233',
    });
    // Unmapped columns are raw lineage: as the source has them.
    expect(records[0]!.attributes).toEqual({ Комментарий: '=1+1' });
    expect(records[1]!.fields).toMatchObject({ company: "'+ООО Плюс", owner: "'=cmd|' /C calc'!A0" });
    expect(records[1]!.attributes).toEqual({ Комментарий: '-1500' });
    // A formula in the name column stays the full name as text and is not split into name parts.
    expect(records[2]!.fields).toMatchObject({
      full_name: `'=HYPERLINK("http://evil.example";"Нажми")`,
      phone: '+79031112233',
    });
    expect(records[2]!.fields).not.toHaveProperty('last_name');
    expect(records[2]!.fields).not.toHaveProperty('first_name');
  });
});

describe('files that cannot be read', () => {
  it('gives an empty sheet for an empty file', async () => {
    const { detection, records, rejects } = await readOne(fixture('empty.csv'));
    expect(detection.headerRow).toBe(0);
    expect([records.length, rejects.length]).toEqual([0, 0]);
  });

  it('throws SourceError with a hint for a missing file', async () => {
    const read = readOne(fixture('no-such-file.csv'));
    await expect(read).rejects.toThrow(SourceError);
    await expect(read).rejects.toThrow(/cannot read .*no-such-file\.csv: no such file/);
  });

  it('throws SourceError for a legacy .xls workbook', async () => {
    const sheets = readSpreadsheet(fixture('legacy.xls'));
    await expect(sheets.next()).rejects.toThrow(/Excel 97-2003 \(\.xls\).*not supported/);
  });
});
