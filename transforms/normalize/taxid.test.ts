import { describe, expect, it } from 'vitest';
import { isValidInnChecksum, normalizeInn } from './taxid.js';

describe('normalizeInn', () => {
  it.each<[string | number, string]>([
    ['7707083893', '7707083893'], // legal entity
    ['500100732259', '500100732259'], // individual
    [' 7707 083 893 ', '7707083893'],
    ['7707-083-893', '7707083893'],
    ['ИНН 7707083893', '7707083893'],
    ['INN: 7707083893', '7707083893'],
    ['0274062111', '0274062111'], // leading zero kept
    [7707083893, '7707083893'],
  ])('%j → %s', (raw, expected) => {
    expect(normalizeInn(raw)).toEqual({ ok: true, value: expected });
  });

  it.each<[string | number, string]>([
    ['7707083894', 'INN "7707083894" has a wrong check digit'],
    ['500100732258', 'INN "500100732258" has a wrong check digit'],
    ['500100732269', 'INN "500100732269" has a wrong check digit'],
    ['274062111', 'INN "274062111" has 9 digits, expected 10 or 12 (a leading zero may have been lost)'],
    [274062111, 'INN "274062111" has 9 digits, expected 10 or 12 (a leading zero may have been lost)'],
    ['12345', 'INN "12345" has 5 digits, expected 10 or 12'],
    ['77O7083893', 'INN "77O7083893" must contain only digits'],
    ['0000000000', 'INN "0000000000" is all zeros'],
    [
      '7707083893.0',
      'INN "7707083893.0" was turned into a number by a spreadsheet; export the column as text',
    ],
    [
      '7.707083893E+09',
      'INN "7.707083893E+09" was turned into a number by a spreadsheet; export the column as text',
    ],
    ['', 'INN is empty'],
  ])('%j → reason', (raw, reason) => {
    expect(normalizeInn(raw)).toEqual({ ok: false, reason });
  });
});

describe('isValidInnChecksum', () => {
  it('checks both 12-digit check digits', () => {
    expect(isValidInnChecksum('500100732259')).toBe(true);
    expect(isValidInnChecksum('500100732250')).toBe(false);
    expect(isValidInnChecksum('12345')).toBe(false);
  });
});
