import { describe, expect, it } from 'vitest';
import { parsePartialDate } from './date-partial.js';

describe('parsePartialDate', () => {
  it.each([
    ['00.05.1980', undefined, '1980-05'],
    ['00/05/1980', undefined, '1980-05'],
    ['00-12-1980', undefined, '1980-12'],
    ['1980-05-00', undefined, '1980-05'],
    ['00.00.1980', undefined, '1980'],
    ['1980-00-00', undefined, '1980'],
    ['00.05.1980', 'DD.MM.YYYY', '1980-05'],
    ['1980-05-00', 'YYYY-MM-DD', '1980-05'],
  ])('%s (format %s) → %s', (text, format, want) => {
    expect(parsePartialDate(text, format)).toBe(want);
  });

  it.each([
    ['15.05.1980', undefined], // a real date: the date parser's
    ['31.02.1980', undefined], // impossible, not partial
    ['00.13.1980', undefined], // no month 13
    ['00.05.0980', undefined], // a typing error, not a year
    ['00.05.80', undefined], // two-digit years are not guessed at here
    ['00.05/1980', undefined], // mixed separators
    ['1980-05-00', 'DD.MM.YYYY'], // the declared format says otherwise
    ['00.05.1980', 'MM/DD/YYYY'],
    ['нет', undefined],
  ])('%s (format %s) is no partial date', (text, format) => {
    expect(parsePartialDate(text, format)).toBeNull();
  });
});
