import { toLatin } from '../../normalize/index.js';

/**
 * City match key: the Latin form of a place name (toLatin), without the settlement-type word in
 * front ("г. Москва", "город Тула", "city of Kazan"), and with the English exonyms and everyday
 * abbreviations of large Russian cities read as the city's own transliterated name.
 *
 * Transliteration alone makes "Москва" and "Moskva" one value, but "Moscow" stays a different
 * word (Jaro–Winkler 0.67: a *disagreeing* city), as do "СПб" and "Питер" against
 * "Санкт-Петербург". A disagreeing city counts against a link and refuses a link resting on names
 * alone, so a table of the spellings clerks actually type is needed, as for given names
 * (nicknames.ts). Only names that mean one city in Russian usage are listed: "Ростов" is
 * Rostov-on-Don in everyday speech, "Новгород" is not Nizhny Novgorod, so it is not listed.
 */
const SETTLEMENT_WORDS = /^(?:g|gor|gorod|pos|poselok|s|selo|city of|city) /;

/** Key (toLatin of the Russian name) and the other spellings, each as toLatin writes it. */
const ALIASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['moskva', ['moscow', 'msk', 'moskou', 'moskau']],
  ['sankt peterburg', ['saint petersburg', 'st petersburg', 'st peterburg', 'spb', 'piter', 'peterburg']],
  ['nizhniy novgorod', ['nizhny novgorod', 'nizhnii novgorod', 'n novgorod', 'nizh novgorod']],
  ['rostov na donu', ['rostov on don', 'rostov']],
  ['ekaterinburg', ['yekaterinburg', 'ekb', 'jekaterinburg']],
  ['nizhniy tagil', ['nizhny tagil']],
  ['kiev', ['kyiv', 'kiiv']],
  ['arkhangelsk', ['archangelsk', 'arhangelsk', 'archangel']],
  ['velikiy novgorod', ['veliky novgorod', 'v novgorod']],
];

const BY_SPELLING = new Map<string, string>();
for (const [city, spellings] of ALIASES) {
  BY_SPELLING.set(city, city);
  for (const s of spellings) BY_SPELLING.set(s, city);
}

export function cityKey(raw: string): string | null {
  let v = toLatin(raw).trim();
  if (v === '') return null;
  const bare = v.replace(SETTLEMENT_WORDS, '');
  if (bare !== '') v = bare;
  return BY_SPELLING.get(v) ?? v;
}
