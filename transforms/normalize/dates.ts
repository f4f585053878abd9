import { parseWithFormat } from './date-format.js';
import { detectDate } from './date-detect.js';
import { fastDate } from './date-fast.js';
import { wallAsUtcMs, wallFromUtcMs, wallProblem, ymd, type WallTime } from './date-parts.js';
import { excelSerialToUtcMs } from './excel-serial.js';
import { fail, ok, quote, type Parsed } from './parsed.js';
import { cleanText } from './text.js';
import { isValidTimeZone, zonedWallToUtcMs } from './timezone.js';

export { excelSerialToIso, excelSerialToIsoDateTime } from './excel-serial.js';
export { expandTwoDigitYear } from './date-parts.js';

export interface DateTimeOptions {
  /**
   * IANA zone ("Europe/Moscow") in which times without an offset were written. Without it they
   * are taken as UTC. Times carrying "Z"/"+03:00" are exact either way.
   */
  timeZone?: string;
}

/**
 * A date cell → "YYYY-MM-DD". Accepts text (see detectDate for the forms, or `format`),
 * Excel serial numbers (44927 → 2023-01-01) and JS Dates from XLSX cells (their UTC parts are
 * the wall date the cell showed). A time of day, if any, is ignored; an ISO value with an offset
 * keeps the date as written. Impossible dates (31.02.1980) are refused with a reason.
 */
export function parseDate(raw: string | number | Date, format?: string): Parsed<string> {
  if (typeof raw === 'string') {
    const fast = fastDate(raw, format);
    if (fast !== null) return ok(fast);
  }
  const w = readWallTime(raw, format);
  return w.ok ? ok(ymd(w.value)) : w;
}

/** Like parseDate, but keeps the time and returns an instant: "YYYY-MM-DDTHH:mm:ss.sssZ". */
export function parseDateTime(
  raw: string | number | Date,
  format?: string,
  options: DateTimeOptions = {},
): Parsed<string> {
  const { timeZone } = options;
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    return fail(`unknown time zone ${quote(timeZone)}`);
  }
  if (raw instanceof Date && timeZone === undefined && !Number.isNaN(raw.getTime())) {
    return ok(raw.toISOString());
  }
  const w = readWallTime(raw, format);
  if (!w.ok) return w;
  const asUtc = wallAsUtcMs(w.value);
  let ms = asUtc;
  if (w.value.offset !== null) ms = asUtc - w.value.offset * 60_000;
  else if (timeZone !== undefined) ms = zonedWallToUtcMs(asUtc, timeZone);
  return ok(new Date(ms).toISOString());
}

function readWallTime(raw: string | number | Date, format: string | undefined): Parsed<WallTime> {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return fail('date is an invalid Date object');
    return checked(wallFromUtcMs(raw.getTime()), raw);
  }
  if (typeof raw === 'number') return fromNumber(raw, format);
  const text = cleanText(raw);
  if (text === null) return fail('date is empty');
  if (format !== undefined) {
    // An unambiguous ISO date is accepted whatever the declared format (columns get mixed when
    // part of a sheet was re-typed or converted).
    const w = parseWithFormat(text, format) ?? parseWithFormat(text, 'YYYY-MM-DD');
    if (w === null) return fail(`date ${quote(raw)} does not match format ${quote(format)}`);
    return checked(w, raw);
  }
  const detected = detectDate(text);
  if ('problem' in detected) return fail(`date ${quote(raw)} ${detected.problem}`);
  return checked(detected.wall, raw);
}

function fromNumber(n: number, format: string | undefined): Parsed<WallTime> {
  // 20230115 from a numeric cell: the digits are a compact date, not a day count.
  const compact = Number.isInteger(n) && n >= 10_000_101 && n <= 99_991_231;
  if (compact || (format !== undefined && /^[YMD]+$/.test(format))) {
    return readWallTime(String(n), compact ? 'YYYYMMDD' : format);
  }
  const ms = excelSerialToUtcMs(n);
  return ms.ok ? ok(wallFromUtcMs(ms.value)) : fail(`date ${n}: ${ms.reason}`);
}

function checked(w: WallTime, raw: unknown): Parsed<WallTime> {
  const problem = wallProblem(w);
  return problem === null
    ? ok(w)
    : fail(`date ${quote(raw instanceof Date ? raw.toISOString() : raw)} ${problem}`);
}
