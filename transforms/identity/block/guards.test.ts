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
    expect(r.guardStats.find((g) => g.rule === 'phone')?.vetoed).toBe(1);
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
