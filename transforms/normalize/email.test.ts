import { describe, expect, it } from 'vitest';
import { emailMatchKey, isRoleAddress, normalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it.each([
    ['  Ivan.Petrov@Mail.RU ', 'ivan.petrov@mail.ru'],
    ['mailto:ivan@mail.ru', 'ivan@mail.ru'],
    ['E-mail: ivan@mail.ru', 'ivan@mail.ru'],
    ['MAILTO:ivan@mail.ru?subject=Hi', 'ivan@mail.ru'],
    ['<ivan@mail.ru>', 'ivan@mail.ru'],
    ['Ivan Petrov <ivan@mail.ru>', 'ivan@mail.ru'],
    ['"Петров, Иван" <ivan@mail.ru>', 'ivan@mail.ru'],
    ['ivan@mail.ru, petr@mail.ru', 'ivan@mail.ru'],
    ['ivan@mail.ru; petr@mail.ru', 'ivan@mail.ru'],
    ['ivan@mail.ru petr@mail.ru', 'ivan@mail.ru'],
    ['ivan@mail.ru.', 'ivan@mail.ru'],
    ['(ivan@mail.ru)', 'ivan@mail.ru'],
    ['ivan+crm@gmail.com', 'ivan+crm@gmail.com'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['ИВАН@ПОЧТА.РФ', 'иван@почта.рф'],
    ['info@xn--80a1acny.xn--p1ai', 'info@xn--80a1acny.xn--p1ai'],
    ['a@sub.domain.co.uk', 'a@sub.domain.co.uk'],
    ['ivan@mail.ru\u200b', 'ivan@mail.ru'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['ivan@', 'email "ivan@" has no domain'],
    ['ivan', 'email "ivan" has no @'],
    ['@mail.ru', 'email "@mail.ru" has no local part'],
    ['a@b@mail.ru', 'email "a@b@mail.ru" has more than one @'],
    ['ivan petrov@mail.ru', 'email "ivan petrov@mail.ru" contains spaces'],
    ['ivan..petrov@mail.ru', 'email "ivan..petrov@mail.ru" has a misplaced dot before @'],
    ['.ivan@mail.ru', 'email ".ivan@mail.ru" has a misplaced dot before @'],
    ['iv(an)@mail.ru', 'email "iv(an)@mail.ru" has invalid characters before @'],
    ['ivan@localhost', 'email "ivan@localhost" domain "localhost" has no top-level part'],
    ['ivan@mail..ru', 'email "ivan@mail..ru" has an invalid domain "mail..ru"'],
    ['ivan@-mail.ru', 'email "ivan@-mail.ru" has an invalid domain "-mail.ru"'],
    ['ivan@1.2.3.4', 'email "ivan@1.2.3.4" has an invalid top-level domain in "1.2.3.4"'],
    ['ivan@mail_ru.com', 'email "ivan@mail_ru.com" has an invalid domain "mail_ru.com"'],
    ['', 'email is empty'],
    ['<>', 'email "<>" is empty'],
  ])('%j → reason', (raw, reason) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, reason });
  });

  it('refuses a local part over 64 characters', () => {
    const r = normalizeEmail(`${'a'.repeat(65)}@mail.ru`);
    expect(r.ok).toBe(false);
  });
});

describe('emailMatchKey', () => {
  it.each([
    ['Ivan.Petrov+crm@Gmail.com', 'ivanpetrov@gmail.com'],
    ['i.v.a.n@googlemail.com', 'ivan@gmail.com'],
    ['ivan.petrov@ya.ru', 'ivan-petrov@yandex.ru'],
    ['ivan-petrov@yandex.com', 'ivan-petrov@yandex.ru'],
    ['ivan.petrov+shop@yandex.kz', 'ivan-petrov@yandex.ru'],
    ['ivan.petrov@mail.ru', 'ivan.petrov@mail.ru'], // dots matter at mail.ru
    ['ivan+x@mail.ru', 'ivan@mail.ru'],
    ['info@xn--80a1acny.xn--p1ai', 'info@почта.рф'],
    ['Ivan <INFO@почта.рф>', 'info@почта.рф'],
    ['not an email', 'not an email'],
  ])('%j → %j', (raw, expected) => {
    expect(emailMatchKey(raw)).toBe(expected);
  });
});

describe('isRoleAddress', () => {
  it.each([
    'info@romashka.ru',
    'Sales@romashka.ru',
    'office2@romashka.ru',
    'info-spb@romashka.ru',
    'sales.msk@romashka.ru',
    'no-reply@romashka.ru',
    'noreply@romashka.ru',
    'zakaz@romashka.ru',
    'buh@romashka.ru',
    'hello@startup.io',
    'contact@startup.io',
    'support+ticket@startup.io',
    'почта@ромашка.рф',
  ])('%s is a role address', (email) => {
    expect(isRoleAddress(email)).toBe(true);
  });

  it.each([
    'ivan.petrov@romashka.ru',
    'ivanov@mail.ru',
    'anna.info@gmail.com',
    'infoman@x.ru',
    'salesforce-fan@x.ru',
  ])('%s is personal', (email) => {
    expect(isRoleAddress(email)).toBe(false);
  });
});
