/**
 * Header synonyms (RU + EN) → what a column means. Matching ignores case, spaces and
 * punctuation ("E-mail", "e mail", "EMAIL" are one key; "ё" equals "е").
 *
 * A few meanings depend on the stream: an order number is the key of an order sheet; a customer
 * code is the key of a contact sheet but the customer reference of an order sheet.
 */
import type { StreamName } from '../contract.js';
import { streamHasField, type FieldName } from '../canonical/fields.js';

/** What a header says, before the stream is known. */
export type Concept = FieldName | 'order_number' | 'customer_code' | 'client';

const TABLE: ReadonlyArray<readonly [Concept, readonly string[]]> = [
  ['full_name', ['ФИО', 'Ф.И.О.', 'Полное имя', 'Контактное лицо', 'Full Name', 'Name', 'Contact Name']],
  ['last_name', ['Фамилия', 'Last Name', 'Lastname', 'Surname', 'Family Name']],
  ['first_name', ['Имя', 'First Name', 'Firstname', 'Given Name']],
  ['middle_name', ['Отчество', 'Middle Name', 'Patronymic']],
  [
    'phone',
    [
      'Телефон',
      'Тел.',
      'Моб. телефон',
      'Мобильный',
      'Мобильный телефон',
      'Сотовый',
      'Контактный телефон',
      'Phone',
      'Phone Number',
      'Mobile',
      'Mobile Phone',
      'Cell',
      'Tel',
      'Telephone',
    ],
  ],
  ['phone_ext', ['Доб.', 'Добавочный', 'Ext', 'Extension']],
  ['email', ['E-mail', 'Email', 'Эл. почта', 'Электронная почта', 'Почта', 'Email Address', 'Mail']],
  [
    'company',
    [
      'Компания',
      'Организация',
      'Контрагент',
      'Фирма',
      'Название компании',
      'Company',
      'Company Name',
      'Organization',
      'Organisation',
    ],
  ],
  ['tax_id', ['ИНН', 'INN', 'Tax ID', 'TIN', 'VAT Number']],
  ['personal_id', ['СНИЛС', 'Personal ID', 'SSN']],
  ['city', ['Город', 'Населенный пункт', 'City', 'Town', 'Suburb']],
  ['street', ['Адрес', 'Улица', 'Address', 'Address 1', 'Street']],
  ['house', ['Дом', 'House', 'House Number', 'Street Number']],
  ['postcode', ['Индекс', 'Почтовый индекс', 'Zip', 'Zip Code', 'Postcode', 'Postal Code']],
  ['region', ['Регион', 'Область', 'Край', 'Region', 'State', 'Province']],
  ['country', ['Страна', 'Country']],
  [
    'source_created_at',
    [
      'Дата создания',
      'Дата регистрации',
      'Дата заявки',
      'Created',
      'Created At',
      'Date Created',
      'Creation Date',
      'Submitted',
      'Submitted At',
    ],
  ],
  ['birth_date', ['Дата рождения', 'Д.р.', 'Birthday', 'Birth Date', 'Date of Birth', 'DOB']],
  ['owner', ['Менеджер', 'Ответственный', 'Owner', 'Manager', 'Account Manager', 'Sales Rep']],
  [
    'customer_group',
    ['Группа', 'Группа клиента', 'Категория клиента', 'Категория', 'Group', 'Customer Group', 'Category'],
  ],
  [
    'order_number',
    ['№ заказа', 'Номер заказа', 'Заказ №', 'Заказ', 'Order ID', 'Order No', 'Order Number', 'Order #'],
  ],
  ['order_date', ['Дата заказа', 'Дата', 'Order Date', 'Date']],
  ['amount', ['Сумма', 'Сумма заказа', 'Итого', 'Стоимость', 'Выручка', 'Amount', 'Total', 'Order Total']],
  ['cost', ['Себестоимость', 'Cost', 'COGS']],
  ['currency', ['Валюта', 'Currency']],
  ['channel', ['Канал', 'Канал продаж', 'Источник', 'Channel', 'Source']],
  ['status', ['Статус', 'Состояние', 'Status']],
  ['client', ['Клиент', 'Покупатель', 'Заказчик', 'Customer', 'Client', 'Customer Name']],
  [
    'customer_code',
    ['Код клиента', 'ID клиента', 'Customer ID', 'Client ID', 'Customer Code', 'Customer No'],
  ],
  ['source_key', ['ID']],
];

// When no synonym matches exactly: headers that begin with these words still mean the field
// ("Телефон (раб.)", "Email рабочий", "ФИО клиента").
const PREFIXES: ReadonlyArray<readonly [Concept, string]> = [
  ['phone', 'телефон'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['full_name', 'фио'],
];

/** The comparison key of a header: lower case, "ё" → "е", "#" → "№", letters/digits/№ only. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/#/g, '№')
    .replace(/[^\p{L}\p{N}№]+/gu, '');
}

const BY_KEY: ReadonlyMap<string, Concept> = (() => {
  const map = new Map<string, Concept>();
  for (const [concept, names] of TABLE) {
    for (const name of names) {
      const key = headerKey(name);
      const seen = map.get(key);
      if (seen !== undefined && seen !== concept) {
        throw new Error(`synonym table: "${name}" means both ${seen} and ${concept}`);
      }
      map.set(key, concept);
    }
  }
  return map;
})();

/** What a header means, or null when it is not a known synonym. */
export function conceptOf(header: string): Concept | null {
  const key = headerKey(header);
  if (key === '') return null;
  const exact = BY_KEY.get(key);
  if (exact !== undefined) return exact;
  for (const [concept, prefix] of PREFIXES) if (key.startsWith(prefix)) return concept;
  return null;
}

/** The field a concept fills in a stream, or null when that stream has no such field. */
export function fieldFor(concept: Concept, stream: StreamName): FieldName | null {
  let field: FieldName | null;
  switch (concept) {
    case 'order_number':
      field = stream === 'order' ? 'source_key' : null;
      break;
    case 'customer_code':
      field = stream === 'contact' ? 'source_key' : 'customer_source_key';
      break;
    case 'client':
      field = 'full_name';
      break;
    default:
      field = concept;
  }
  return field !== null && streamHasField(stream, field) ? field : null;
}
