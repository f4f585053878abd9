import { describe, expect, it } from 'vitest';
import {
  excelSerialToIso,
  excelSerialToIsoDateTime,
  expandTwoDigitYear,
  parseDate,
  parseDateTime,
} from './dates.js';

const okValue = (value: string) => ({ ok: true, value });

describe('parseDate — auto-detected text', () => {
  it.each([
    ['15.01.2023', '2023-01-15'],
    ['5.1.2023', '2023-01-05'],
    ['05.01.23', '2023-01-05'],
    ['05.01.99', '1999-01-05'],
    ['29.02.2024', '2024-02-29'],
    ['15/01/2023', '2023-01-15'], // European default
    ['01/02/2023', '2023-02-01'],
    ['15-01-2023', '2023-01-15'],
    ['2023-01-15', '2023-01-15'],
    ['2023-1-5', '2023-01-05'],
    ['2023/01/15', '2023-01-15'],
    ['20230115', '2023-01-15'],
    ['2023-01-15T10:30:00Z', '2023-01-15'],
    ['2023-01-15T23:30:00-05:00', '2023-01-15'], // the date as written, not shifted to UTC
    ['2023-01-15 10:30:15.123', '2023-01-15'],
    ['15.01.2023 10:30', '2023-01-15'],
    ['15.01.2023 г.', '2023-01-15'],
    ['15 января 2023', '2023-01-15'],
    ['15 января 2023 года', '2023-01-15'],
    ['1 мая 2023', '2023-05-01'],
    ['3 марта 2023', '2023-03-03'],
    ['15-Jan-2023', '2023-01-15'],
    ['January 15, 2023', '2023-01-15'],
    ['Sep 1 2023', '2023-09-01'],
    [' 15.01.2023 ', '2023-01-15'],
    ['44927', '2023-01-01'], // Excel serial as text
    ['44927.75', '2023-01-01'],
  ])('%j → %s', (raw, expected) => {
    expect(parseDate(raw)).toEqual(okValue(expected));
  });

  it.each([
    ['31.02.1980', 'date "31.02.1980" is not a real date'],
    ['29.02.2023', 'date "29.02.2023" is not a real date'],
    ['15.13.2023', 'date "15.13.2023" month 13 does not exist'],
    [
      '12/31/2023',
      'date "12/31/2023" is month-first; set the column format (e.g. "MM/DD/YYYY") in the mapping',
    ],
    ['0000-00-00', 'date "0000-00-00" year 0 is out of range'],
    ['15.01.0023', 'date "15.01.0023" year 23 is out of range'],
    ['2023-01-15 25:00', 'date "2023-01-15 25:00" has an impossible time'],
    ['2023', 'date "2023" is only a year, not a full date'],
    ['вчера', 'date "вчера" is not a recognised date'],
    ['15 брюмера 2023', 'date "15 брюмера 2023" is not a recognised date'],
    ['', 'date is empty'],
    [
      '60',
      'date "60" is not a usable date (Excel date serial 60 is 29 February 1900, which does not exist (Excel 1900 leap-year bug))',
    ],
  ])('%j → reason', (raw, reason) => {
    expect(parseDate(raw)).toEqual({ ok: false, reason });
  });
});

describe('parseDate — numbers and Dates', () => {
  it.each([
    [44927, '2023-01-01'],
    [44927.999, '2023-01-01'],
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [2958465, '9999-12-31'],
    [20230115, '2023-01-15'], // compact date in a numeric cell
  ])('%s → %s', (raw, expected) => {
    expect(parseDate(raw)).toEqual(okValue(expected));
  });

  it('refuses serial 60 (Excel 1900 leap-year bug) and out-of-range serials', () => {
    expect(parseDate(60)).toEqual({
      ok: false,
      reason:
        'date 60: Excel date serial 60 is 29 February 1900, which does not exist (Excel 1900 leap-year bug)',
    });
    expect(parseDate(0).ok).toBe(false);
    expect(parseDate(-5).ok).toBe(false);
    expect(parseDate(2958466).ok).toBe(false);
    expect(parseDate(Number.NaN).ok).toBe(false);
  });

  it('reads a JS Date by its UTC parts (XLSX cells)', () => {
    expect(parseDate(new Date(Date.UTC(2023, 0, 15, 23, 59)))).toEqual(okValue('2023-01-15'));
    expect(parseDate(new Date('invalid'))).toEqual({ ok: false, reason: 'date is an invalid Date object' });
  });
});

