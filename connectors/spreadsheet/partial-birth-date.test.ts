import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOne } from '../../test/fixtures/spreadsheet/read-all.js';

/** Birth dates written with day 00 are kept as partial dates, not dropped (issue 19). */
describe('a birth date with day 00', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'partial-dob-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('is staged as birth_date_partial with a warning; a real date still goes to birth_date', async () => {
    const file = join(dir, 'clients.csv');
    await writeFile(
      file,
      [
        'Код клиента;ФИО;Город;Дата рождения',
        '1;Смирнов Олег;Тверь;00.05.1980',
        '2;Кузнецов Павел;Тверь;1975-03-00',
        '3;Волкова Ирина;Тверь;00.00.1990',
        '4;Орлов Денис;Тверь;12.07.1985',
        '5;Зайцев Илья;Тверь;31.02.1980',
        '6;Попов Иван;Тверь;00.13.1980',
      ].join('\n'),
    );
    const { records, rejects } = await readOne(file);
    expect(rejects).toEqual([]);
    const got = records.map((r) => [r.fields.birth_date, r.fields.birth_date_partial, r.warnings]);
    expect(got).toEqual([
      [undefined, '1980-05', ['birth_date "00.05.1980": day unknown, kept as 1980-05 in birth_date_partial']],
      [undefined, '1975-03', ['birth_date "1975-03-00": day unknown, kept as 1975-03 in birth_date_partial']],
      [
        undefined,
        '1990',
        ['birth_date "00.00.1990": day and month unknown, kept as 1990 in birth_date_partial'],
      ],
      ['1985-07-12', undefined, []],
      // Impossible dates and months are still no dates at all.
      [undefined, undefined, ['birth_date "31.02.1980" is not a real date: dropped']],
      [undefined, undefined, [expect.stringMatching(/^birth_date .*: dropped$/)]],
    ]);
  });
});
