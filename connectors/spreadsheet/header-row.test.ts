import { describe, expect, it } from 'vitest';
import { findHeaderRow, isLabelLike, type RowText } from './header-row.js';

const rows = (...lines: string[][]): RowText[] => lines.map((cells, i) => ({ line: i + 1, cells }));

describe('findHeaderRow', () => {
  it('skips title and blank rows', () => {
    const found = findHeaderRow(
      rows(
        ['Список клиентов на 01.03.2015', '', ''],
        ['', '', ''],
        ['ФИО', 'Телефон', 'Город'],
        ['Иванов Иван', '+7 916 123-45-67', 'Москва'],
      ),
    );
    expect(found?.line).toBe(3);
  });

  it('prefers known column names over text-only data rows', () => {
    const found = findHeaderRow(
      rows(['Отдел продаж', 'Москва', 'Петров'], ['Фамилия', 'Имя', 'Город'], ['Иванов', 'Иван', 'Москва']),
    );
    expect(found?.line).toBe(2);
  });

  it('takes the first wide text row when no column name is known', () => {
    const found = findHeaderRow(
      rows(['Report'], ['col_a', 'col_b', 'col_c'], ['1', '2', '3'], ['4', '5', '6']),
    );
    expect(found?.line).toBe(2);
  });

  it('falls back to the first wide row when nothing looks like a header', () => {
    expect(findHeaderRow(rows(['1', '2', '3'], ['4', '5', '6']))?.line).toBe(1);
  });

  it('returns null when every row is blank', () => {
    expect(findHeaderRow(rows(['', ''], []))).toBeNull();
  });
});

describe('isLabelLike', () => {
  it('accepts titles and refuses data', () => {
    expect(['ФИО', 'E-mail', '№', 'Дата рождения', 'Сумма, руб.'].every(isLabelLike)).toBe(true);
    expect(['', '123', '15.03.1980', 'a@b.ru', '+7 916 123-45-67'].some(isLabelLike)).toBe(false);
  });
});