describe('parseDate — explicit format', () => {
  it.each([
    ['15.01.2023', 'DD.MM.YYYY', '2023-01-15'],
    ['5.1.2023', 'DD.MM.YYYY', '2023-01-05'],
    ['15.01.2023 00:00:00', 'DD.MM.YYYY', '2023-01-15'],
    ['20230115', 'YYYYMMDD', '2023-01-15'],
    ['01/02/2023', 'MM/DD/YYYY', '2023-01-02'],
    ['12/31/2023', 'MM/DD/YYYY', '2023-12-31'],
    ['1/2/23', 'M/D/YY', '2023-01-02'],
    ['15 янв 2023', 'DD MMM YYYY', '2023-01-15'],
    ['2023-01-15', 'DD.MM.YYYY', '2023-01-15'], // ISO always accepted
  ])('%j with %s → %s', (raw, format, expected) => {
    expect(parseDate(raw, format)).toEqual(okValue(expected));
  });

  it('reads a numeric cell with a compact format', () => {
    expect(parseDate(20230115, 'YYYYMMDD')).toEqual(okValue('2023-01-15'));
  });

  it.each([
    ['15.01.2023', 'MM/DD/YYYY', 'date "15.01.2023" does not match format "MM/DD/YYYY"'],
    ['13/01/2023', 'MM/DD/YYYY', 'date "13/01/2023" month 13 does not exist'],
    ['2023011', 'YYYYMMDD', 'date "2023011" does not match format "YYYYMMDD"'],
    ['31.04.2023', 'DD.MM.YYYY', 'date "31.04.2023" is not a real date'],
  ])('%j with %s → reason', (raw, format, reason) => {
    expect(parseDate(raw, format)).toEqual({ ok: false, reason });
  });
});

describe('expandTwoDigitYear', () => {
  it('pivots on the current two-digit year', () => {
    expect(expandTwoDigitYear(25, 2025)).toBe(2025);
    expect(expandTwoDigitYear(26, 2025)).toBe(1926);
    expect(expandTwoDigitYear(0, 2025)).toBe(2000);
    expect(expandTwoDigitYear(99, 2025)).toBe(1999);
    expect(expandTwoDigitYear(5, 2101)).toBe(2005);
  });
});

describe('excelSerialToIso', () => {
  it.each([
    [44927, '2023-01-01'],
    [1, '1900-01-01'],
    [59, '1900-02-28'],
    [61, '1900-03-01'],
    [25569, '1970-01-01'],
    [45658, '2025-01-01'],
  ])('%s → %s', (serial, expected) => {
    expect(excelSerialToIso(serial)).toEqual(okValue(expected));
  });

  it('refuses 60 and out-of-range serials', () => {
    expect(excelSerialToIso(60).ok).toBe(false);
    expect(excelSerialToIso(0)).toEqual({
      ok: false,
      reason: 'Excel date serial 0 is out of range (1–2958465)',
    });
    expect(excelSerialToIso(Number.POSITIVE_INFINITY).ok).toBe(false);
  });

  it('keeps the time of day in the datetime variant', () => {
    expect(excelSerialToIsoDateTime(44927.5)).toEqual(okValue('2023-01-01T12:00:00.000Z'));
    expect(excelSerialToIsoDateTime(44927.4380787037)).toEqual(okValue('2023-01-01T10:30:50.000Z'));
  });
});

