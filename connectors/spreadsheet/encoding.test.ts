import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectEncoding, isUtf8, russianScore } from './encoding.js';

const TEXTS = [
  'ФИО;Телефон;Город\r\nИванов Иван Иванович;+7 916 123-45-67;Москва\r\n',
  'Фамилия,Имя\nСмирнов,Алексей\n',
  'ФАМИЛИЯ;ИМЯ;ОТЧЕСТВО\nПЕТРОВ;ПЁТР;ПЕТРОВИЧ\n', // all capitals
  'Список клиентов на 01.03.2015 г. — «Ромашка», № 5\nКод;Наименование\n1;ООО «Рога и копыта»\n',
  'Да',
];

describe('detectEncoding', () => {
  it('recognizes byte-order marks', () => {
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', bom: true });
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: 'utf-16le', bom: true });
    expect(detectEncoding(Buffer.from([0xfe, 0xff, 0, 0x61]))).toEqual({ encoding: 'utf-16be', bom: true });
  });

  it('recognizes UTF-16 without a BOM from its zero bytes', () => {
    expect(detectEncoding(iconv.encode('Name;Email\r\nИван;a@b.ru\r\n', 'utf-16le')).encoding).toBe(
      'utf-16le',
    );
    expect(detectEncoding(iconv.encode('Name;Email\r\nИван;a@b.ru\r\n', 'utf-16be')).encoding).toBe(
      'utf-16be',
    );
  });

  it('takes valid UTF-8 (and plain ASCII) as utf-8', () => {
    for (const text of TEXTS) expect(detectEncoding(Buffer.from(text)).encoding).toBe('utf-8');
    expect(detectEncoding(Buffer.from('a,b\n1,2\n')).encoding).toBe('utf-8');
  });

  it.each(['windows-1251', 'koi8-r', 'ibm866'])('tells %s from the other Cyrillic code pages', (encoding) => {
    for (const text of TEXTS) expect(detectEncoding(iconv.encode(text, encoding)).encoding).toBe(encoding);
  });

  it('does not mistake a UTF-8 sample cut inside a character for another encoding', () => {
    const bytes = Buffer.from('Иванов;Москва');
    expect(isUtf8(bytes.subarray(0, 3))).toBe(true);
    expect(detectEncoding(bytes.subarray(0, bytes.length - 1)).encoding).toBe('utf-8');
  });

  it('rejects overlong and surrogate UTF-8 sequences', () => {
    expect(isUtf8(Buffer.from([0xc0, 0xaf]))).toBe(false);
    expect(isUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(false);
  });
});

describe('russianScore', () => {
  it('prefers real Russian text over the same bytes read with the wrong code page', () => {
    const right = russianScore('Иванов Иван Иванович, Москва');
    const wrong = russianScore(
      iconv.decode(iconv.encode('Иванов Иван Иванович, Москва', 'koi8-r'), 'windows-1251'),
    );
    expect(right.score).toBeGreaterThan(wrong.score);
    expect(right.letters).toBe(1);
  });
});
