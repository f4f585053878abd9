import { fail, ok, type Parsed } from './parsed.js';

/**
 * Excel's 1900 date system: serial 1 is 1900-01-01. Excel (copying Lotus 1-2-3) counts a
 * 29 February 1900 that never existed as serial 60, so serials 1-59 and 61+ use different
 * epochs and 60 itself is no date at all. Workbooks in the 1904 system (old Mac Excel) are
 * converted by the XLSX reader before values reach us.
 */
export const EXCEL_MAX_SERIAL = 2958465; // 9999-12-31
const DAY_MS = 86_400_000;
const EPOCH_BEFORE_BUG = Date.UTC(1899, 11, 31); // serial 1 → 1900-01-01
const EPOCH_AFTER_BUG = Date.UTC(1899, 11, 30); // serial 61 → 1900-03-01

/** Serial (with a time-of-day fraction) → epoch ms of that wall time read as UTC. */
export function excelSerialToUtcMs(serial: number): Parsed<number> {
  if (!Number.isFinite(serial)) return fail(`Excel date serial ${serial} is not a number`);
  if (serial < 1 || serial >= EXCEL_MAX_SERIAL + 1) {
    return fail(`Excel date serial ${serial} is out of range (1–${EXCEL_MAX_SERIAL})`);
  }
  const day = Math.floor(serial);
  if (day === 60) {
    return fail('Excel date serial 60 is 29 February 1900, which does not exist (Excel 1900 leap-year bug)');
  }
  const epoch = day < 60 ? EPOCH_BEFORE_BUG : EPOCH_AFTER_BUG;
  // Times are binary fractions of a day; rounding to the millisecond removes float noise.
  const timeMs = Math.round((serial - day) * DAY_MS);
  return ok(epoch + day * DAY_MS + timeMs);
}

/** Excel serial → "YYYY-MM-DD" (time of day ignored): 44927 → "2023-01-01". */
export function excelSerialToIso(serial: number): Parsed<string> {
  const ms = excelSerialToUtcMs(Math.floor(serial));
  return ms.ok ? ok(new Date(ms.value).toISOString().slice(0, 10)) : ms;
}

/** Excel serial → "YYYY-MM-DDTHH:mm:ss.sssZ", the wall time taken as UTC: 44927.5 → noon. */
export function excelSerialToIsoDateTime(serial: number): Parsed<string> {
  const ms = excelSerialToUtcMs(serial);
  return ms.ok ? ok(new Date(ms.value).toISOString()) : ms;
}
