import {
  expandTwoDigitYear,
  fractionToMs,
  monthFromName,
  offsetMinutes,
  to24h,
  wall,
  wallFromUtcMs,
  type WallTime,
} from './date-parts.js';
import { excelSerialToUtcMs } from './excel-serial.js';

/**
 * Recognises a date written without a declared format. Day-first is the default for
 * numeric dates (Russian and European data); a value that only makes sense month-first
 * ("12/31/2023") is refused rather than guessed, because it means the whole column is
 * month-first and earlier values like "01/02/2023" were read wrongly — the mapping needs a format.
 */

// Optional time after a date: "10:30", "10:30:15.250", "3:45 PM", with an offset "Z"/"+03:00".
const TIME = String.raw`(?:(?:[ T]|,\s*)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([ap]\.?m\.?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?)?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}$`, 'i');
const YMD = new RegExp(String.raw`^(\d{4})[./](\d{1,2})[./](\d{1,2})${TIME}$`, 'i');
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const DMY = new RegExp(String.raw`^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})${TIME}$`, 'i');
const DAY_MONTH_NAME = new RegExp(String.raw`^(\d{1,2})[\s.-]*(\p{L}{3,})\.?[\s.-]*(\d{4})${TIME}$`, 'iu');
const MONTH_NAME_DAY = new RegExp(String.raw`^(\p{L}{3,})\.?\s+(\d{1,2}),?\s+(\d{4})${TIME}$`, 'iu');
const SERIAL = /^\d{1,7}(?:[.,]\d+)?$/;
// "15.01.2023 г.", "15 января 2023 года"
const YEAR_WORD = /\s*(?:г\.?|года)$/u;

/** The wall time, or what is wrong, phrased to follow `date "…"`. */
export type Detected = { wall: WallTime } | { problem: string };

/** Applies the optional TIME groups that follow a regex's date groups. */
function withTime(w: WallTime, groups: Array<string | undefined>): WallTime {
  const [hh, mi, ss, fraction, meridiem, offset] = groups;
  if (hh === undefined) return w;
  return {
    ...w,
    hh: to24h(Number(hh), meridiem),
    mi: Number(mi),
    ss: Number(ss ?? 0),
    ms: fractionToMs(fraction),
    offset: offset === undefined ? null : offsetMinutes(offset),
  };
}

export function detectDate(text: string): Detected {
  const s = text.replace(YEAR_WORD, '');
  let m: RegExpExecArray | null;
  if ((m = ISO.exec(s) ?? YMD.exec(s))) {
    return { wall: withTime(wall(Number(m[1]), Number(m[2]), Number(m[3])), m.slice(4)) };
  }
  if ((m = COMPACT.exec(s))) return { wall: wall(Number(m[1]), Number(m[2]), Number(m[3])) };
  if ((m = DMY.exec(s))) {
    const day = Number(m[1]);
    const month = Number(m[3]);
    const yearText = m[4] ?? '';
    const year = yearText.length === 2 ? expandTwoDigitYear(Number(yearText)) : Number(yearText);
    if (month > 12 && day <= 12) {
      return { problem: 'is month-first; set the column format (e.g. "MM/DD/YYYY") in the mapping' };
    }
    return { wall: withTime(wall(year, month, day), m.slice(5)) };
  }
  if ((m = DAY_MONTH_NAME.exec(s))) {
    const month = monthFromName(m[2] ?? '');
    if (month !== null) return { wall: withTime(wall(Number(m[3]), month, Number(m[1])), m.slice(4)) };
  }
  if ((m = MONTH_NAME_DAY.exec(s))) {
    const month = monthFromName(m[1] ?? '');
    if (month !== null) return { wall: withTime(wall(Number(m[3]), month, Number(m[2])), m.slice(4)) };
  }
  if (SERIAL.test(s)) {
    // A bare four-digit number in a date column is a year, not Excel day 1000-9999 (1902-1927).
    if (/^\d{4}$/.test(s)) return { problem: 'is only a year, not a full date' };
    const serial = excelSerialToUtcMs(Number(s.replace(',', '.')));
    return serial.ok
      ? { wall: wallFromUtcMs(serial.value) }
      : { problem: `is not a usable date (${serial.reason})` };
  }
  return { problem: 'is not a recognised date' };
}
