/**
 * Fast path for the date shapes that fill real date columns: "07.07.1986" (also with "/" or "-")
 * and ISO "1986-07-07". For them the general path (cleanText, the YEAR_WORD, ISO, YMD, COMPACT
 * and DMY regexes, a WallTime, validation, padding) ends in a string built from the same digits,
 * so a check of the characters and of the calendar gives that string directly.
 *
 * It answers only for a real date with a four-digit year from 1000 on and a month of 1-12, and
 * otherwise returns null, so that every refusal and its reason still comes from the general
 * path. date-fast.test.ts checks agreement with the general path.
 */
import { daysInMonth } from './date-parts.js';

const DOT = 0x2e;
const SLASH = 0x2f;
const DASH = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

/** Whether the digits (as character codes) make a real date with a year from 1000 on. */
function isRealDate(
  y0: number,
  y1: number,
  y2: number,
  y3: number,
  m0: number,
  m1: number,
  d0: number,
  d1: number,
): boolean {
  if (!(
    isDigit(y0) &&
    isDigit(y1) &&
    isDigit(y2) &&
    isDigit(y3) &&
    isDigit(m0) &&
    isDigit(m1) &&
    isDigit(d0) &&
    isDigit(d1)
  ))
    return false;
  const y = (y0 - ZERO) * 1000 + (y1 - ZERO) * 100 + (y2 - ZERO) * 10 + (y3 - ZERO);
  const m = (m0 - ZERO) * 10 + (m1 - ZERO);
  const d = (d0 - ZERO) * 10 + (d1 - ZERO);
  return y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/**
 * "YYYY-MM-DD" of a string that is exactly DD.MM.YYYY (separator ".", "/" or "-", the same
 * twice) or YYYY-MM-DD and a real date, else null. With a declared `format`, only "DD.MM.YYYY"
 * is answered (the DD.MM.YYYY shape), any other format gives null.
 */
export function fastDate(s: string, format?: string): string | null {
  if (s.length !== 10) return null;
  const sep = s.charCodeAt(2);
  if (format !== undefined && (format !== 'DD.MM.YYYY' || sep !== DOT)) return null;
  if ((sep === DOT || sep === SLASH || sep === DASH) && s.charCodeAt(5) === sep) {
    const d0 = s.charCodeAt(0);
    const d1 = s.charCodeAt(1);
    const m0 = s.charCodeAt(3);
    const m1 = s.charCodeAt(4);
    const y0 = s.charCodeAt(6);
    const y1 = s.charCodeAt(7);
    const y2 = s.charCodeAt(8);
    const y3 = s.charCodeAt(9);
    if (!isRealDate(y0, y1, y2, y3, m0, m1, d0, d1)) return null;
    // One string from the codes: slices and concatenations made five.
    return String.fromCharCode(y0, y1, y2, y3, DASH, m0, m1, DASH, d0, d1);
  }
  if (format === undefined && s.charCodeAt(4) === DASH && s.charCodeAt(7) === DASH) {
    const ok = isRealDate(
      s.charCodeAt(0),
      s.charCodeAt(1),
      s.charCodeAt(2),
      s.charCodeAt(3),
      s.charCodeAt(5),
      s.charCodeAt(6),
      s.charCodeAt(8),
      s.charCodeAt(9),
    );
    if (ok) return s;
  }
  return null;
}
