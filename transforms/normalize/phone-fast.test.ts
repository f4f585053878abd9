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

describe('fastRuMobile', () => {
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
