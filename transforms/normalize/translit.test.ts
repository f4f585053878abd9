import { describe, expect, it } from 'vitest';
import { foldForMatch, phoneticKey, toLatin } from './translit.js';

describe('foldForMatch', () => {
  it.each([
    ['  Ёлкин,  Пётр ', 'елкин петр'],
    ['ЁЛКИН', 'елкин'],
    ['Андрей Йошкин', 'андрей йошкин'], // й is not folded to и
    ['и\u0306', 'й'],
    ['José Müller-Lüdenscheidt', 'jose muller ludenscheidt'],
    ["O'Brien", 'obrien'],
    ['O’Brien', 'obrien'],
    ['Straße', 'strasse'],
    ['Łódź', 'lodz'],
    ['ＡＢＣ１２３', 'abc123'],
    ['ﬁnance', 'finance'],
    ['«Ромашка»!!!', 'ромашка'],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(foldForMatch(raw)).toBe(expected);
  });
});

describe('toLatin', () => {
  it.each([
    ['Иванов', 'ivanov'],
    ['Щёголев Юрий', 'shchegolev yuriy'],
    ['Хрущёв', 'khrushchev'],
    ['Жуков', 'zhukov'],
    ['Цветаева', 'tsvetaeva'],
    ['Чайковский', 'chaykovskiy'],
    ['Красный', 'krasny'],
    ['Толстой', 'tolstoy'],
    ['Ярослава', 'yaroslava'],
    ['Подъячев', 'podyachev'],
    ['Ольга', 'olga'],
    ['Эльвира', 'elvira'],
    ['Выборг', 'vyborg'],
    ['Євгенія Їжакевич', 'yevgeniya izhakevich'],
    ['Нұрсұлтан Әбішұлы', 'nursultan abishuly'],
    ['ООО «Ромашка»', 'ooo romashka'],
    ['Ivanov', 'ivanov'],
    ['Ivanov Иван', 'ivanov ivan'],
  ])('%j → %j', (raw, expected) => {
    expect(toLatin(raw)).toBe(expected);
  });
});

describe('phoneticKey', () => {
  const same = (...variants: string[]): void => {
    const keys = variants.map(phoneticKey);
    expect(new Set(keys).size, `${variants.join(' / ')} → ${keys.join(' / ')}`).toBe(1);
  };

  it('gives exact keys', () => {
    expect(phoneticKey('Юрий Хрущёв')).toBe('iuri hrushev');
    expect(phoneticKey('Александр Иванов')).toBe('aleksandr ivanov');
    expect(phoneticKey('')).toBe('');
  });

  it('makes Cyrillic and common Latin spellings meet', () => {
    same('Иванов', 'Ivanov', 'IVANOFF', 'Ivanow');
    same('Юрий', 'Yuriy', 'Yury', 'Yuri', 'Iurii', 'Jurij');
    same('Дмитрий', 'Dmitriy', 'Dmitry', 'Dmitrii', 'Dmitrij');
    same('Алексей', 'Aleksey', 'Alexey', 'Alexei', 'Aleksei');
    same('Хабаров', 'Khabarov', 'Habarov');
    same('Андреев', 'Andreev', 'Andreyev');
    same('Елена', 'Elena', 'Yelena');
    same('Пётр', 'Petr', 'Pyotr');
    same('Фёдор', 'Fedor', 'Fyodor');
    same('Анна', 'Anna', 'Ana');
    same('Мария', 'Maria', 'Mariya');
    same('Виктор', 'Viktor', 'Victor');
    same('Чайковский', 'Chaykovskiy', 'Tchaikovsky', 'Chaikovsky');
    same('Ковальски', 'Kowalski');
    same('Щукин', 'Shchukin', 'Schukin');
    same('Смирнов', 'Smirnoff');
    same('Александр', 'Alexander', 'Aleksandr');
    same('Пётр', 'Peter');
  });

  it('keeps different names apart', () => {
    expect(phoneticKey('Иванов')).not.toBe(phoneticKey('Иваненко'));
    expect(phoneticKey('Петров')).not.toBe(phoneticKey('Петрова'));
    expect(phoneticKey('Сергеев')).not.toBe(phoneticKey('Сергеенко'));
  });
});
