import { describe, expect, it } from 'vitest';
import { resolve } from '../resolve.js';
import { contacts } from '../../../test/support/identity/contacts.js';

/** `count` records of one name, spread over `cities` cities, nothing else shared. */
function namesakes(count: number, cities: string[]) {
  return contacts(
    Array.from({ length: count }, (_, i) => ({
      first_name: 'Иван',
      last_name: 'Иванов',
      city: cities[i % cities.length]!,
      phone: `+7916${String(1_000_000 + i * 7919).slice(-7)}`,
    })),
  );
}

const stat = (r: ReturnType<typeof resolve>, rule: string) => r.blockingStats.find((s) => s.rule === rule)!;

describe('the cap on blocks of the rules on names alone (maxNameBlockSize)', () => {
  it('pairs a name within the cap by the names rule, all pairs', () => {
    const r = resolve(namesakes(12, ['Москва', 'Казань', 'Омск']), { config: { maxNameBlockSize: 12 } });
    expect(stat(r, 'names').pairs).toBe((12 * 11) / 2);
    expect(stat(r, 'names').skippedBlocks).toBe(0);
  });

  it('skips a name over the cap and counts it; the name meets its namesakes only within a city', () => {
    const r = resolve(namesakes(12, ['Москва', 'Казань', 'Омск']), { config: { maxNameBlockSize: 11 } });
    expect(stat(r, 'names')).toMatchObject({ pairs: 0, skippedBlocks: 1, skippedRecords: 12 });
    // Three cities of four records each: 3 × 6 pairs by the name with the city.
    expect(stat(r, 'names+city').pairs).toBe(18);
    expect(r.stats.candidatePairs).toBe(18);
  });

  it('leaves the rules on identifiers at maxBlockSize', () => {
    const rows = namesakes(12, ['Москва']).map((c, i) => ({
      ...c,
      email: i < 6 ? 'ivan.ivanov@mail.ru' : null,
    }));
    const r = resolve(rows, { config: { maxNameBlockSize: 2 } });
    expect(stat(r, 'email').skippedBlocks).toBe(0);
    expect(stat(r, 'email').pairs).toBe(15);
  });
});
