import { describe, expect, it } from 'vitest';
import { normalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it.each([
    // Russia
    ['8 (912) 345-67-89', '+79123456789', null],
    ['+7 912 345 67 89', '+79123456789', null],
    ['+7(912)3456789', '+79123456789', null],
    ['9123456789', '+79123456789', null],
    ['79123456789', '+79123456789', null],
    ['8-800-555-35-35', '+78005553535', null],
    ['тел.: 8 912 345-67-89', '+79123456789', null],
    ['+7 912 345 67 89 (моб.)', '+79123456789', null],
    ['8 912 345 67 89 мобильный', '+79123456789', null],
    ['\u00a0+7\u00a0912\u00a0345\u00a067\u00a089\u00a0', '+79123456789', null],
    ['(495) 123-45-67 доб. 123', '+74951234567', '123'],
    ['(495) 123-45-67 (доб.123)', '+74951234567', '123'],
    ['+7 495 123-45-67, доб. 9', '+74951234567', '9'],
    ['+7 495 123-45-67 вн. 55', '+74951234567', '55'],
    ['+7 912 345 67 89 ext. 45', '+79123456789', '45'],
    ['+7 912 345 67 89 x12', '+79123456789', '12'],
    ['+7 912 345 67 89 #77', '+79123456789', '77'],
    // Several numbers: the first wins
    ['8 912 345-67-89, 8 (495) 123-45-67', '+79123456789', null],
    ['+7 912 345 67 89; +7 495 123 45 67', '+79123456789', null],
    ['8 912 345-67-89 или 8 495 123-45-67', '+79123456789', null],
    // Kazakhstan shares +7: the digits decide
    ['+7 701 123 4567', '+77011234567', null],
    ['8 701 123 45 67', '+77011234567', null],
    ['+7 727 258 00 00', '+77272580000', null],
    // Belarus, UK, international prefixes
    ['+375 29 123-45-67', '+375291234567', null],
    ['+375 (17) 222-33-44', '+375172223344', null],
    ['+44 20 7946 0958', '+442079460958', null],
    ['0044 20 7946 0958', '+442079460958', null],
    ['8 10 44 20 7946 0958', '+442079460958', null],
  ])('%j → %s ext %s', (raw, e164, ext) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: { e164, ext } });
  });

  it('uses the default region for national numbers', () => {
    expect(normalizePhone('8 029 123-45-67', 'BY')).toEqual({
      ok: true,
      value: { e164: '+375291234567', ext: null },
    });
    expect(normalizePhone('8 701 123 45 67', 'kz')).toEqual({
      ok: true,
      value: { e164: '+77011234567', ext: null },
    });
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual({
      ok: true,
      value: { e164: '+442079460958', ext: null },
    });
  });

  it.each([
    ['12345', 'phone "12345": too short for region RU'],
    ['912345678901234', 'phone "912345678901234": too long for region RU'],
    ['+7 123 456 78 90', 'phone "+7 123 456 78 90": not a valid number for +7'],
    ['+44 20 12', 'phone "+44 20 12": too short for +44'],
    ['+44 20 7946 095', 'phone "+44 20 7946 095": not a valid number for +44'],
    [
      '79123456789.0',
      'phone "79123456789.0" was turned into a number by a spreadsheet; export the column as text',
    ],
    [
      '7.9123456789E+10',
      'phone "7.9123456789E+10" was turned into a number by a spreadsheet; export the column as text',
    ],
    ['8-800-FLOWERS', 'phone "8-800-FLOWERS" contains letters'],
    ['нет', 'phone "нет" has no digits'],
    ['', 'phone is empty'],
    ['   ', 'phone is empty'],
  ])('%j → reason', (raw, reason) => {
    expect(normalizePhone(raw)).toEqual({ ok: false, reason });
  });

  it('refuses an unknown region', () => {
    expect(normalizePhone('9123456789', 'XX')).toEqual({
      ok: false,
      reason: 'phone region "XX" is not a known country code',
    });
  });
});
