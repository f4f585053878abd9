// convertCell's shortcut for common e-mail, phone and date cells, checked against what the
// normalizers give for the cleaned text (the path every other cell takes).
import { describe, expect, it } from 'vitest';
import { cleanText, normalizeEmail, normalizePhone, parseDate } from '../../transforms/normalize/index.js';
import { convertCell, type Converted, type ValueRule } from './values.js';

const SEVERAL = /[,;\n]|\s\/\s/;

/** The conversion of an accepted value by the general path, or null when it is refused. */
function accepted(text: string, rule: ValueRule, region: string): Converted | null {
  const clean = cleanText(text);
  if (clean === null) return null;
  if (rule.kind === 'email') {
    const email = normalizeEmail(clean);
    if (!email.ok) return null;
    return SEVERAL.test(clean)
      ? { ok: true, value: email.value, several: true }
      : { ok: true, value: email.value };
  }
  if (rule.kind === 'phone') {
    const phone = normalizePhone(clean, region);
    if (!phone.ok) return null;
    return { ok: true, value: phone.value.e164, ext: phone.value.ext, several: SEVERAL.test(clean) };
  }
  const date = parseDate(clean, rule.format);
  return date.ok ? { ok: true, value: date.value } : null;
}

const RULES: Record<string, ValueRule> = {
  email: { field: 'email', kind: 'email' },
  phone: { field: 'phone', kind: 'phone' },
  date: { field: 'birth_date', kind: 'date' },
  'date DD.MM.YYYY': { field: 'birth_date', kind: 'date', format: 'DD.MM.YYYY' },
  'date MM/DD/YYYY': { field: 'birth_date', kind: 'date', format: 'MM/DD/YYYY' },
};

describe('convertCell', () => {
  it.each([
    ['email', 'RU', 'user0@mail.ru'],
    ['email', 'RU', 'User.Name+crm@Mail.RU'],
    ['email', 'RU', ' user@mail.ru'],
    ['email', 'RU', 'user@mail.ru\u200b'],
    ['email', 'RU', 'user@mail.ru.'],
    ['email', 'RU', 'a@b.ru, c@d.ru'],
    ['email', 'RU', 'Иван <ivan@mail.ru>'],
    ['phone', 'RU', '89906195825'],
    ['phone', 'RU', '+7 991 971 3725'],
    ['phone', 'RU', '8 (997) 618-73-68'],
    ['phone', 'RU', ' 9123456789'],
    ['phone', 'RU', '9123456789 '],
    ['phone', 'RU', '8\u00a0912 345 67 89'],
    ['phone', 'RU', '+7 912 345-67-89, доб. 12'],
    ['phone', 'RU', '+7 495 123-45-67'],
    ['phone', 'KZ', '+7 912 345 67 89'],
    ['phone', 'KZ', '87012345678'],
    ['date', 'RU', '07.07.1986'],
    ['date', 'RU', '07/07/1986'],
    ['date', 'RU', '1986-07-07'],
    ['date', 'RU', ' 07.07.1986'],
    ['date', 'RU', '07.07.1986 г.'],
    ['date DD.MM.YYYY', 'RU', '07.07.1986'],
    ['date DD.MM.YYYY', 'RU', '1986-07-07'],
    ['date MM/DD/YYYY', 'RU', '07/08/1986'],
  ])('%s (%s): takes %j as the general path does', (name, region, text) => {
    const rule = RULES[name]!;
    const expected = accepted(text, rule, region);
    expect(expected).not.toBeNull();
    expect(convertCell(text, rule, region)).toEqual(expected);
  });

  it.each([
    ['email', 'user.@mail.ru', 'email "user.@mail.ru" has a misplaced dot before @'],
    ['email', 'user@mail', 'email "user@mail" domain "mail" has no top-level part'],
    ['phone', '+7 930 000 00 00', 'phone "+7 930 000 00 00": not a valid number for RU'],
    ['date', '31.02.1980', 'birth_date "31.02.1980" is not a real date'],
    [
      'date',
      '12.31.1980',
      'birth_date "12.31.1980" is month-first; set the column format (e.g. "MM/DD/YYYY") in the mapping',
    ],
    ['date DD.MM.YYYY', '31/12/1980', 'birth_date "31/12/1980" does not match format "DD.MM.YYYY"'],
  ])('%s: refuses %j with the general reason', (name, text, problem) => {
    expect(convertCell(text, RULES[name]!, 'RU')).toEqual({ ok: false, problem });
  });
});

describe('formulas in canonical values', () => {
  const convert = (text: string, kind: ValueRule['kind'], field = 'company') =>
    convertCell(text, { field: field as ValueRule['field'], kind }, 'RU');
  it.each([
    ['=HYPERLINK("http://evil.example","click")', 'company', `'=HYPERLINK("http://evil.example","click")`],
    ['\t=1+1', 'text', "'=1+1"],
    ['@SUM(A1)', 'text', "'@SUM(A1)"],
    ['=cmd', 'currency', "'=CMD"],
    ['-x@example.com', 'email', "'-x@example.com"],
    ['=1+x@example.com', 'email', "'=1+x@example.com"],
  ] as const)('%j (%s) gets a leading apostrophe', (text, kind, value) => {
    expect(convert(text, kind)).toMatchObject({ ok: true, value });
  });
  it.each([
    ['-5', 'text', '-5'],
    ['+7 916 123-45-67', 'text', '+7 916 123-45-67'],
    ['+7 916 123-45-67', 'phone', '+79161234567'],
    ["'=1+1", 'text', "'=1+1"],
    ['ООО «Ромашка»', 'text', 'ООО «Ромашка»'],
  ] as const)('%j (%s) is data, left as it is', (text, kind, value) => {
    expect(convert(text, kind, kind === 'phone' ? 'phone' : 'company')).toMatchObject({ ok: true, value });
  });
  it('keeps keys as the source has them, and neutralizes other identifiers', () => {
    expect(convert('=A1', 'id', 'source_key')).toEqual({ ok: true, value: '=A1' });
    expect(convert('=A1', 'id', 'customer_source_key')).toEqual({ ok: true, value: '=A1' });
    expect(convert('=A1', 'id', 'personal_id')).toEqual({ ok: true, value: "'=A1" });
    expect(convert('-12345', 'id', 'postcode')).toEqual({ ok: true, value: '-12345' });
  });
});
