import { describe, expect, it } from 'vitest';
import { resolve } from '../resolve.js';
import { assignCustomerIds } from './stable-ids.js';
import { contacts } from '../../../test/support/identity/contacts.js';

/** CSR from cluster lists of record positions; existing ids per position (NaN = none). */
function assign(clusters: number[][], existing: number[], next?: number) {
  const start = Int32Array.from([0, ...clusters.map((_, c) => clusters.slice(0, c + 1).flat().length)]);
  return assignCustomerIds(start, Int32Array.from(clusters.flat()), Float64Array.from(existing), next);
}

describe('assignCustomerIds', () => {
  it('keeps the id most records hold and records the absorbed one', () => {
    const r = assign([[0, 1, 2]], [10, 10, 20]);
    expect(Array.from(r.customerOf)).toEqual([10]);
    expect(r.merges).toEqual([{ survivingId: 10, absorbedId: 20 }]);
  });

  it('breaks ties by the smallest id', () => {
    const r = assign([[0, 1]], [30, 20]);
    expect(Array.from(r.customerOf)).toEqual([20]);
    expect(r.merges).toEqual([{ survivingId: 20, absorbedId: 30 }]);
  });

  it('gives a split-off part a new id and says where it came from', () => {
    const r = assign([[0, 1], [2]], [10, 10, 10], 100);
    expect(Array.from(r.customerOf)).toEqual([10, 100]);
    expect(r.splits).toEqual([{ fromId: 10, newId: 100 }]);
    expect(r.merges).toEqual([]);
  });

  it('numbers new customers after the largest id seen', () => {
    const r = assign([[0], [1]], [7, NaN]);
    expect(Array.from(r.customerOf)).toEqual([7, 8]);
    expect(r.newCustomerIds).toEqual([8]);
    expect(r.nextCustomerId).toBe(9);
  });
});

describe('stable ids across runs', () => {
  const people = contacts([
    // Same name, but two real birth dates that cannot be one: two people until a record with
    // the e-mail of one and the phone of the other bridges them.
    { first_name: 'Anna', last_name: 'Smirnova', email: 'anna.smirnova@mail.ru', birth_date: '1990-05-17' },
    { first_name: 'Anna', last_name: 'Smirnova', phone: '+79160000001', birth_date: '1985-03-02' },
    { first_name: 'Boris', last_name: 'Kuznetsov', email: 'boris@mail.ru' },
  ]);

  it('keeps every id when nothing changed, and merges when a bridge appears', () => {
    const first = resolve(people, { nextCustomerId: 500 });
    // Anna's two records share nothing yet: two customers.
    expect(new Set(first.assignment.values()).size).toBe(3);

    const again = resolve(people, { existing: first.assignment, nextCustomerId: first.nextCustomerId });
    expect(again.assignment).toEqual(first.assignment);
    expect(again.merges).toEqual([]);
    expect(again.newCustomerIds).toEqual([]);

    const bridge = { ...people[0]!, id: 4, sourceKey: 'k4', phone: '+79160000001', birth_date: null };
    const merged = resolve([...people, bridge], {
      existing: first.assignment,
      nextCustomerId: first.nextCustomerId,
    });
    const anna = [first.assignment.get(1)!, first.assignment.get(2)!].sort((a, b) => a - b);
    expect(merged.assignment.get(1)).toBe(anna[0]);
    expect(merged.assignment.get(2)).toBe(anna[0]);
    expect(merged.assignment.get(4)).toBe(anna[0]);
    expect(merged.assignment.get(3)).toBe(first.assignment.get(3));
    expect(merged.merges).toEqual([{ survivingId: anna[0], absorbedId: anna[1] }]);
  });
});
