import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOne } from '../../test/fixtures/spreadsheet/read-all.js';

// A file well past the 64 KB detection sample and the 32 KB read chunks, so that lines,
// multi-line cells and multi-byte characters (surrogate pairs too) fall across chunk boundaries.
const ROWS = 3000;

function content(): { text: string; lineOf: Map<string, number> } {
  const lines = ['Выгрузка клиентов', '', 'Код клиента;ФИО;Город;Комментарий'];
  const lineOf = new Map<string, number>();
  let physical = lines.length; // physical lines so far: a multi-line cell takes two
  const add = (line: string): void => {
    lines.push(line);
    physical += line.split('\n').length;
  };
  for (let i = 1; i <= ROWS; i++) {
    const key = `K${String(i).padStart(5, '0')}`;
    lineOf.set(key, physical + 1);
    const comment = i % 500 === 0 ? '"первая строка\nвторая строка"' : `Комментарий номер ${i} — ёжик 🦔`;
    add(`${key};Иванов${i} Пётр;Москва;${comment}`);
    if (i % 700 === 0) add(';;;');
    if (i === 1234) add('X;"незакрытая кавычка;Москва;ой');
  }
  return { text: lines.join('\r\n') + '\r\n', lineOf };
}

describe.each(['utf-8', 'utf-16le', 'utf-16be', 'windows-1251'])(`a %s file of ${ROWS} rows`, (encoding) => {
  let dir: string;
  let path: string;
  const { text, lineOf } = content();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-etl-csv-'));
    path = join(dir, 'big.csv');
    // Excel's "Unicode text" has a BOM.
    const bom = encoding.startsWith('utf-16') ? iconv.encode('\ufeff', encoding) : Buffer.alloc(0);
    await writeFile(path, Buffer.concat([bom, iconv.encode(text, encoding)]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams every row with its line number', async () => {
    const { detection, records, rejects, summary } = await readOne(path);
    expect(detection).toMatchObject({ encoding, delimiter: ';', headerRow: 3 });
    expect(summary).toEqual({ rowsAboveHeader: 1, blankRows: 4, rows: ROWS + 1, records: ROWS, rejects: 1 });
    expect(records.map((r) => [r.sourceKey, r.lineage.line])).toEqual([...lineOf.entries()]);
    expect(records[499]!.attributes).toEqual({ Комментарий: 'первая строка\nвторая строка' });
    const hedgehog = encoding === 'windows-1251' ? '??' : '🦔'; // iconv writes each half of the pair as ?
    const garbled = records.filter(
      (r, i) =>
        (i + 1) % 500 !== 0 &&
        r.attributes['Комментарий'] !== `Комментарий номер ${i + 1} — ёжик ${hedgehog}`,
    );
    expect(garbled.map((r) => r.attributes)).toEqual([]);
    expect(records[2999]!.fields).toMatchObject({ last_name: 'Иванов3000', first_name: 'Пётр' });
    expect(rejects).toEqual([
      expect.objectContaining({
        reason: expect.stringMatching(/^broken quoting: Quote Not Closed/),
        raw: 'X;"незакрытая кавычка;Москва;ой',
        lineage: { file: path, line: (lineOf.get('K01234') ?? 0) + 1 },
      }),
    ]);
  });
});