describe('parseDateTime', () => {
  it.each([
    ['2023-01-15T10:30:00Z', '2023-01-15T10:30:00.000Z'],
    ['2023-01-15T10:30:00+03:00', '2023-01-15T07:30:00.000Z'],
    ['2023-01-15T23:30:00-0500', '2023-01-16T04:30:00.000Z'],
    ['2023-01-15 10:30:15.5', '2023-01-15T10:30:15.500Z'],
    ['15.01.2023 10:30', '2023-01-15T10:30:00.000Z'],
    ['15.01.2023', '2023-01-15T00:00:00.000Z'],
    ['01/15/2023 3:45 PM', ''], // month-first refused
    ['January 15, 2023 12:05 AM', '2023-01-15T00:05:00.000Z'],
  ])('%j → %s', (raw, expected) => {
    const r = parseDateTime(raw);
    if (expected === '') expect(r.ok).toBe(false);
    else expect(r).toEqual(okValue(expected));
  });

  it('applies a format with time tokens', () => {
    expect(parseDateTime('01/15/2023 3:45 PM', 'MM/DD/YYYY h:mm A')).toEqual(
      okValue('2023-01-15T15:45:00.000Z'),
    );
    expect(parseDateTime('01/15/2023 12:10 am', 'MM/DD/YYYY hh:mm A')).toEqual(
      okValue('2023-01-15T00:10:00.000Z'),
    );
    expect(parseDateTime('01/15/2023 3:45 PM', 'MM/DD/YYYY H:mm A')).toEqual(
      okValue('2023-01-15T15:45:00.000Z'),
    );
    expect(parseDateTime('15.01.2023 10:30:15', 'DD.MM.YYYY HH:mm:ss')).toEqual(
      okValue('2023-01-15T10:30:15.000Z'),
    );
    expect(parseDateTime('15.01.2023 10:30', 'DD.MM.YYYY')).toEqual(okValue('2023-01-15T10:30:00.000Z'));
  });

  it('reads Excel serials and Dates', () => {
    expect(parseDateTime(44927.75)).toEqual(okValue('2023-01-01T18:00:00.000Z'));
    const d = new Date('2023-01-15T10:30:00.000Z');
    expect(parseDateTime(d)).toEqual(okValue('2023-01-15T10:30:00.000Z'));
  });

  it('interprets naive times in a time zone', () => {
    const moscow = { timeZone: 'Europe/Moscow' };
    expect(parseDateTime('15.01.2023 10:30', undefined, moscow)).toEqual(okValue('2023-01-15T07:30:00.000Z'));
    expect(parseDateTime('2023-01-15T10:30:00Z', undefined, moscow)).toEqual(
      okValue('2023-01-15T10:30:00.000Z'),
    );
    expect(parseDateTime(44927.5, undefined, moscow)).toEqual(okValue('2023-01-01T09:00:00.000Z'));
    expect(parseDateTime(new Date(Date.UTC(2023, 0, 15, 10, 30)), undefined, moscow)).toEqual(
      okValue('2023-01-15T07:30:00.000Z'),
    );
    // DST: New York is UTC-5 in winter, UTC-4 in summer.
    const ny = { timeZone: 'America/New_York' };
    expect(parseDateTime('2023-01-15 12:00', undefined, ny)).toEqual(okValue('2023-01-15T17:00:00.000Z'));
    expect(parseDateTime('2023-07-15 12:00', undefined, ny)).toEqual(okValue('2023-07-15T16:00:00.000Z'));
    expect(parseDateTime('2023-11-05 01:30', undefined, ny)).toEqual(okValue('2023-11-05T05:30:00.000Z'));
  });

  it('refuses an unknown time zone', () => {
    expect(parseDateTime('15.01.2023', undefined, { timeZone: 'Mars/Olympus' })).toEqual({
      ok: false,
      reason: 'unknown time zone "Mars/Olympus"',
    });
  });
});
