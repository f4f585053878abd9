import { describe, expect, it } from 'vitest';
import { resolve } from '../resolve.js';
import { contacts, together } from '../../../test/support/identity/contacts.js';

/**
 * Background people, each written twice (name, city, phone; the copy also an e-mail), so EM has
 * pairs to learn from and every name in it is rare. Names are built from syllables: no list.
 */
function background(people: number): Array<Record<string, string>> {
  const syl = ['ka', 'ro', 'mi', 'ten', 'vo', 'lus', 'dra', 'pe', 'zin', 'sha', 'tor', 'bel'];
  const word = (k: number, len: number): string => {
    let s = '';
    for (let i = 0; i < len; i++) s += syl[Math.floor(k / syl.length ** i) % syl.length]!;
    return s.charAt(0).toUpperCase() + s.slice(1);
  };
  const rows: Array<Record<string, string>> = [];
  for (let k = 0; k < people; k++) {
    const person = {
      first_name: word(k * 7 + 3, 2),
      last_name: `${word(k, 3)}ov`,
      city: ['Kazan', 'Omsk', 'Tver', 'Perm'][k % 4]!,
      phone: `+7916${String(1_000_000 + k * 7919).slice(-7)}`,
    };
    rows.push(person, { ...person, email: `p${k}@mail.ru` });
  }
  return rows;
}

describe('names-only links weighed by how common the whole name is in the data', () => {
  const common = Array.from({ length: 14 }, () => ({
    first_name: 'Ivan',
    last_name: 'Ivanov',
    city: 'Kazan',
  }));
  const rare = [
    { first_name: 'Zebedei', last_name: 'Quartermain', city: 'Kazan' },
    { first_name: 'Zebedei', last_name: 'Quartermain', city: 'Kazan' },
  ];
  const rows = contacts([...common, ...rare, ...background(300)]);
  const r = resolve(rows);

  it('does not link records on a name many records share, with no identifier to corroborate', () => {
    for (let id = 2; id <= common.length; id++) expect(together(r, 1, id), `record ${id}`).toBe(false);
  });

  it('links two records whose name and city are rare in the data set', () => {
    expect(together(r, common.length + 1, common.length + 2)).toBe(true);
  });
});

describe('a name is weighed by the other customers holding it, not by its own records', () => {
  // One person written four times with nothing but a rare name: four records of the name are no
  // evidence of four people (counting records made such a person's name look common).
  const alone = Array.from({ length: 4 }, () => ({ first_name: 'Zebedei', last_name: 'Quartermain' }));
  // Two people of one rare name, each with their own phone, and two rows with only that name:
  // either person's, so they join neither and not each other.
  const twins = [
    { first_name: 'Ambrozy', last_name: 'Vellacourt', phone: '+79161112233' },
    { first_name: 'Ambrozy', last_name: 'Vellacourt', phone: '+79161112233', email: 'av@mail.ru' },
    { first_name: 'Ambrozy', last_name: 'Vellacourt', phone: '+79035556677' },
    { first_name: 'Ambrozy', last_name: 'Vellacourt' },
    { first_name: 'Ambrozy', last_name: 'Vellacourt' },
  ];
  // A rare name in two different cities, nothing else: a names-only link with the place against it.
  const apart = [
    { first_name: 'Euphrasia', last_name: 'Brightwater', city: 'Kazan' },
    { first_name: 'Euphrasia', last_name: 'Brightwater', city: 'Vladivostok' },
  ];
  const rows = contacts([...alone, ...twins, ...apart, ...background(300)]);
  const r = resolve(rows);

  it('links every record of a rare name no other customer holds', () => {
    for (let id = 2; id <= 4; id++) expect(together(r, 1, id), `record ${id}`).toBe(true);
  });

  it('keeps the namesakes apart and links the name-only rows to neither', () => {
    expect(together(r, 5, 6)).toBe(true);
    expect(together(r, 5, 7)).toBe(false);
    for (const id of [8, 9]) {
      expect(together(r, 5, id), `record ${id} with the first`).toBe(false);
      expect(together(r, 7, id), `record ${id} with the second`).toBe(false);
    }
    expect(together(r, 8, 9)).toBe(false);
  });

  it('does not link a rare name across two different cities on the name alone', () => {
    expect(together(r, 10, 11)).toBe(false);
  });

  it('links fewer names-only pairs when nameOnlyMatchProbability is raised', () => {
    const strict = resolve(rows, { config: { nameOnlyMatchProbability: 0.999999 } });
    expect(together(strict, 1, 2)).toBe(false);
  });
});
