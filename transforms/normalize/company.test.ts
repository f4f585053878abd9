import { describe, expect, it } from 'vitest';
import { companyMatchKey, normalizeCompanyName } from './company.js';

describe('normalizeCompanyName', () => {
  it.each([
    ['ООО «Ромашка»', 'ООО Ромашка'],
    ['ООО "Ромашка"', 'ООО Ромашка'],
    ['ООО „Ромашка“', 'ООО Ромашка'],
    ['  ООО   «Ромашка» ', 'ООО Ромашка'],
    ['"ООО ""Ромашка"""', 'ООО Ромашка'], // CSV-doubled quotes
    ['«Ромашка»', 'Ромашка'],
    ['«Ромашка», ООО', 'Ромашка, ООО'],
    ['"Romashka" LLC', 'Romashka LLC'],
    [
      'Общество с ограниченной ответственностью «Ромашка»',
      'Общество с ограниченной ответственностью Ромашка',
    ],
    ['ООО «Фирма «Ромашка»»', 'ООО Фирма «Ромашка»'],
    ['«Рога» и «Копыта»', '«Рога» и «Копыта»'],
    ['"Рога" и "Копыта"', '"Рога" и "Копыта"'],
    ['ООО «Фирма „Ромашка“»', 'ООО Фирма „Ромашка“'],
    ['"ООО "Ромашка""', 'ООО Ромашка'],
    ['ИП Иванов Иван Иванович', 'ИП Иванов Иван Иванович'],
    ['Romashka Ltd.', 'Romashka Ltd.'],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeCompanyName(raw)).toBe(expected);
  });
});

describe('companyMatchKey', () => {
  it('makes the same company meet across scripts and legal-form spellings', () => {
    const variants = [
      'ООО «Ромашка»',
      'ООО "Ромашка"',
      'Ромашка, ООО',
      'ООО Ромашка',
      'OOO Romashka',
      'Romashka LLC',
      'Romashka, L.L.C.',
      'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «РОМАШКА»',
      'Romashka Ltd.',
      'Romashka GmbH',
    ];
    for (const v of variants) expect(companyMatchKey(v), v).toBe('romashka');
  });

  it.each([
    ['ПАО «Сбербанк»', 'sberbank'],
    ['Акционерное общество «Тинькофф Банк»', 'tinkoff bank'],
    ['ЗАО "Рога и Копыта"', 'roga i kopyta'],
    ['ИП Иванов Иван Иванович', 'ivanov ivan ivanovich'],
    ['ТОО «Казахтелеком»', 'kazakhtelekom'],
    ['Apple Inc.', 'apple'],
    ['Siemens AG', 'siemens'],
    ['Ёлка Corp', 'elka'],
    ['Cobalt', 'cobalt'], // legal forms only as whole words
    ['ООО', ''],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(companyMatchKey(raw)).toBe(expected);
  });
});
