/**
 * Calendar pieces shared by the date parsers: a wall-clock value as read from the text,
 * validation of impossible dates, two-digit years and month names.
 */

/** A date and time as written, before any time-zone interpretation. */
export interface WallTime {
  y: number;
  m: number; // 1-12
  d: number;
  hh: number;
  mi: number;
  ss: number;
  ms: number;
  /** Minutes east of UTC when the text carried an offset ("Z", "+03:00"); null = naive. */
  offset: number | null;
}

export function wall(y: number, m: number, d: number, time: Partial<WallTime> = {}): WallTime {
  return { y, m, d, hh: 0, mi: 0, ss: 0, ms: 0, offset: null, ...time };
}

// Years outside this range are typing errors in CRM data ("0023", "20233"); rejecting them also
// keeps Date.UTC away from its 0-99 → 1900-1999 mapping.
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  // Arithmetic for the validated range (a Date per parsed cell showed in profiles); anything
  // else keeps Date's behaviour, e.g. its 0-99 → 1900-1999 years and month overflow.
  if (Number.isInteger(y) && y >= MIN_YEAR && y <= MAX_YEAR && Number.isInteger(m) && m >= 1 && m <= 12) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!;
  }
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Why a wall time is impossible, or null when it is a real moment. */
export function wallProblem(w: WallTime): string | null {
  if (w.y < MIN_YEAR || w.y > MAX_YEAR) return `year ${w.y} is out of range`;
  if (w.m < 1 || w.m > 12) return `month ${w.m} does not exist`;
  if (w.d < 1 || w.d > daysInMonth(w.y, w.m)) return 'is not a real date';
  if (w.hh > 23 || w.mi > 59 || w.ss > 59) return 'has an impossible time';
  return null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function ymd(w: WallTime): string {
  return `${pad(w.y, 4)}-${pad(w.m)}-${pad(w.d)}`;
}

/** Epoch milliseconds of the wall time read as UTC (the offset is applied by the caller). */
export function wallAsUtcMs(w: WallTime): number {
  return Date.UTC(w.y, w.m - 1, w.d, w.hh, w.mi, w.ss, w.ms);
}

export function wallFromUtcMs(ms: number): WallTime {
  const t = new Date(ms);
  return wall(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), {
    hh: t.getUTCHours(),
    mi: t.getUTCMinutes(),
    ss: t.getUTCSeconds(),
    ms: t.getUTCMilliseconds(),
  });
}

/**
 * Two-digit year pivot: a year after this year's two digits is last century ("85" → 1985),
 * otherwise this century ("05" → 2005). Right for birth dates and order history alike.
 */
export function expandTwoDigitYear(yy: number, nowYear = new Date().getUTCFullYear()): number {
  const current = nowYear % 100;
  const century = nowYear - current;
  return yy > current ? century - 100 + yy : century + yy;
}

// Month-name stems, Russian (any case form: "января", "янв.") and English ("Jan", "January").
// prettier-ignore
const MONTH_STEMS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(?:янв|jan)/, 1], [/^(?:фев|feb)/, 2], [/^(?:мар|mar)/, 3], [/^(?:апр|apr)/, 4],
  [/^(?:ма[йя]|may)/, 5], [/^(?:июн|jun)/, 6], [/^(?:июл|jul)/, 7], [/^(?:авг|aug)/, 8],
  [/^(?:сен|sep)/, 9], [/^(?:окт|oct)/, 10], [/^(?:ноя|nov)/, 11], [/^(?:дек|dec)/, 12],
];

export function monthFromName(name: string): number | null {
  const n = name.toLowerCase().replace(/\.$/, '');
  if (n.length < 3) return null;
  return MONTH_STEMS.find(([re]) => re.test(n))?.[1] ?? null;
}

/** "Z", "+03:00", "+0300", "-05" → minutes east of UTC. */
export function offsetMinutes(text: string): number {
  if (/^z$/i.test(text)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

/** 12-hour clock: "12 AM" is midnight, "12 PM" noon. */
export function to24h(hour: number, meridiem: string | undefined): number {
  if (!meridiem) return hour;
  const pm = /^p/i.test(meridiem);
  return (hour % 12) + (pm ? 12 : 0);
}

/** Fraction-of-second digits → milliseconds ("5" → 500, "123456" → 123). */
export function fractionToMs(digits: string | undefined): number {
  if (!digits) return 0;
  return Math.floor(Number(`0.${digits}`) * 1000 + 1e-6);
}
