import { describe, expect, it } from 'vitest';
import { latinSystemOf, readLatinSystems } from './translit-systems.js';
import { nameToLatin, phoneticKey } from './translit.js';

// Names as each system writes them, beside the Cyrillic: each must give the Cyrillic's key.
const BY_SYSTEM: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  german: [
    ['Щукин', 'Schtschukin'],
    ['Чернов', 'Tschernow'],
    ['Владимир', 'Wladimir'],
    ['Юрий', 'Jurij'],
    ['Женя', 'Shenja'],
    ['Женя', 'Schenja'],
    ['Фёдоров', 'Fjodorow'],
    ['Зайцев', 'Sajzew'],
    ['Козлов', 'Koslow'],
    ['Михайлов', 'Michajlow'],
    ['Наталья', 'Natalja'],
    ['Вячеслав', 'Wjatscheslaw'],
    ['Жуков', 'Schukow'],
    ['Саша', 'Sascha'],
    ['Хабаров', 'Chabarow'],
  ],
  french: [
    ['Чернов', 'Tchernov'],
    ['Шостакович', 'Chostakovitch'],
    ['Устинов', 'Oustinov'],
    ['Журов', 'Jourov'],
    ['Пушкин', 'Pouchkine'],
  ],
  'scholarly, typed without carons': [
    ['Кудрявцев', 'Kudrjavcev'],
    ['Юрий', 'Jurij'],
    ['Яценко', 'Jacenko'],
  ],
  icao: [
    ['Юрий', 'Iurii'],
    ['Ксения', 'Kseniia'],
    ['Юлия', 'Iuliia'],
    ['Щукин', 'Shchukin'],
    ['Хабаров', 'Khabarov'],
  ],
  iso9: [
    ['Щукин', 'Ščukin'],
    ['Щукин', 'Ŝukin'],
    ['Жуков', 'Žukov'],
    ['Чайковский', 'Čajkovskij'],
    ['Юрий', 'Ûrij'],
    ['Царёв', 'Carëv'],
    ['Хрущёв', 'Xruščëv'],
    ['Ян', 'Ân'],
    ['Подъячев', 'Podʺâčev'],
  ],
};

describe('readLatinSystems', () => {
  it.each(
    Object.entries(BY_SYSTEM).flatMap(([system, pairs]) => pairs.map(([ru, lat]) => [system, lat, ru])),
  )('%s: %s meets %s', (_system, latin, cyrillic) => {
    expect(phoneticKey(latin), `${latin} → ${nameToLatin(latin)}`).toBe(phoneticKey(cyrillic));
  });

  it('tells the system by letters only it writes', () => {
    expect(latinSystemOf('ščukin')?.name).toBe('iso9');
    expect(latinSystemOf('schtschukin')?.name).toBe('german');
    expect(latinSystemOf('jurij')?.name).toBe('german');
    expect(latinSystemOf('tchernov')?.name).toBe('french');
    expect(latinSystemOf('shchukin')).toBeNull(); // BGN / ICAO: left as it is
    expect(latinSystemOf('chernov')).toBeNull();
    expect(latinSystemOf('щукин')).toBeNull();
  });

  it('reads a letter by the system of its word: ch is х in German, ч otherwise', () => {
    expect(nameToLatin('Michajlow')).toBe('mikhaylov');
    expect(nameToLatin('Chernov')).toBe('chernov');
    expect(nameToLatin('Sajzew')).toBe('saytsev');
    expect(nameToLatin('Zaytsev')).toBe('zaytsev');
  });

  it('is idempotent, so a stored key read again gives itself', () => {
    for (const pairs of Object.values(BY_SYSTEM))
      for (const [, latin] of pairs) {
        const once = nameToLatin(latin);
        expect(nameToLatin(once)).toBe(once);
      }
  });

  it('leaves other scripts and unmarked Latin words alone', () => {
    expect(readLatinSystems('Иванов Ivanov Smith')).toBe('иванов ivanov smith');
  });

  it('keeps an English hard c in a word marked German by its j: Jessica still meets Jessika', () => {
    // English names carry the German marker (j before a vowel); only a c that English would not
    // read as k is the scholarly ц.
    expect(phoneticKey('Jessica')).toBe(phoneticKey('Jessika'));
    expect(phoneticKey('Jacob')).toBe(phoneticKey('Jakob'));
  });

  it('keeps different names apart', () => {
    expect(phoneticKey('Tschernow')).not.toBe(phoneticKey('Чернышёв'));
    expect(phoneticKey('Wladimir')).not.toBe(phoneticKey('Вадим'));
    expect(phoneticKey('Schukow')).not.toBe(phoneticKey('Щукин'));
  });
});
