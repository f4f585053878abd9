// Fast paths and caches in the normalizers, checked against the plain computation.
import { describe, expect, it } from 'vitest';
import { daysInMonth } from './date-parts.js';
import { memoize } from './memo.js';
import { normalizeCompanyName } from './company.js';
import { splitFullName } from './names.js';
import { cleanText } from './text.js';

// cleanText's full path, written out independently: the fast path must give exactly this.
function reference(raw: string): string | null {
  const s = raw
    .normalize('NFC')
    .replace(/[\u00ad\u200b\u2060\ufeff]/g, '')
    // eslint-disable-next-line no-control-regex -- control characters are the point
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return s === '' ? null : s;
}

describe('cleanText fast path', () => {
  it.each([
    'Иванов Иван',
    'ООО "Ромашка"',
    'user@mail.ru',
    ' Иванов',
    'Иванов ',
    'Иванов  Иван',
    'Иванов\tИван',
    'Иванов\u00a0Иван',
    'Ива\u200bнов',
    'Ива\u00adнов',
    '\ufeffИванов',
    'Иванов\u0000',
    'Ивано\u007f',
    'Иванов\nИван',
    'Иванов\r\n',
    'Ии\u0306',
    'И\u0306ванов',
    'Е\u0308лкин',
    'а\u0483б',
    'Zoë',
    'Zoe\u0308',
    '№ 5',
    '~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./',
    ' ',
    '\u3000',
  ])('%j matches the full cleaning', (s) => {
    expect(cleanText(s)).toBe(reference(s));
    // Single-line input: keeping line breaks changes nothing.
    if (!/[\n\r]/.test(s)) expect(cleanText(s, { keepLineBreaks: true })).toBe(reference(s));
  });

  it('agrees on random strings built from the tricky characters', () => {
    const alphabet = [
      'a',
      'Я',
      'й',
      'и',
      '\u0306',
      ' ',
      '  ',
      '\t',
      '\u00a0',
      '\u200b',
      '\u0001',
      '\u0483',
      'é',
      '.',
      '-',
    ];
    let seed = 5;
    for (let i = 0; i < 5000; i++) {
      let s = '';
      const len = i % 9;
      for (let k = 0; k < len; k++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        s += alphabet[seed % alphabet.length];
      }
      expect(cleanText(s), JSON.stringify(s)).toBe(reference(s));
    }
  });
});

describe('memoized normalizers', () => {
  it('return the same values on repeat calls', () => {
    for (let i = 0; i < 2; i++) {
      expect(normalizeCompanyName('ооо «ромашка»')).toBe(normalizeCompanyName('ооо «ромашка»'));
      expect(splitFullName('ИВАНОВ Иван Иванович')).toEqual({
        last_name: 'Иванов',
        first_name: 'Иван',
        middle_name: 'Иванович',
      });
    }
  });

  it('hand out copies, so a caller cannot change a cached result', () => {
    const parts = splitFullName('Петров Пётр');
    parts.last_name = 'X';
    expect(splitFullName('Петров Пётр').last_name).toBe('Петров');
  });

  it('stay bounded and keep answering after the cache is dropped', () => {
    let calls = 0;
    const f = memoize((s: string) => (calls++, s.length), 3);
    for (const s of ['a', 'bb', 'ccc', 'a', 'dddd', 'a']) f(s);
    expect(f('bb')).toBe(2);
    expect(calls).toBe(6); // 'a' hit once; 'dddd' cleared the cache, so 'a' and 'bb' recomputed
  });
});

describe('daysInMonth', () => {
  it('matches the calendar for every month of the accepted years', () => {
    for (let y = 1000; y <= 9999; y++) {
      for (let m = 1; m <= 12; m++) {
        if (daysInMonth(y, m) !== new Date(Date.UTC(y, m, 0)).getUTCDate()) {
          expect([y, m, daysInMonth(y, m)]).toEqual([y, m, new Date(Date.UTC(y, m, 0)).getUTCDate()]);
        }
      }
    }
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(50, 2)).toBe(new Date(Date.UTC(50, 2, 0)).getUTCDate()); // Date's 1950
  });
});
