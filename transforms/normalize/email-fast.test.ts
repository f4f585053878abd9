// The e-mail fast path, checked against the general path it shortcuts.
import { describe, expect, it } from 'vitest';
import { fastEmail, normalizeEmail } from './email-parse.js';

/**
 * The general path's value for a string without angle brackets: "<…>" is unwrapped to the same
 * string before anything else, and the brackets keep the fast path out.
 */
function general(s: string): string | null {
  const parsed = normalizeEmail(`<${s}>`);
  return parsed.ok ? parsed.value : null;
}

// ASCII letters, digits and ._+- around one @, not ending in a dot (which unwrap strips).
const PLAIN = /^[A-Za-z0-9._+-]+@[A-Za-z0-9._+-]*[A-Za-z0-9_+-]$/;

describe('fastEmail', () => {
  it('answers only where the general path accepts, with the same address', () => {
    let seed = 7;
    const pick = <T>(a: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return a[(seed >>> 16) % a.length]!;
    };
    const local = ['a', 'Z', 'q', '0', '7', '.', '_', '+', '-', 'ю', ' ', ',', "'", '!', 'ab', 'Cd9'];
    const label = ['a', 'B0', 'mail', 'x-y', '-a', 'a-', '_', 'рф', '', 'z'];
    const tld = ['ru', 'COM', 'r', '1', 'xn--p1ai', 'рф', '', 'ru.', 'ru:'];
    let answered = 0;
    for (let k = 0; k < 20_000; k++) {
      let s = '';
      for (let i = pick([0, 1, 3, 5, 8]); i > 0; i--) s += pick(local);
      s += pick(['@', '@', '@', '@', '@@', '', '.@']);
      for (let i = pick([0, 1, 1, 2, 3]); i > 0; i--) s += `${pick(label)}.`;
      s += pick(tld);
      const fast = fastEmail(s);
      if (fast === null) {
        // …and it answers for every plain address the general path accepts.
        if (PLAIN.test(s)) expect(general(s), s).toBeNull();
        continue;
      }
      answered++;
      expect(fast, s).toBe(general(s));
      expect(normalizeEmail(s), s).toEqual({ ok: true, value: fast });
    }
    expect(answered).toBeGreaterThan(200);
  });

  it.each([
    ['user0@mail.ru', 'user0@mail.ru'],
    ['Ivan.Petrov+crm@Mail.RU', 'ivan.petrov+crm@mail.ru'],
    ['first_last-2@sub.domain.co.uk', 'first_last-2@sub.domain.co.uk'],
    ['info@xn--80a1acny.xn--p1ai', 'info@xn--80a1acny.xn--p1ai'],
    [`${'a'.repeat(64)}@mail.ru`, `${'a'.repeat(64)}@mail.ru`],
  ])('takes the plain address %j', (raw, value) => {
    expect(fastEmail(raw)).toBe(value);
    expect(normalizeEmail(raw)).toEqual({ ok: true, value });
  });

  it.each([
    // the general path accepts these, by unwrapping or with characters the fast path leaves out
    ['ivan@mail.ru.', { ok: true, value: 'ivan@mail.ru' }],
    [' ivan@mail.ru', { ok: true, value: 'ivan@mail.ru' }],
    ['mailto:ivan@mail.ru', { ok: true, value: 'ivan@mail.ru' }],
    ["o'brien@example.ie", { ok: true, value: "o'brien@example.ie" }],
    ['ИВАН@ПОЧТА.РФ', { ok: true, value: 'иван@почта.рф' }],
    ['ivan@mail.ru,petr@mail.ru', { ok: true, value: 'ivan@mail.ru' }],
    // and refuses these, with its own reasons
    ['ivan.@mail.ru', { ok: false, reason: 'email "ivan.@mail.ru" has a misplaced dot before @' }],
    ['.ivan@mail.ru', { ok: false, reason: 'email ".ivan@mail.ru" has a misplaced dot before @' }],
    ['iv..an@mail.ru', { ok: false, reason: 'email "iv..an@mail.ru" has a misplaced dot before @' }],
    ['ivan@', { ok: false, reason: 'email "ivan@" has no domain' }],
    ['@mail.ru', { ok: false, reason: 'email "@mail.ru" has no local part' }],
    ['a@b@mail.ru', { ok: false, reason: 'email "a@b@mail.ru" has more than one @' }],
    [
      'ivan@localhost',
      { ok: false, reason: 'email "ivan@localhost" domain "localhost" has no top-level part' },
    ],
    ['ivan@mail..ru', { ok: false, reason: 'email "ivan@mail..ru" has an invalid domain "mail..ru"' }],
    ['ivan@.mail.ru', { ok: false, reason: 'email "ivan@.mail.ru" has an invalid domain ".mail.ru"' }],
    ['ivan@-mail.ru', { ok: false, reason: 'email "ivan@-mail.ru" has an invalid domain "-mail.ru"' }],
    ['ivan@mail_ru.ru', { ok: false, reason: 'email "ivan@mail_ru.ru" has an invalid domain "mail_ru.ru"' }],
    [
      'ivan@1.2.3.4',
      { ok: false, reason: 'email "ivan@1.2.3.4" has an invalid top-level domain in "1.2.3.4"' },
    ],
    [
      `${'a'.repeat(65)}@mail.ru`,
      { ok: false, reason: `email "${'a'.repeat(60)}…" has a local part longer than 64 characters` },
    ],
  ])('leaves %j to the general path', (raw, expected) => {
    expect(fastEmail(raw)).toBeNull();
    expect(normalizeEmail(raw)).toEqual(expected);
  });
});
