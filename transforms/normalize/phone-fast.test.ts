import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { fastRuMobile } from './phone-fast.js';
import { normalizePhone } from './phone.js';

/** What the libphonenumber path of normalizePhone gives for a clean single number. */
function slow(s: string): string | null {
  const p = parsePhoneNumberFromString(s, { defaultCountry: 'RU' });
  if (!p || validatePhoneNumberLength(s, { defaultCountry: 'RU' }) || !p.isValid() || p.ext) return null;
  return p.number;
}

// The shapes fastRuMobile reads by character codes, as the regex it replaced.
const RU_MOBILE = /^(?:\+7|8)? ?(?:\((9[0-24-9]\d)\)|(9[0-24-9]\d))[ -]?(\d{3})[ -]?(\d{2})[ -]?(\d{2})$/;

function byRegex(s: string): string | null {
  const m = RU_MOBILE.exec(s);
  return m === null ? null : `+7${m[1] ?? m[2]}${m[3]}${m[4]}${m[5]}`;
}

describe('fastRuMobile', () => {
  it('reads exactly the shapes of its regex', () => {
    let seed = 5;
    const pick = <T>(a: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return a[(seed >>> 16) % a.length]!;
    };
    const prefix = ['', '', '+7', '8', '7', '+', '+8', '+7 ', '8 ', ' ', '  '];
    const area = ['912', '(912)', '934', '(999)', '(90', '812', '9 12', '91', '9123'];
    const sep = ['', '', ' ', '-', '  ', '.', '--'];
    const odd = ['0', '12', '345', '67', '89', '4567', '９', 'x'];
    const mismatches: string[] = [];
    let answered = 0;
    for (let k = 0; k < 20_000; k++) {
      let s = pick(prefix) + pick(area);
      for (const width of [3, 2, 2])
        s += pick(sep) + (pick([0, 1, 2, 3]) === 0 ? pick(odd) : '012'.slice(0, width));
      if (pick([0, 1, 2, 3]) === 0) s += pick(['', ' ', '1', ')']);
      const expected = byRegex(s);
      if (expected !== null) answered++;
      if (fastRuMobile(s) !== expected) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
    for (const s of [
      '9123456789',
      ' 9123456789',
      '+7(912)3456789',
      '8(912)345-67-89',
      '+7 (912) 345 67 89',
      '+7 912-345-67-89',
    ]) {
      expect(fastRuMobile(s), s).toBe(byRegex(s));
      expect(fastRuMobile(s), s).toBe('+79123456789');
    }
    expect(answered).toBeGreaterThan(200);
  });

  it('agrees with libphonenumber wherever it answers', () => {
    const formats = [
      (a: string, b: string, c: string, d: string) => `8 (${a}) ${b}-${c}-${d}`,
      (a: string, b: string, c: string, d: string) => `+7 ${a} ${b} ${c}${d}`,
      (a: string, b: string, c: string, d: string) => `8${a}${b}${c}${d}`,
      (a: string, b: string, c: string, d: string) => `(${a}) ${b}-${c}-${d}`,
      (a: string, b: string, c: string, d: string) => `${a} ${b} ${c} ${d}`,
      (a: string, b: string, c: string, d: string) => `+7${a}-${b}-${c}-${d}`,
    ];
    let seed = 11;
    const digits = (k: number): string => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return String(seed % 10 ** k).padStart(k, '0');
    };
    let answered = 0;
    for (let area = 900; area <= 999; area++) {
      for (const format of formats) {
        const s = format(String(area), digits(3), digits(2), digits(2));
        const fast = fastRuMobile(s);
        if (fast === null) continue;
        answered++;
        expect(fast, s).toBe(slow(s));
      }
    }
    expect(answered).toBe(90 * formats.length); // every prefix but the 93x ranges
  });

  it('leaves everything unusual to the slow path', () => {
    for (const s of [
      '+7 930 123 45 67', // 93x has unassigned blocks
      '8 (912) 345-67-8', // too short
      '8 (912) 345-67-890', // too long
      '+7 912 345 67 89 доб. 12',
      '8 912 345 67 89, 8 495 123 45 67',
      '+7 (495) 123-45-67', // landline
      '7 912 345 67 89',
      '+8 912 345 67 89',
      '8  912 345 67 89',
      '(912 345-67-89',
      '８９１２３４５６７８９', // full-width digits
    ]) {
      expect(fastRuMobile(s), s).toBeNull();
    }
  });

  it('gives normalizePhone the same answers as before', () => {
    expect(normalizePhone('8 (912) 345-67-89')).toEqual({
      ok: true,
      value: { e164: '+79123456789', ext: null },
    });
    expect(normalizePhone('+7 999 000 0000')).toEqual({
      ok: true,
      value: { e164: '+79990000000', ext: null },
    });
    // Other regions never take the fast path: 8 is not a trunk prefix everywhere.
    expect(normalizePhone('89123456789', 'US').ok).toBe(false);
  });
});
