import { describe, expect, it } from 'vitest';
import { detectStream } from './stream-detect.js';
import { conceptOf, fieldFor, headerKey } from './synonyms.js';

describe('synonyms', () => {
  it('matches headers ignoring case, spaces, punctuation and ё', () => {
    expect(headerKey(' E-Mail ')).toBe('email');
    expect(conceptOf('e mail')).toBe('email');
    expect(conceptOf('ЭЛ. ПОЧТА')).toBe('email');
    expect(conceptOf('Ф.И.О.')).toBe('full_name');
    expect(conceptOf('Моб.телефон')).toBe('phone');
    expect(conceptOf('Населённый пункт')).toBe('city');
    expect(conceptOf('Order #')).toBe('order_number');
    expect(conceptOf('№ заказа')).toBe('order_number');
  });

  it('matches a few headers by their first word', () => {
    expect(conceptOf('Телефон (раб.)')).toBe('phone');
    expect(conceptOf('Email рабочий')).toBe('email');
    expect(conceptOf('ФИО клиента')).toBe('full_name');
    expect(conceptOf('Почтовый индекс')).toBe('postcode');
  });

  it('knows the RU and EN names of every brief field', () => {
    const expected: Record<string, string> = {
      Фамилия: 'last_name',
      Имя: 'first_name',
      Отчество: 'middle_name',
      Мобильный: 'phone',
      Компания: 'company',
      Организация: 'company',
      Контрагент: 'company',
      ИНН: 'tax_id',
      Адрес: 'street',
      Индекс: 'postcode',
      Область: 'region',
      Ответственный: 'owner',
      'Категория клиента': 'customer_group',
      'Номер заказа': 'order_number',
      'Дата заказа': 'order_date',
      Сумма: 'amount',
      Себестоимость: 'cost',
      Валюта: 'currency',
      Канал: 'channel',
      Статус: 'status',
      Клиент: 'client',
      'Код клиента': 'customer_code',
      'First Name': 'first_name',
      'Full Name': 'full_name',
      Name: 'full_name',
      Mobile: 'phone',
      Zip: 'postcode',
      Birthday: 'birth_date',
      'Order ID': 'order_number',
      Total: 'amount',
      'Customer ID': 'customer_code',
    };
    for (const [header, concept] of Object.entries(expected))
      expect([header, conceptOf(header)]).toEqual([header, concept]);
    expect(conceptOf('Примечание')).toBeNull();
  });

  it('resolves stream-dependent meanings', () => {
    expect(fieldFor('customer_code', 'contact')).toBe('source_key');
    expect(fieldFor('customer_code', 'order')).toBe('customer_source_key');
    expect(fieldFor('order_number', 'order')).toBe('source_key');
    expect(fieldFor('order_number', 'contact')).toBeNull();
    expect(fieldFor('client', 'order')).toBe('full_name');
    expect(fieldFor('birth_date', 'order')).toBeNull();
    expect(fieldFor('amount', 'contact')).toBeNull();
  });
});

describe('detectStream', () => {
  it('needs two of order number, order date and amount for an order sheet', () => {
    expect(detectStream(['order_number', 'order_date', 'amount'])).toBe('order');
    expect(detectStream(['order_date', 'amount', 'client'])).toBe('order');
    expect(detectStream(['full_name', 'amount'])).toBe('contact');
    expect(detectStream(['full_name', 'phone'])).toBe('contact');
  });
});
