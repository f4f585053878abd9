/**
 * Birth dates written with day 00: some CRMs and spreadsheets mark a known month that way
 * ("00.05.1980", "1980-05-00"), and month 00 too when only the year is known ("00.00.1980").
 * Such a cell is no date (parseDate refuses it), but it is still evidence of who the person is.
 */

const DMY = /^00([./-])(\d{2})\1(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-00$/;

// As date-parts.ts: other years are typing errors.
const MIN_YEAR = 1000;

/**
 * `YYYY-MM` (day 00) or `YYYY` (day and month 00) of a cleaned cell, else null (a real date, or
 * text that is no date at all: the date parser gives the reason). A declared format other than
 * DD.MM.YYYY or YYYY-MM-DD is not guessed at.
 */
export function parsePartialDate(text: string, format?: string): string | null {
  let year: string;
  let month: string;
  const dmy = format === undefined || format === 'DD.MM.YYYY' ? DMY.exec(text) : null;
  const iso = dmy === null && (format === undefined || format === 'YYYY-MM-DD') ? ISO.exec(text) : null;
  if (dmy !== null) [year, month] = [dmy[3]!, dmy[2]!];
  else if (iso !== null) [year, month] = [iso[1]!, iso[2]!];
  else return null;
  if (Number(year) < MIN_YEAR) return null;
  if (month === '00') return year;
  const m = Number(month);
  return m >= 1 && m <= 12 ? `${year}-${month}` : null;
}
