// The date fast path, checked against the general path it shortcuts.
import { describe, expect, it } from 'vitest';
import { detectDate } from './date-detect.js';
import { fastDate } from './date-fast.js';
import { parseWithFormat } from './date-format.js';
import { wallProblem, ymd, type WallTime } from './date-parts.js';
import { parseDate } from './dates.js';

/** What parseDate's general path gives for a clean string: the date, or null when it refuses. */
function general(s: string, format?: string): string | null {
  let w: WallTime | null;
  if (format === undefined) {
    const d = detectDate(s);
    w = 'wall' in d ? d.wall : null;
  } else {
    w = parseWithFormat(s, format) ?? parseWithFormat(s, 'YYYY-MM-DD');
  }
  return w !== null && wallProblem(w) === null ? ymd(w) : null;
}

const two = (n: number): string => String(n).padStart(2, '0');
const YEARS = [
  '0999',
  '1000',
  '1582',
  '1900',
  '1986',
  '2000',
  '2023',
  '2024',
  '2100',
  '9999',
  '19x6',
  '  86',
];

function* candidates(): Generator<string> {
  for (const y of YEARS)
    for (let m = 0; m <= 19; m++)
      for (let d = 0; d <= 39; d++) {
        for (const sep of ['.', '/', '-', ',', ' ']) yield `${two(d)}${sep}${two(m)}${sep}${y}`;
        yield `${two(d)}.${two(m)}/${y}`;
        yield `${y}-${two(m)}-${two(d)}`;
        yield `${y}/${two(m)}/${two(d)}`;
      }
}

describe('fastDate', () => {
  it('answers only where the general path accepts, with the same date', () => {
    let answered = 0;
    for (const format of [undefined, 'DD.MM.YYYY', 'DD/MM/YYYY', 'YYYY-MM-DD', 'MM.DD.YYYY']) {
      for (const s of candidates()) {
        const fast = fastDate(s, format);
        if (fast === null) continue;
        answered++;
        expect(fast, `${s} ${format}`).toBe(general(s, format));
      }
    }
    // Every real date of the nine years from 1000 on (two of them leap years), in the
    // DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY and ISO shapes undeclared, and in DD.MM.YYYY under
    // that format.
    expect(answered).toBe((7 * 365 + 2 * 366) * (4 + 1));
  });

  it.each([
    ['31.02.1980', 'date "31.02.1980" is not a real date'],
    ['00.01.2020', 'date "00.01.2020" is not a real date'],
    ['13.13.2023', 'date "13.13.2023" month 13 does not exist'],
    [
      '01.13.2023',
      'date "01.13.2023" is month-first; set the column format (e.g. "MM/DD/YYYY") in the mapping',
    ],
    ['15.01.0999', 'date "15.01.0999" year 999 is out of range'],
    ['2023-02-29', 'date "2023-02-29" is not a real date'],
    ['15.01/2023', 'date "15.01/2023" is not a recognised date'],
  ])('leaves %j to the general path (%s)', (raw, reason) => {
    expect(fastDate(raw)).toBeNull();
    expect(parseDate(raw)).toEqual({ ok: false, reason });
  });

  it('defers declared formats other than DD.MM.YYYY', () => {
    expect(fastDate('15.01.2023', 'DD.MM.YYYY')).toBe('2023-01-15');
    expect(fastDate('15/01/2023', 'DD.MM.YYYY')).toBeNull();
    expect(fastDate('2023-01-15', 'DD.MM.YYYY')).toBeNull();
    expect(fastDate('01.02.2023', 'MM.DD.YYYY')).toBeNull();
    expect(parseDate('01.02.2023', 'MM.DD.YYYY')).toEqual({ ok: true, value: '2023-01-02' });
    expect(parseDate('2023-01-15', 'DD.MM.YYYY')).toEqual({ ok: true, value: '2023-01-15' });
  });
});
