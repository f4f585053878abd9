import { describe, expect, it } from 'vitest';
import { cityKey } from './places.js';
import { resolve } from '../resolve.js';
import { contacts } from '../../../test/support/identity/contacts.js';

describe('city match keys', () => {
  it('reads English exonyms and everyday abbreviations as the city', () => {
    const moscow = cityKey('Москва');
    for (const s of ['Moscow', 'г. Москва', 'Moskva', 'город Москва', 'MOSCOW'])
      expect(cityKey(s), s).toBe(moscow);
    const spb = cityKey('Санкт-Петербург');
    for (const s of ['Saint Petersburg', 'St. Petersburg', 'СПб', 'Питер', 'Sankt-Peterburg'])
      expect(cityKey(s), s).toBe(spb);
    expect(cityKey('Н. Новгород')).toBe(cityKey('Нижний Новгород'));
    expect(cityKey('Rostov-on-Don')).toBe(cityKey('Ростов-на-Дону'));
  });

  it('keeps different cities apart, and a bare settlement word as it is', () => {
    expect(cityKey('Новгород')).not.toBe(cityKey('Нижний Новгород'));
    expect(cityKey('Moscow')).not.toBe(cityKey('Санкт-Петербург'));
    expect(cityKey('г.')).toBe('g');
    expect(cityKey('  ')).toBeNull();
  });

  it('compares "Moscow" and "Москва" as one city', () => {
    const r = resolve(
      contacts([
        { first_name: 'Ivan', last_name: 'Petrov', city: 'Moscow' },
        { first_name: 'Иван', last_name: 'Петров', city: 'Москва' },
      ]),
    );
    const city = r.links.get(2)?.comparisons.find((c) => c.field === 'city');
    expect(city?.level).toBe('exact');
  });
});
