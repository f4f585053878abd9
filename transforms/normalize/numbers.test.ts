import { describe, expect, it } from 'vitest';
import { parseAmount, parseMoney } from './numbers.js';

describe('parseAmount', () => {
  it.each<[string | number, number]>([
    ['1 234,56', 1234.56],
    ['1\u00a0234,56', 1234.56],
    ['1\u202f234\u202f567,5', 1234567.5],
    ['1.234,56', 1234.56],
    ['1,234.56', 1234.56],
    ['1,234,567', 1234567],
    ['1.234.567', 1234567],
    ['1234.5', 1234.5],
    ['1234,5', 1234.5],
    ['-12,5', -12.5],
    ['−12,5', -12.5],
    ['+12,5', 12.5],
    ['(12,50)', -12.5],
    ['12,50-', -12.5],
    ['12,5 ₽', 12.5],
    ['12,5 руб.', 12.5],
    ['1 500 р.', 1500],
    ['1500р', 1500],
    ['$1,234.56', 1234.56],
    ['-$12.50', -12.5],
    ['$-12.50', -12.5],
    ['€ 12,5', 12.5],
    ['12.5 USD', 12.5],
    ["1'234.50", 1234.5],
    ['0,123', 0.123],
    ['1,234', 1234], // three digits after a lone comma: thousands
    ['1,2345', 1.2345],
    ['1.234', 1.234], // a lone dot is always decimal
    ['1 234,567', 1234.567], // space thousands ⇒ the comma is decimal
    ['.5', 0.5],
    ['0', 0],
    ['-0,00', 0],
    [1234.56, 1234.56],
    [-0.5, -0.5],
  ])('%j → %s', (raw, expected) => {
    expect(parseAmount(raw)).toEqual({ ok: true, value: expected });
  });

  it('follows the decimal hint', () => {
    expect(parseAmount('1,234', ',')).toEqual({ ok: true, value: 1.234 });
    expect(parseAmount('1.234', ',')).toEqual({ ok: true, value: 1234 });
    expect(parseAmount('1.234,5', ',')).toEqual({ ok: true, value: 1234.5 });
    expect(parseAmount('1,234', '.')).toEqual({ ok: true, value: 1234 });
    expect(parseAmount('1,234.5', '.')).toEqual({ ok: true, value: 1234.5 });
    expect(parseAmount('1,5', '.')).toEqual({
      ok: false,
      reason: 'amount "1,5" has misplaced thousands separators',
    });
  });

  it('returns the parsed double without rounding', () => {
    expect(parseAmount('0,1')).toEqual({ ok: true, value: 0.1 });
    expect(parseAmount('1234567.891')).toEqual({ ok: true, value: 1234567.891 });
  });

  it.each<[string | number, string]>([
    ['12%', 'amount "12%" is a percentage, not an amount'],
    ['abc', 'amount "abc" is not a number'],
    ['12 apples', 'amount "12 apples" is not a number'],
    ['1,23,45', 'amount "1,23,45" has misplaced thousands separators'],
    ['12 5', 'amount "12 5" has misplaced thousands separators'],
    ['1.234.5', 'amount "1.234.5" has misplaced thousands separators'],
    ['1,5,5.2', 'amount "1,5,5.2" has misplaced thousands separators'],
    ['1.2.3,4', 'amount "1.2.3,4" has misplaced thousands separators'],
    ['1E+10', 'amount "1E+10" is in scientific notation; export the column with full digits'],
    ['', 'amount is empty'],
    ['₽', 'amount "₽" is not a number'],
    [Number.NaN, 'amount NaN is not a finite number'],
  ])('%j → reason', (raw, reason) => {
    expect(parseAmount(raw)).toEqual({ ok: false, reason });
  });

  it('refuses two decimal marks when the hint names one', () => {
    expect(parseAmount('1,2,3', ',')).toEqual({
      ok: false,
      reason: 'amount "1,2,3" has more than one decimal separator',
    });
  });
});

describe('parseMoney', () => {
  it.each([
    ['12,5 ₽', 12.5, 'RUB'],
    ['1 500 руб.', 1500, 'RUB'],
    ['$10', 10, 'USD'],
    ['10 €', 10, 'EUR'],
    ['5 000 тг', 5000, 'KZT'],
    ['100 BYN', 100, 'BYN'],
    ['100 CHF', 100, 'CHF'],
    ['100', 100, null],
  ])('%j → %s %s', (raw, amount, currency) => {
    expect(parseMoney(raw)).toEqual({ ok: true, value: { amount, currency } });
  });
});
