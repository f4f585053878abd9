/**
 * Keys for matching, never for display: so that "Иванов", "IVANOV" and "Ivanoff" can meet.
 * foldForMatch keeps the script; toLatin moves Cyrillic to Latin; phoneticKey is coarse on
 * purpose (blocking candidates, not deciding matches).
 */

import { readLatinSystems } from './translit-systems.js';

// Letters with no canonical decomposition that people nonetheless type as plain Latin.
// prettier-ignore
const NO_DECOMPOSITION: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h',
};
const APOSTROPHES = /['\u2019\u02bc`\u00b4]/g;

/**
 * Lower case, compatibility forms (full-width, ligatures) and diacritics removed (so ё → е,
 * é → e), apostrophes dropped (O'Brien ↔ OBrien), other punctuation → space, spaces collapsed.
 * "й" is kept: it is a letter of its own, and folding it to "и" would make toLatin lose it.
 */
export function foldForMatch(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC').toLowerCase()) {
    if (ch === 'й') {
      out += ch;
      continue;
    }
    const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    out += NO_DECOMPOSITION[base] ?? base;
  }
  return out
    .replace(APOSTROPHES, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Our own matching-oriented scheme: close to the everyday passport/BGN spellings people use
// (kh, zh, ts, shch, yu, ya; soft/hard signs dropped), plus Ukrainian, Belarusian and Kazakh
// letters so names from those countries transliterate too. ё never reaches this table (folded).
// prettier-ignore
const CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k',
  л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh',
  ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Ukrainian (ї arrives folded to і)
  є: 'ye', і: 'i', ґ: 'g',
  // Kazakh
  ә: 'a', ғ: 'g', қ: 'k', ң: 'n', ө: 'o', ұ: 'u', ү: 'u', һ: 'h',
  // Serbian / Macedonian
  ђ: 'dj', ј: 'j', љ: 'lj', њ: 'nj', ћ: 'c', џ: 'dz', ѕ: 'dz',
};

function latinWord(word: string): string {
  // "Красный" → "krasny", not "krasnyy": the spelling people actually write.
  const w = word.endsWith('ый') ? `${word.slice(0, -2)}y` : word;
  let out = '';
  for (const ch of w) out += CYRILLIC_TO_LATIN[ch] ?? ch;
  return out;
}

/**
 * Cyrillic → Latin after foldForMatch: "Щёголев Юрий" → "shchegolev yuriy", "Хрущёв" →
 * "khrushchev". Latin and other scripts pass through folded.
 */
export function toLatin(s: string): string {
  return foldForMatch(s).split(' ').map(latinWord).join(' ');
}

/**
 * toLatin for a person's name: Latin words written in another system (German, French, ISO 9 /
 * scholarly; translit-systems.ts) are first read into the everyday spelling, so "Schtschukin",
 * "Ščukin" and "Щукин" give "shchukin". Idempotent, as toLatin is.
 */
export function nameToLatin(s: string): string {
  return toLatin(readLatinSystems(s));
}

// Ordered rewrites on a Latin word. Order matters: multi-letter clusters before single letters.
const PHONETIC_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/tsch/g, 'ch'], // German Tschaikowsky
  [/shch/g, 'sh'], // Щ: shch / sch / sh all meet
  [/sch/g, 'sh'],
  [/tch/g, 'ch'], // French Tchaikovsky
  [/kh/g, 'h'], // Khabarov / Habarov
  [/ph/g, 'f'],
  [/ck/g, 'k'],
  [/x/g, 'ks'], // Alexey / Aleksey
  [/q/g, 'k'],
  [/w/g, 'v'], // Ivanow / Ivanov
  [/c(?=[eiy])/g, 's'],
  [/c(?!h)/g, 'k'], // Victor / Viktor; keep "ch"
  [/tz/g, 'ts'],
  // ж and ш, з and с meet: German writes both ж and ш as "sch", both з and с as "s" (Schenja for
  // Женя, Koslow for Козлов), and no other letter tells those words apart.
  [/zh/g, 'sh'],
  [/z/g, 's'],
  [/ye/g, 'e'], // Yelena / Elena, Andreyev / Andreev
  [/(?<=.)yo/g, 'e'], // Pyotr / Petr, Fyodor / Fedor (ё written as yo)
  [/[yj]/g, 'i'], // Yuriy / Iurii / Jurij / Yury
  [/(.)\1+/g, '$1'], // double letters: Anna / Ana, Dmitrii / Dmitri
  [/of$/, 'ov'], // Smirnoff (after doubles collapsed) / Smirnov
  [/(?<=[^aeiou])er$/, 'r'], // Alexander / Aleksandr, Peter / Petr
  [/ef$/, 'ev'],
];

/**
 * Coarse key that survives common spelling variants of the same name, for blocking candidate
 * pairs: "Юрий Хрущёв", "Yury Khrushchev" and "Iurii Khrushchev" all give "iuri hrushev".
 * German, French and ISO 9 spellings meet them too ("Schtschukin", "Ščukin"; nameToLatin),
 * except where a word carries no mark of its system ("Michail" reads as English ch). Words keep
 * their order.
 */
export function phoneticKey(s: string): string {
  return nameToLatin(s)
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => PHONETIC_RULES.reduce((acc, [re, to]) => acc.replace(re, to), w))
    .join(' ');
}
