/**
 * Fast path for the overwhelmingly common Russian mobile notations ("8 (912) 345-67-89",
 * "+7 912 345 6789", "89123456789"), which otherwise cost two full libphonenumber parses.
 *
 * It only answers where libphonenumber's "max" metadata is unconditional: RU mobile numbers are
 * `9(?:[0-24-9]\d{4}|3(…))\d{4}`, so every 10-digit 90x–92x and 94x–99x number is valid and
 * its E.164 is "+7" + the digits (+7 9xx is never KZ, whose numbers start with 6 or 7). The 93x
 * ranges have holes and go to the slow path, as does anything with other characters.
 * phone-fast.test.ts checks agreement with libphonenumber.
 *
 * The accepted shapes are exactly those of
 *   /^(?:\+7|8)? ?(?:\((9[0-24-9]\d)\)|(9[0-24-9]\d))[ -]?(\d{3})[ -]?(\d{2})[ -]?(\d{2})$/
 * read by character codes: the regex, its match array and five captured strings were most of
 * the cost of a phone cell. phone-fast.test.ts checks the two agree.
 */

const PLUS = 0x2b;
const SPACE = 0x20;
const DASH = 0x2d;
const OPEN = 0x28;
const CLOSE = 0x29;

const THREE = 0x33;
const SEVEN = 0x37;
const EIGHT = 0x38;
const NINE = 0x39;

/** Whether `width` ASCII digits start at i. */
function digitsAt(s: string, i: number, width: number): boolean {
  for (let k = i; k < i + width; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** i + 1 when a "-" or " " separator is at i, else i. */
function skipSeparator(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c === SPACE || c === DASH ? i + 1 : i;
}

/** E.164 of a clean (cleanText'ed) common-format Russian mobile number, else null. */
export function fastRuMobile(cleaned: string): string | null {
  const n = cleaned.length;
  // Every shape has 10 digits and at most 8 other characters: "+7", " ", "(" ")", 3 separators.
  if (n < 10 || n > 18) return null;
  let i = 0;
  // Which prefix is unambiguous: the number itself starts with "9" or "(".
  if (cleaned.charCodeAt(0) === PLUS) {
    if (cleaned.charCodeAt(1) !== SEVEN) return null;
    i = 2;
  } else if (cleaned.charCodeAt(0) === EIGHT) i = 1;
  if (cleaned.charCodeAt(i) === SPACE) i++;
  const paren = cleaned.charCodeAt(i) === OPEN;
  if (paren) i++;
  // The area code: 9, then 0-2 or 4-9, then any digit.
  const area = i;
  if (cleaned.charCodeAt(area) !== NINE || cleaned.charCodeAt(area + 1) === THREE) return null;
  if (!digitsAt(cleaned, area, 3)) return null;
  i += 3;
  if (paren && cleaned.charCodeAt(i++) !== CLOSE) return null;
  const b = skipSeparator(cleaned, i);
  if (!digitsAt(cleaned, b, 3)) return null;
  const c = skipSeparator(cleaned, b + 3);
  if (!digitsAt(cleaned, c, 2)) return null;
  const d = skipSeparator(cleaned, c + 2);
  if (!digitsAt(cleaned, d, 2) || d + 2 !== n) return null;
  // One flat string from the codes (slices of a Cyrillic line, concatenated, were the cost).
  const at = (k: number): number => cleaned.charCodeAt(k);
  // prettier-ignore
  return String.fromCharCode(
    PLUS, SEVEN, at(area), at(area + 1), at(area + 2), at(b), at(b + 1), at(b + 2), at(c), at(c + 1), at(d), at(d + 1),
  );
}
