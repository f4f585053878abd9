import { describe, expect, it } from 'vitest';
import { compareInto, dateLevel, nameLevel } from './compare.js';
import { parseIsoDate, prepare } from '../prepare/prepare.js';
import { F_FIRST, F_LAST, FIELD_COUNT, MISSING, NAME } from '../shared/fields.js';
import { contacts } from '../../../test/support/identity/contacts.js';

describe('dateLevel', () => {
  it('grades birth dates', () => {
    expect(dateLevel(19800115, 19800115)).toBe(0);
    expect(dateLevel(19800105, 19800501)).toBe(1); // day and month swapped
    expect(dateLevel(19800115, 19800116)).toBe(2); // one digit
    expect(dateLevel(19800115, 19801015)).toBe(2); // two neighbouring digits swapped (01 -> 10)
    expect(dateLevel(19800115, 19911231)).toBe(3);
    expect(dateLevel(0, 19800115)).toBe(255); // missing is neutral
  });
});

describe('partial and placeholder birth dates', () => {
  it('reads day 00 as year and month, YYYY-01-01 as the year, years before 1901 as no date', () => {
    expect(parseIsoDate('1985-03-00')).toBe(19850300);
    expect(parseIsoDate('1985-01-01')).toBe(19850000);
    expect(parseIsoDate('1985-00-00')).toBe(19850000);
    expect(parseIsoDate('1900-01-01')).toBe(0);
    expect(parseIsoDate('1985-13-10')).toBe(0);
    expect(parseIsoDate('1985-03-17')).toBe(19850317);
  });

  it('never makes two placeholders one birthday, and tells a fitting partial date from a conflict', () => {
    // Two "1980-01-01" placeholders: same year only — no evidence either way.
    expect(dateLevel(parseIsoDate('1980-01-01'), parseIsoDate('1980-01-01'))).toBe(MISSING);
    expect(dateLevel(19800000, 19800517)).toBe(MISSING); // the year fits
    expect(dateLevel(19800500, 19800517)).toBe(MISSING); // year and month fit
    expect(dateLevel(19800500, 19800705)).toBe(MISSING); // the day of a day/month-swapped date
    expect(dateLevel(19800500, 19800717)).toBe(3); // month conflicts
    expect(dateLevel(19800000, 19910517)).toBe(3); // year conflicts
    expect(dateLevel(19800000, 19890517)).toBe(MISSING); // a year one typo away
    expect(dateLevel(0, 19800000)).toBe(MISSING);
  });
});

describe('nameLevel', () => {
  it('grades names', () => {
    expect(nameLevel('ivanov', 'ivanov', 1, 1)).toBe(NAME.exact);
    expect(nameLevel('ivanov', 'ivanova', 1, 2)).toBe(NAME.jw94);
    expect(nameLevel('ivanov', 'ivanof', 1, 2)).toBe(NAME.jw88);
    expect(nameLevel('i', 'ivan', -1, 3)).toBe(NAME.initial);
    expect(nameLevel('a', 'ivan', -1, 3)).toBe(NAME.else);
    expect(nameLevel('yuliya', 'iuliia', 7, 7)).toBe(NAME.phonetic);
    expect(nameLevel('petrov', 'sidorenko', 1, 2)).toBe(NAME.else);
    // Forms of one name by the nickname table rank with a phonetic match.
    expect(nameLevel('sasha', 'aleksandr', 1, 2, true)).toBe(NAME.phonetic);
    expect(nameLevel('sasha', 'aleksandr', 1, 2)).toBe(NAME.else);
    // A shared familiar form against another name it is short for: weak, below the family's level.
    expect(nameLevel('gosha', 'igor', 1, 2, false, true)).toBe(NAME.initial);
  });
});

describe('names in swapped columns', () => {
  it('finds the swap when the names meet across by nickname family, not only by first letter', () => {
    // "Romanow Slawa" typed surname-first into a Latin full name against "Вячеслав Романов":
    // Slawa and Вячеслав differ in the first letter but are one name (Слава = Вячеслав).
    const p = prepare(
      contacts([
        { first_name: 'Romanow', last_name: 'Slawa' },
        { first_name: 'Вячеслав', last_name: 'Романов' },
      ]),
    );
    const out = new Uint8Array(FIELD_COUNT);
    expect(compareInto(p, 0, 1, out, 0)).toBe(true);
    expect(out[F_FIRST]).toBeLessThanOrEqual(NAME.phonetic);
    expect(out[F_LAST]).toBeLessThanOrEqual(NAME.phonetic);
  });
});
