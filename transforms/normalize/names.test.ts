import { describe, expect, it } from 'vitest';
import { normalizePersonName, splitFullName, type NameParts } from './names.js';

const parts = (last: string | null, first: string | null, middle: string | null): NameParts => ({
  last_name: last,
  first_name: first,
  middle_name: middle,
});

describe('splitFullName', () => {
  it.each<[string, NameParts]>([
    // Russian order and patronymics
    ['Иванов Иван Иванович', parts('Иванов', 'Иван', 'Иванович')],
    ['Иван Иванович Иванов', parts('Иванов', 'Иван', 'Иванович')],
    ['Петрова Анна Сергеевна', parts('Петрова', 'Анна', 'Сергеевна')],
    ['Ленин Владимир Ильич', parts('Ленин', 'Владимир', 'Ильич')],
    ['Ольга Никитична Смирнова', parts('Смирнова', 'Ольга', 'Никитична')],
    ['Иванова Мария Ильинична', parts('Иванова', 'Мария', 'Ильинична')],
    ['Мамедов Эльдар Гусейн оглы', parts('Мамедов', 'Эльдар', 'Гусейн оглы')],
    ['Алиева Лейла Рашид кызы', parts('Алиева', 'Лейла', 'Рашид кызы')],
    ['Иван Иванович', parts(null, 'Иван', 'Иванович')],
    ['Ivanov Ivan Ivanovich', parts('Ivanov', 'Ivan', 'Ivanovich')],
    // German-style transliteration, surname first (Makarowa Walentina Juriewna)
    ['Makarowa Walentina Juriewna', parts('Makarowa', 'Walentina', 'Juriewna')],
    ['Jakowlew Konstantin Olegowitsch', parts('Jakowlew', 'Konstantin', 'Olegowitsch')],
    ['SMIRNOWA Walentina', parts('Smirnowa', 'Walentina', null)],
    // Surnames that look like patronymics
    ['Карпович Иван Петрович', parts('Карпович', 'Иван', 'Петрович')],
    ['Иван Петрович Карпович', parts('Карпович', 'Иван', 'Петрович')],
    ['Бабич Иван Кузьмич', parts('Бабич', 'Иван', 'Кузьмич')],
    ['Иван Бабич', parts('Бабич', 'Иван', null)],
    // Casing
    ['ИВАНОВ ИВАН ИВАНОВИЧ', parts('Иванов', 'Иван', 'Иванович')],
    ['иванов иван иванович', parts('Иванов', 'Иван', 'Иванович')],
    ['ЩЁГОЛЕВ Пётр Семёнович', parts('Щёголев', 'Пётр', 'Семёнович')],
    // Initials
    ['Иванов И.И.', parts('Иванов', 'И.', 'И.')],
    ['И.И. Иванов', parts('Иванов', 'И.', 'И.')],
    ['И.И.Иванов', parts('Иванов', 'И.', 'И.')],
    ['Иванов И. И.', parts('Иванов', 'И.', 'И.')],
    ['иванов и.и.', parts('Иванов', 'И.', 'И.')],
    ['Petrov P.', parts('Petrov', 'P.', null)],
    ['John F. Kennedy', parts('Kennedy', 'John', 'F.')],
    // Western order, commas, particles, suffixes, titles
    ['Ivan Ivanov', parts('Ivanov', 'Ivan', null)],
    ['Ivanov, Ivan', parts('Ivanov', 'Ivan', null)],
    ['Иванов, Иван Иванович', parts('Иванов', 'Иван', 'Иванович')],
    ['Mary Ann Smith-Jones', parts('Smith-Jones', 'Mary', 'Ann')],
    ['Jean de la Fontaine', parts('de la Fontaine', 'Jean', null)],
    ['JEAN DE LA FONTAINE', parts('de la Fontaine', 'Jean', null)],
    ['Ludwig van Beethoven', parts('van Beethoven', 'Ludwig', null)],
    ['John Smith Jr.', parts('Smith Jr.', 'John', null)],
    ['Dr. John Smith', parts('Smith', 'John', null)],
    ['ИП Петров П.П.', parts('Петров', 'П.', 'П.')],
    ["patrick o'brien", parts("O'Brien", 'Patrick', null)],
    ['John McDonald', parts('McDonald', 'John', null)],
    // Two Cyrillic words: surname suffix decides, else surname first
    ['Иванов Иван', parts('Иванов', 'Иван', null)],
    ['Иван Иванов', parts('Иванов', 'Иван', null)],
    ['Константин Сидоров', parts('Сидоров', 'Константин', null)],
    ['Ким Анна', parts('Ким', 'Анна', null)],
    ['Анна Ким', parts('Анна', 'Ким', null)], // documented limitation: no suffix to go by
    // Single word
    ['Иванов', parts('Иванов', null, null)],
    ['Анна', parts(null, 'Анна', null)],
    ['Ivanova', parts('Ivanova', null, null)],
    ['Яков', parts(null, 'Яков', null)],
    // Noise
    ['Иванов Иван (менеджер)', parts('Иванов', 'Иван', null)],
    ['  Иванов   Иван  ', parts('Иванов', 'Иван', null)],
    ['—', parts(null, null, null)],
    ['', parts(null, null, null)],
  ])('%j', (full, expected) => {
    expect(splitFullName(full)).toEqual(expected);
  });
});

describe('normalizePersonName', () => {
  it.each([
    ['ИВАНОВ ИВАН ИВАНОВИЧ', 'Иванов Иван Иванович'],
    ['иванов иван', 'Иванов Иван'],
    ['ИВАНОВ Иван', 'Иванов Иван'],
    ['ёлкина алёна', 'Ёлкина Алёна'],
    ['римский-корсаков', 'Римский-Корсаков'],
    ["O'BRIEN", "O'Brien"],
    ['д’артаньян', 'Д’Артаньян'],
    ["мар'яна", "Мар'яна"],
    ['McDonald', 'McDonald'],
    ['DiCaprio', 'DiCaprio'],
    ['  jean   DE LA fontaine ', 'Jean de la Fontaine'],
    ['ГУСЕЙН ОГЛЫ', 'Гусейн оглы'],
    ['и.и. иванов', 'И.И. Иванов'],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(normalizePersonName(raw)).toBe(expected);
  });
});
