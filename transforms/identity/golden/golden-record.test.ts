import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/random.js';
import { survive, type ClusterMember } from './golden-record.js';

const COLUMNS = ['last_name', 'first_name', 'middle_name', 'full_name', 'company', 'email', 'phone', 'city'];

const member = (source: string, sourceKey: string, fields: Record<string, string>): ClusterMember => ({
  source,
  sourceKey,
  fields,
  updatedAt: '2026-01-01T00:00:00.000Z',
  firstSeen: '2026-01-01T00:00:00.000Z',
});

const name = (g: Record<string, unknown>) => [g.last_name, g.first_name, g.middle_name, g.full_name];

const LATIN = member('crm', '1', {
  first_name: 'Ivan',
  last_name: 'Ivanov',
  full_name: 'Ivan Ivanov',
  city: 'Moscow',
});
const CYRILLIC = member('sheet', 'К-1', {
  last_name: 'Иванов',
  first_name: 'Иван',
  middle_name: 'Иванович',
  full_name: 'Иванов Иван Иванович',
});

describe('golden record: a name a person would sign', () => {
  it('takes every name part in the script of the best source, never a Latin name with a Cyrillic patronymic', () => {
    expect(name(survive(1, [LATIN, CYRILLIC], COLUMNS, { sourcePriority: ['crm'] }))).toEqual([
      'Ivanov',
      'Ivan',
      null,
      'Ivan Ivanov',
    ]);
    expect(name(survive(1, [LATIN, CYRILLIC], COLUMNS, { sourcePriority: ['sheet'] }))).toEqual([
      'Иванов',
      'Иван',
      'Иванович',
      'Иванов Иван Иванович',
    ]);
    // No priority: the most frequent last name, then the first record by source and key (crm:1).
    expect(name(survive(1, [CYRILLIC, LATIN], COLUMNS))).toEqual(['Ivanov', 'Ivan', null, 'Ivan Ivanov']);
  });

  it('drops a part in another script from one record, and fills a missing part from the same person in that script', () => {
    const mixed = member('crm', '2', { first_name: 'Ivan', middle_name: 'Иванович', last_name: 'Ivanov' });
    expect(name(survive(1, [mixed], COLUMNS))).toEqual(['Ivanov', 'Ivan', null, 'Ivan Ivanov']);
    const short = member('a', '1', { last_name: 'Петров', first_name: 'Пётр', full_name: 'Петров Пётр' });
    const long = member('b', '1', { last_name: 'Петров', first_name: 'Петр', middle_name: 'Ильич' });
    const other = member('c', '1', { last_name: 'Сидоров', middle_name: 'Львович' });
    expect(name(survive(1, [short, long, other], COLUMNS))).toEqual([
      'Петров',
      'Пётр',
      'Ильич',
      'Петров Пётр Ильич',
    ]);
  });

  it('a company in the name column is the company, not a person named Ооо', () => {
    // As staged before staging recognised companies: split like a name.
    const romashka = member('sheet', '7', {
      full_name: 'ООО «Ромашка»',
      last_name: 'ООО',
      first_name: 'Ромашка',
      phone: '+79161234567',
    });
    expect(survive(1, [romashka], COLUMNS)).toMatchObject({
      company: 'ООО Ромашка',
      full_name: null,
      last_name: null,
      first_name: null,
    });
    const person = member('erp', '3', { full_name: 'Петров Пётр', last_name: 'Петров', first_name: 'Пётр' });
    expect(survive(1, [romashka, person], COLUMNS)).toMatchObject({
      company: 'ООО Ромашка',
      full_name: 'Петров Пётр',
    });
    const soleTrader = member('sheet', '8', { full_name: 'ИП Сидоров Олег' });
    expect(survive(1, [soleTrader], COLUMNS)).toMatchObject({
      company: 'ИП Сидоров Олег',
      full_name: 'Сидоров Олег',
    });
  });

  it('breaks every tie the same way whatever order the members come in', () => {
    const random = seededRandom(19);
    const values = {
      city: ['Москва', 'Moscow', 'Казань'],
      email: ['a@x.ru', 'b@x.ru'],
      phone: ['+79160000001', '+79160000002'],
      last_name: ['Иванов', 'Ivanov'],
      first_name: ['Иван', 'Ivan'],
    };
    for (let round = 0; round < 50; round++) {
      const members = Array.from({ length: 2 + Math.floor(random() * 6) }, (_, i) => {
        const fields: Record<string, string> = {};
        for (const [column, options] of Object.entries(values))
          if (random() < 0.7) fields[column] = options[Math.floor(random() * options.length)]!;
        return member(['a', 'b', 'c'][i % 3]!, String(i), fields);
      });
      const expected = survive(1, members, COLUMNS);
      for (let shuffle = 0; shuffle < 10; shuffle++) {
        const shuffled = [...members];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(survive(1, shuffled, COLUMNS)).toEqual(expected);
      }
    }
  });
});
