import { describe, expect, it } from 'vitest';
import { resolve } from '../resolve.js';
import { contacts, together } from '../../../test/support/identity/contacts.js';

// 7707083893 has valid INN check digits; 7707083894 does not.
const INN = '7707083893';

describe('deterministic rules and shared-value guards', () => {
  it('links the same mailbox written differently (case, +tag, Gmail dots, script)', () => {
    const r = resolve(
      contacts([
        { first_name: 'Ivan', last_name: 'Petrov', email: 'Ivan.Petrov+crm@GMAIL.com' },
        { first_name: 'Иван', last_name: 'Петров', email: 'ivanpetrov@gmail.com' },
      ]),
    );
    expect(together(r, 1, 2)).toBe(true);
    expect(r.links.get(2)?.rule).toBe('email');
    expect(r.links.get(2)?.matchedWith).toBe(1);
  });

  it('never links on a role address', () => {
    const r = resolve(
      contacts([
        { first_name: 'Anna', last_name: 'Smirnova', email: 'info@romashka.ru' },
        { first_name: 'Boris', last_name: 'Kuznetsov', email: 'info@romashka.ru' },
      ]),
    );
    expect(together(r, 1, 2)).toBe(false);
    expect(r.guardStats.find((g) => g.rule === 'email')?.sharedValues).toBe(1);
  });

  it('treats a phone used by many different names as a switchboard', () => {
    const names = ['Anna Smirnova', 'Boris Kuznetsov', 'Olga Popova', 'Pavel Sokolov', 'Irina Volkova'];
    const r = resolve(
      contacts(names.map((n) => ({ full_name: n, phone: '+7 (495) 123-45-67', city: 'Moscow' }))),
    );
    expect(new Set(r.assignment.values()).size).toBe(5);
    expect(r.guardStats.find((g) => g.rule === 'phone')?.sharedValues).toBe(1);
    expect(r.blockingStats.find((s) => s.rule === 'phone')?.pairs).toBe(0);
  });

  it('links one person whose phone is written in different formats', () => {
    const r = resolve(
      contacts([
        { first_name: 'Olga', last_name: 'Popova', phone: '8 (916) 123-45-67' },
        { full_name: 'Попова Ольга', phone: '+79161234567' },
        { first_name: 'O.', last_name: 'Popova', phone: '+7 916 123 45 67' },
      ]),
    );
    expect(together(r, 1, 2) && together(r, 2, 3)).toBe(true);
    expect(r.links.get(3)?.rule).toBe('phone');
  });

  it('refuses a shared value between clearly different people (family phone)', () => {
    const r = resolve(
      contacts([
        {
          first_name: 'Ivan',
          middle_name: 'Sergeevich',
          last_name: 'Petrov',
          birth_date: '1970-03-01',
          phone: '+79161112233',
        },
        {
          first_name: 'Maria',
          middle_name: 'Olegovna',
          last_name: 'Petrova',
          birth_date: '1975-09-12',
          phone: '+79161112233',
        },
      ]),
    );
    expect(together(r, 1, 2)).toBe(false);
    // Its two holders disagree on who they are: the phone is no identifier at all.
    expect(r.guardStats.find((g) => g.rule === 'phone')).toMatchObject({ sharedValues: 1, links: 0 });
    expect(r.links.get(2)?.sharedIdentifiers).toEqual([
      { field: 'phone', holders: 2, reason: 'held by records that disagree on who they are' },
    ]);
  });

  it('refuses an address its holders disagree on, even between two of them nothing tells apart', () => {
    // "ipetrov@" typed by Ivan Petrov twice and by Igor Petrov: whose is it? Nobody's alone.
    const r = resolve(
      contacts([
        { first_name: 'Ivan', last_name: 'Petrov', email: 'ipetrov@mail.ru', city: 'Moscow' },
        { first_name: 'Igor', last_name: 'Petrov', email: 'ipetrov@mail.ru', city: 'Kazan' },
        { first_name: 'Иван', last_name: 'Петров', email: 'ipetrov@mail.ru' },
      ]),
    );
    expect(together(r, 1, 2)).toBe(false);
    expect(r.links.get(3)?.rule).not.toBe('email');
    expect(r.guardStats.find((g) => g.rule === 'email')).toMatchObject({ sharedValues: 1, links: 0 });
    expect(r.links.get(1)?.sharedIdentifiers).toEqual([
      { field: 'email', holders: 3, reason: 'held by records that disagree on who they are' },
    ]);
  });

  it('refuses a value whose holders differ on both patronymic and city, not on the city alone', () => {
    const namesakes = resolve(
      contacts([
        { full_name: 'Орлова Анна Петровна', phone: '+79161110000', city: 'Омск' },
        { full_name: 'Орлова Анна Игоревна', phone: '+79161110000', city: 'Пермь' },
        // Common patronymics: a difference in a rare one may be a transliteration.
        { full_name: 'Седова Нина Петровна' },
        { full_name: 'Седова Нина Петровна' },
        { full_name: 'Седова Нина Игоревна' },
        { full_name: 'Седова Нина Игоревна' },
      ]),
    );
    expect(namesakes.links.get(2)?.rule).not.toBe('phone');
    expect(namesakes.guardStats.find((g) => g.rule === 'phone')?.sharedValues).toBe(1);
    const moved = resolve(
      contacts([
        { full_name: 'Орлова Анна Петровна', phone: '+79161110000', city: 'Омск' },
        { full_name: 'Орлова Анна Петровна', phone: '+79161110000', city: 'Пермь' },
      ]),
    );
    expect(moved.links.get(2)?.rule).toBe('phone');
    expect(moved.guardStats.find((g) => g.rule === 'phone')?.sharedValues).toBe(0);
  });

  it('does not take a one-off spelling for a second given name', () => {
    // "Nadeschda" (German transliteration) and "Лзиа" (a slip) are on one record each here.
    const r = resolve(
      contacts([
        { full_name: 'Сафронская Надежда', email: 'n.safronskaya@bk.ru' },
        { full_name: 'Safronskaja Nadeschda', email: 'n.safronskaya@bk.ru' },
        { full_name: 'Королёва Елизавета', phone: '+79031234567' },
        { full_name: 'Королёва Лзиа', phone: '+79031234567' },
      ]),
    );
    expect(r.links.get(2)?.rule).toBe('email');
    expect(r.links.get(4)?.rule).toBe('phone');
  });

  it("keeps one person's mailbox an identifier through nicknames, typos, transliteration and swapped columns", () => {
    const r = resolve(
      contacts([
        { first_name: 'Александр', last_name: 'Петров', email: 'a.petrov77@mail.ru', city: 'Москва' },
        { first_name: 'Sasha', last_name: 'Petrov', email: 'a.petrov77@mail.ru', city: 'Moscow' },
        { first_name: 'Petrov', last_name: 'Aleksandr', email: 'a.petrov77@mail.ru' },
        { first_name: 'Алесандр', last_name: 'Петров', email: 'a.petrov77@mail.ru', city: 'Москва' },
        { first_name: 'A.', last_name: 'Petrov', email: 'a.petrov77@mail.ru' },
      ]),
    );
    expect(new Set(r.assignment.values()).size).toBe(1);
    expect(r.guardStats.find((g) => g.rule === 'email')).toMatchObject({ sharedValues: 0 });
    for (const id of [2, 3, 4, 5]) expect(r.links.get(id)?.rule).toBe('email');
    expect(r.links.get(1)?.sharedIdentifiers).toEqual([]);
  });

  it("explains a link made on other evidence: the shared value both hold reads 'shared'", () => {
    const r = resolve(
      contacts([
        { first_name: 'Oleg', last_name: 'Kuznetsov', email: 'kuznetsovy@mail.ru', phone: '+79160000001' },
        { first_name: 'Marina', last_name: 'Kuznetsova', email: 'kuznetsovy@mail.ru', phone: '+79160000002' },
        { first_name: 'Марина', last_name: 'Кузнецова', email: 'kuznetsovy@mail.ru', phone: '+79160000002' },
      ]),
    );
    expect(together(r, 1, 2)).toBe(false);
    expect(together(r, 2, 3)).toBe(true);
    const link = r.links.get(3)!;
    expect(link.rule).toBe('phone');
    expect(link.comparisons.find((c) => c.field === 'email')).toEqual({
      field: 'email',
      level: 'shared',
      weight: 0,
    });
  });

  it('links on a valid INN, ignores one with a wrong check digit', () => {
    const r = resolve(
      contacts([
        { company: 'ООО «Ромашка»', tax_id: INN },
        { company: 'Romashka LLC', tax_id: `ИНН ${INN}` },
        { company: 'ООО «Вектор»', tax_id: '7707083894' },
        { company: 'АО «Гранит»', tax_id: '7707083894' },
      ]),
    );
    expect(together(r, 1, 2)).toBe(true);
    expect(r.links.get(2)?.rule).toBe('tax_id');
    expect(together(r, 3, 4)).toBe(false);
  });

  it('does not merge employees through their employer INN', () => {
    const staff = ['Anna Smirnova', 'Boris Kuznetsov', 'Olga Popova', 'Pavel Sokolov'];
    const r = resolve(contacts(staff.map((n) => ({ full_name: n, company: 'ООО «Ромашка»', tax_id: INN }))));
    expect(new Set(r.assignment.values()).size).toBe(4);
    expect(r.guardStats.find((g) => g.rule === 'tax_id')?.sharedValues).toBe(1);
  });
});
