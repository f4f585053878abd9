import { describe, expect, it } from 'vitest';
import { cleanText, csvSafe, looksLikeFormula } from './text.js';

describe('cleanText', () => {
  it.each([
    ['  Иван   Иванов ', 'Иван Иванов'],
    ['1\u00a0234', '1 234'],
    ['a\u202fb\u2009c\u3000d', 'a b c d'],
    ['Ива\u200bнов', 'Иванов'],
    ['\ufeffИванов', 'Иванов'],
    ['line1\r\nline2\tend', 'line1 line2 end'],
    ['bell\u0007char', 'bell char'],
    ['и\u0306', 'й'], // decomposed й from macOS composes to one letter
  ])('%j → %j', (raw, expected) => {
    expect(cleanText(raw)).toBe(expected);
  });

  it.each([[''], ['   '], ['\u00a0\u200b'], [null], [undefined]])('%j → null', (raw) => {
    expect(cleanText(raw)).toBeNull();
  });

  it('keeps line breaks when asked, cleaning each line', () => {
    expect(cleanText('  ул. Ленина,\r\n\r\n  д. 5  \rкв. 7 ', { keepLineBreaks: true })).toBe(
      'ул. Ленина,\nд. 5\nкв. 7',
    );
  });
});

describe('looksLikeFormula', () => {
  it.each([
    '=SUM(A1:A2)',
    "=cmd|' /C calc'!A0",
    '+cmd|x',
    '-2+3+cmd|x',
    '@SUM(1,2)',
    ' =1+1',
    '\t=1+1',
    '\r=HYPERLINK("http://x")',
    '＝1+1',
    '- list item',
    '@ivan_telegram',
  ])('%j is a formula', (s) => {
    expect(looksLikeFormula(s)).toBe(true);
  });

  it.each([
    'Иванов',
    '-12,5',
    '-1 234,56',
    '+100',
    '-1e5',
    '+7 912 345 67 89',
    '+7 (912) 345-67-89',
    '+44 20 7946 0958 ext. 12',
    'a=b',
    '',
  ])('%j is data', (s) => {
    expect(looksLikeFormula(s)).toBe(false);
  });
});

describe('csvSafe', () => {
  it('prefixes formula-looking cells with a single quote', () => {
    expect(csvSafe('=1+1')).toBe("'=1+1");
    expect(csvSafe('@SUM(A1)')).toBe("'@SUM(A1)");
  });
  it('leaves data alone', () => {
    expect(csvSafe('-12,5')).toBe('-12,5');
    expect(csvSafe('+7 912 345 67 89')).toBe('+7 912 345 67 89');
    expect(csvSafe('ООО «Ромашка»')).toBe('ООО «Ромашка»');
  });
});
