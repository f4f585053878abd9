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
