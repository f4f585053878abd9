import { describe, expect, it } from 'vitest';
import { companyInName } from './company-in-name.js';

describe('companyInName', () => {
  it.each([
    ['ООО «Ромашка»', 'ООО Ромашка', null],
    ['ооо ромашка', 'ооо ромашка', null],
    ['ПАО "Сбербанк"', 'ПАО Сбербанк', null],
    ['АО «Вектор»', 'АО Вектор', null],
    ['ЗАО Альфа', 'ЗАО Альфа', null],
    ['«Ромашка», ООО', 'Ромашка, ООО', null],
    [
      'Общество с ограниченной ответственностью «Ромашка»',
      'Общество с ограниченной ответственностью Ромашка',
      null,
    ],
    ['Romashka LLC', 'Romashka LLC', null],
    ['Acme, Inc.', 'Acme, Inc.', null],
    ['Siemens GmbH', 'Siemens GmbH', null],
    ['Tesco PLC', 'Tesco PLC', null],
    ['Smith & Sons Ltd', 'Smith & Sons Ltd', null],
    ['OOO Romashka', 'OOO Romashka', null],
    ['ИП Иванов Иван Иванович', 'ИП Иванов Иван Иванович', 'Иванов Иван Иванович'],
    [
      'Индивидуальный предприниматель Петров П.П.',
      'Индивидуальный предприниматель Петров П.П.',
      'Петров П.П.',
    ],
  ])('%j is the company %j (person %j)', (raw, company, person) => {
    expect(companyInName(raw)).toEqual({ company, person });
  });

  it.each([
    'Иванов Иван Иванович',
    'Ким Ао',
    'Ао Ким',
    'Ли Са',
    'Ivan Petrov',
    'ООО',
    'Inc',
    'Анна Ипатова',
    'Limitedova Anna Ivanovna',
  ])('%j is a person (or nothing)', (raw) => {
    expect(companyInName(raw)).toBeNull();
  });
});
