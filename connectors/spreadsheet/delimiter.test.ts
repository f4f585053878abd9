import { describe, expect, it } from 'vitest';
import { sniffDelimiter } from './delimiter.js';
import { splitLines } from './line-splitter.js';

const sniff = (text: string): string => sniffDelimiter(splitLines(text)).delimiter;

describe('sniffDelimiter', () => {
  it.each([
    [';', 'ФИО;Телефон;Сумма\nИванов;+7 916;1 234,50\nПетров;+7 903;99,90\n'],
    [',', 'name,email,city\nIvan,a@b.ru,Moscow\nPetr,c@d.ru,Tula\n'],
    ['\t', 'ФИО\tГород\tАдрес\nИванов\tМосква\tул. Ленина, 1; кв. 2\n'],
    ['|', 'id|name|city\n1|Ivan|Moscow\n2|Petr|Tula\n'],
  ])('finds %j', (delimiter, text) => {
    expect(sniff(text)).toBe(delimiter);
  });

  it('is not fooled by decimal commas in a ";" file', () => {
    expect(sniff('Код;Сумма;Себестоимость\n1;12,50;10,00\n2;1,5;0,75\n3;7;5\n')).toBe(';');
  });

  it('ignores delimiters inside quoted cells', () => {
    expect(sniff('a;b\n"x, y, z";1\n"p, q";2\n"r, s, t, u";3\n')).toBe(';');
  });

  it('is not thrown off by a title row above the header', () => {
    expect(sniff('Клиенты, март 2015\n\nФИО;Телефон;Город\nИванов;1;Москва\nПетров;2;Тула\n')).toBe(';');
  });

  it('falls back to "," for a one-column file', () => {
    expect(sniffDelimiter(splitLines('email\na@b.ru\nc@d.ru\n'))).toEqual({
      delimiter: ',',
      agreement: 1,
      cells: 1,
    });
  });
});
