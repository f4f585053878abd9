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
