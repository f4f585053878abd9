import { describe, expect, it } from 'vitest';
import { resolve } from '../resolve.js';
import { contacts, together } from '../../../test/support/identity/contacts.js';

describe('clustering without chaining', () => {
  // B ("I. Petrov") shares A's email and C's phone; A (Ivan Sergeevich, 1980) and C (Igor
  // Nikolaevich, 1991, another city) are clearly different people. Connected components over
  // the rule links would make one customer of all three.
  const chain = contacts([
    {
      first_name: 'Ivan',
      middle_name: 'Sergeevich',
      last_name: 'Petrov',
      birth_date: '1980-01-01',
      email: 'petrov@mail.ru',
      city: 'Moscow',
    },
    { first_name: 'I.', last_name: 'Petrov', email: 'petrov@mail.ru', phone: '+79161234567' },
    {
      first_name: 'Igor',
      middle_name: 'Nikolaevich',
      last_name: 'Petrov',
      birth_date: '1991-07-15',
      phone: '+79161234567',
      city: 'Kazan',
    },
  ]);

  it('does not put A and C in one customer through B', () => {
    const r = resolve(chain);
    expect(together(r, 1, 3)).toBe(false);
    // B joins one of them (whichever edge came first), not neither.
    expect(together(r, 1, 2) || together(r, 2, 3)).toBe(true);
  });

  it('does chain records that only lack data (missing is not a contradiction)', () => {
    const r = resolve(
      contacts([
        { first_name: 'Olga', last_name: 'Popova', phone: '+79160000001' },
        { first_name: 'Olga', last_name: 'Popova', phone: '+79160000001', email: 'popova@yandex.ru' },
        { first_name: 'Olga', last_name: 'Popova', email: 'popova@yandex.ru', city: 'Tver' },
      ]),
    );
    expect(together(r, 1, 3)).toBe(true);
  });
});

describe('CRM rows without a birth date (names, a city, a phone)', () => {
  // Two Ivan Petrovs of Moscow, each with their own phone and e-mail, and a third row with the
  // name and the city only. Small inputs use the prior model (P(match) = 1/n), where the names
  // alone link: the checks below are what keeps the two apart.
  const rows = contacts([
    { first_name: 'Иван', last_name: 'Петров', city: 'Москва', phone: '+79161110001' },
    { first_name: 'Ivan', last_name: 'Petrov', city: 'Moscow', phone: '+79161110001', email: 'ip@mail.ru' },
    { first_name: 'Иван', last_name: 'Петров', city: 'Москва', phone: '+79262220002' },
    { first_name: 'Ваня', last_name: 'Петров', city: 'Москва', phone: '+79262220002', email: 'vp@ya.ru' },
    { full_name: 'Петров Иван', city: 'Москва' },
  ]);

  it('compares records that share only a name, and meets nicknames (Ваня ~ Иван)', () => {
    const r = resolve(rows);
    const byRule = Object.fromEntries(r.blockingStats.map((s) => [s.rule, s.pairs]));
    expect(byRule.names).toBeGreaterThan(0);
    expect(r.stats.uncoveredRecords).toBe(0);
    expect(together(r, 3, 4)).toBe(true);
  });

  it('does not chain two namesakes through a row with the name only', () => {
    const r = resolve(rows);
    expect(together(r, 1, 2)).toBe(true);
    expect(together(r, 1, 3)).toBe(false); // their phones differ and nothing identifies them as one
    expect(together(r, 5, 1) || together(r, 5, 3)).toBe(false); // ambiguous: joins neither
  });

  it('treats two placeholder birth dates as no evidence, and two real ones as a conflict', () => {
    const r = resolve(
      contacts([
        { first_name: 'Анна', last_name: 'Орлова', birth_date: '1975-03-14', city: 'Тула' },
        { first_name: 'Анна', last_name: 'Орлова', birth_date: '1982-11-02', city: 'Тула' },
      ]),
    );
    expect(together(r, 1, 2)).toBe(false);
    const levels = r.links.get(1)?.comparisons ?? [];
    expect(levels.every((c) => c.field !== 'birth_date' || c.level !== 'exact')).toBe(true);
  });
});

describe('manual overrides', () => {
  const twins = contacts([
    { first_name: 'Anna', last_name: 'Smirnova', birth_date: '1990-02-03', email: 'anna@mail.ru' },
    { first_name: 'Anna', last_name: 'Smirnova', birth_date: '1990-02-03', email: 'anna@mail.ru' },
    { first_name: 'Boris', last_name: 'Kuznetsov', birth_date: '1960-11-30' },
  ]);

  it('cannot-link wins over every rule', () => {
    expect(together(resolve(twins), 1, 2)).toBe(true);
    const r = resolve(twins, { overrides: { cannotLink: [[1, 2]] } });
    expect(together(r, 1, 2)).toBe(false);
  });

  it('must-link joins records that share nothing, and says so', () => {
    const r = resolve(twins, { overrides: { mustLink: [[1, 3]] } });
    expect(together(r, 1, 3)).toBe(true);
    expect(r.links.get(3)?.rule).toBe('must_link');
    expect(r.links.get(3)?.matchedWith).toBe(1);
  });

  it('reports a must-link that contradicts a cannot-link', () => {
    const r = resolve(twins, {
      overrides: {
        mustLink: [
          [1, 3],
          [2, 3],
        ],
        cannotLink: [[1, 2]],
      },
    });
    expect(r.overrideConflicts).toEqual([[2, 3]]);
    expect(together(r, 1, 2)).toBe(false);
  });
});
