/**
 * Text mutations for the synthetic generator: transliteration in the six systems Russian names
 * are found written in (so the matcher's own scheme is not the only one), typos, case noise.
 */

// Per Cyrillic letter: [BGN-like, passport (ICAO), German/loose]. Deliberately different
// from transforms/normalize/translit.ts so the benchmark tests meeting across schemes.
const SCHEMES: Readonly<Record<string, readonly [string, string, string]>> = {
  а: ['a', 'a', 'a'],
  б: ['b', 'b', 'b'],
  в: ['v', 'v', 'w'],
  г: ['g', 'g', 'g'],
  д: ['d', 'd', 'd'],
  е: ['e', 'e', 'e'],
  ё: ['yo', 'e', 'jo'],
  ж: ['zh', 'zh', 'sch'],
  з: ['z', 'z', 's'],
  и: ['i', 'i', 'i'],
  й: ['y', 'i', 'j'],
  к: ['k', 'k', 'k'],
  л: ['l', 'l', 'l'],
  м: ['m', 'm', 'm'],
  н: ['n', 'n', 'n'],
  о: ['o', 'o', 'o'],
  п: ['p', 'p', 'p'],
  р: ['r', 'r', 'r'],
  с: ['s', 's', 's'],
  т: ['t', 't', 't'],
  у: ['u', 'u', 'u'],
  ф: ['f', 'f', 'f'],
  х: ['kh', 'kh', 'ch'],
  ц: ['ts', 'ts', 'z'],
  ч: ['ch', 'ch', 'tsch'],
  ш: ['sh', 'sh', 'sch'],
  щ: ['shch', 'shch', 'schtsch'],
  ъ: ['', 'ie', ''],
  ы: ['y', 'y', 'y'],
  ь: ['', '', ''],
  э: ['e', 'e', 'e'],
  ю: ['yu', 'iu', 'ju'],
  я: ['ya', 'ia', 'ja'],
};

// Per Cyrillic letter: [French, ISO 9, scholarly] — the other systems a Russian company's data
// holds: French-style names from older documents (Tchernov, Chostakovitch), and ISO 9 / the
// scholarly system (Ščukin, Jurij) typed by people who know them. Written from the published
// tables for the generator, not from transforms/normalize/translit-systems.ts.
const MORE_SCHEMES: Readonly<Record<string, readonly [string, string, string]>> = {
  а: ['a', 'a', 'a'],
  б: ['b', 'b', 'b'],
  в: ['v', 'v', 'v'],
  г: ['g', 'g', 'g'],
  д: ['d', 'd', 'd'],
  е: ['e', 'e', 'e'],
  ё: ['io', 'ë', 'ë'],
  ж: ['j', 'ž', 'ž'],
  з: ['z', 'z', 'z'],
  и: ['i', 'i', 'i'],
  й: ['ï', 'j', 'j'],
  к: ['k', 'k', 'k'],
  л: ['l', 'l', 'l'],
  м: ['m', 'm', 'm'],
  н: ['n', 'n', 'n'],
  о: ['o', 'o', 'o'],
  п: ['p', 'p', 'p'],
  р: ['r', 'r', 'r'],
  с: ['s', 's', 's'],
  т: ['t', 't', 't'],
  у: ['ou', 'u', 'u'],
  ф: ['f', 'f', 'f'],
  х: ['kh', 'h', 'x'],
  ц: ['ts', 'c', 'c'],
  ч: ['tch', 'č', 'č'],
  ш: ['ch', 'š', 'š'],
  щ: ['chtch', 'ŝ', 'šč'],
  ъ: ['', 'ʺ', 'ʺ'],
  ы: ['y', 'y', 'y'],
  ь: ['', 'ʹ', 'ʹ'],
  э: ['e', 'è', 'è'],
  ю: ['iou', 'û', 'ju'],
  я: ['ia', 'â', 'ja'],
};

/** The transliteration systems by scheme number, as `transliterate` takes them. */
export const TRANSLIT_SYSTEMS = ['bgn', 'icao', 'german', 'french', 'iso9', 'scholarly'] as const;
export type TranslitSystem = (typeof TRANSLIT_SYSTEMS)[number];

/** Cyrillic name → Latin in scheme 0–5 (TRANSLIT_SYSTEMS), keeping the capital letter. */
export function transliterate(s: string, scheme: number): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const t = scheme < 3 ? SCHEMES[lower] : MORE_SCHEMES[lower];
    if (t === undefined) {
      out += ch;
      continue;
    }
    const latin = (scheme < 3 ? t[scheme] : t[scheme - 3]) ?? t[0];
    out += ch !== lower && latin.length > 0 ? latin[0]!.toUpperCase() + latin.slice(1) : latin;
  }
  return out;
}

const RU_LETTERS = 'абвгдеёжзийклмнопрстуфхцчшщыэюя';
const EN_LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** One random edit: substitute, delete, insert, or swap two neighbours. */
export function typo(s: string, rand: () => number): string {
  if (s.length < 3) return s;
  const letters = /[а-яё]/i.test(s) ? RU_LETTERS : EN_LETTERS;
  const pos = 1 + Math.floor(rand() * (s.length - 2)); // people rarely mistype the first letter
  const letter = letters[Math.floor(rand() * letters.length)]!;
  const op = rand();
  if (op < 0.35) return s.slice(0, pos) + letter + s.slice(pos + 1);
  if (op < 0.6) return s.slice(0, pos) + s.slice(pos + 1);
  if (op < 0.8) return s.slice(0, pos) + letter + s.slice(pos);
  return s.slice(0, pos - 1) + s[pos] + s[pos - 1] + s.slice(pos + 1);
}

/** Typo in a digit string: one digit changed or two neighbours swapped. */
export function digitTypo(s: string, rand: () => number): string {
  const pos = Math.floor(rand() * (s.length - 1));
  if (rand() < 0.5) return s.slice(0, pos) + s[pos + 1] + s[pos] + s.slice(pos + 2);
  return s.slice(0, pos) + String(Math.floor(rand() * 10)) + s.slice(pos + 1);
}

/** ALL CAPS, all lower, or as is. */
export function caseNoise(s: string, rand: () => number): string {
  const r = rand();
  if (r < 0.08) return s.toUpperCase();
  if (r < 0.14) return s.toLowerCase();
  return s;
}

/** Russian feminine form of a masculine surname. */
export function feminine(surname: string): string {
  if (surname.endsWith('ский')) return `${surname.slice(0, -2)}ая`;
  if (/(ов|ев|ин|ёв)$/.test(surname)) return `${surname}а`;
  return surname;
}

/** Patronymic from a father's given name (Иван → Иванович / Ивановна). */
export function patronymic(father: string, female: boolean): string {
  if (/[йь]$/.test(father)) return father.slice(0, -1) + (female ? 'евна' : 'евич');
  if (/[ая]$/.test(father)) return father.slice(0, -1) + (female ? 'ична' : 'ич');
  return father + (female ? 'овна' : 'ович');
}

/** Valid INN: 10 digits (organisation) or 12 (person), check digits per the official weights. */
export function makeInn(rand: () => number, length: 10 | 12): string {
  const d = Array.from({ length: length - (length === 10 ? 1 : 2) }, () => Math.floor(rand() * 10));
  d[0] = 1 + Math.floor(rand() * 9);
  const check = (weights: number[]): number => (weights.reduce((s, w, i) => s + w * d[i]!, 0) % 11) % 10;
  if (length === 10) d.push(check([2, 4, 10, 3, 5, 9, 4, 6, 8]));
  else {
    d.push(check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]));
    d.push(check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]));
  }
  return d.join('');
}
