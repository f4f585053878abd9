/**
 * Reading a Russian name written in Latin letters by a system other than the everyday
 * passport/BGN one, back into that one — so "Schtschukin", "Ščukin" and "Shchukin" give one key.
 * Real CRM data from Russian companies mixes them: old German-style spellings (Wladimir, Jurij,
 * Tschernow), French-style ones (Tchernov, Chostakovitch), ISO 9 and the scholarly system
 * (Ščukin, Žukov, Čajkovskij) typed by people who know them.
 *
 * A word's system is read from letters only that system writes, checked in this order:
 * - ISO 9 / scholarly: the letters with a caron or circumflex (š č ž ŝ ë û â) and the primes;
 * - French: ou, or tch (Tchernov, Oustinov, Jourov) — German writes у as u;
 * - German: sch, tsch, w, or j before a vowel or at the end (Jurij, Natalja).
 * A word with none of them is left as it is (English, BGN, ICAO and plain ASCII scholarly forms
 * already meet in phoneticKey). A system's letters that mean something else in the everyday one
 * are rewritten only inside a word of that system: "ch" is х in "Michajlow" (German) but ч in
 * "Chernov"; "z" is ц in "Sajzew" (German) but з in "Zaytsev". An English word that happens to
 * carry a marker (Walker, Young) is rewritten too, but the same way every time, so it still meets
 * itself; only keys change, never what is displayed.
 */

/** One system: what marks a word as written in it, and its ordered rewrites to BGN-like Latin. */
export interface LatinSystem {
  name: 'iso9' | 'german' | 'french';
  marker: RegExp;
  /** Applied in order to the lowercased word; multi-letter clusters before their parts. */
  rewrites: ReadonlyArray<readonly [RegExp, string]>;
}

// Placeholders for clusters already read, so a later rule does not read them again
// (German "tsch" is ч, and its "ch" must not then be read as х). Private-use characters.
const CH = '\uE000';
const SH = '\uE001';
const SHCH = '\uE002';

// prettier-ignore
export const LATIN_SYSTEMS: readonly LatinSystem[] = [
  {
    // ISO 9 (ŝ, û, â, h for х, c for ц) and the scholarly system (šč, ju, ja, x for х, c for ц).
    name: 'iso9',
    marker: /[šŝčžëûâǎʹʺ]/,
    rewrites: [
      [/šč|ŝ/g, SHCH], [/š/g, 'sh'], [/č/g, CH], [/ž/g, 'zh'], [/ë/g, 'yo'], [/û/g, 'yu'],
      [/â|ǎ/g, 'ya'], [/[ʹʺ]/g, ''], [/c/g, 'ts'], [/x/g, 'kh'], [/j/g, 'y'], [new RegExp(CH, 'g'), 'ch'],
      [new RegExp(SHCH, 'g'), 'shch'],
    ],
  },
  {
    // French: ou у, tch ч, ch ш, j ж, dj дж, gu г; a mute e after a final -in (Pouchkine).
    name: 'french',
    marker: /ou|tch/,
    rewrites: [
      [/tch/g, CH], [/ch/g, SH], [/dj/g, 'dzh'], [/j/g, 'zh'], [/ou/g, 'u'], [/gu(?=[eiy])/g, 'g'],
      [/ine$/, 'in'],      [new RegExp(CH, 'g'), 'ch'], [new RegExp(SH, 'g'), 'sh'],
    ],
  },
  {
    // Duden-style German: schtsch щ, tsch ч, sch ш (and ж), ch х, z ц, s з, w в, j й (ja я, ju ю).
    name: 'german',
    marker: /sch|w|j[aeiou]|j$/,
    rewrites: [
      [/schtsch/g, 'shch'], [/tsch/g, CH], [/sch/g, SH], [/ch/g, 'kh'],
      // German writes no lone c (only ck, ch): in a word marked German by its j it is the
      // scholarly system typed without carons (Kudrjavcev, Jacenko), where c is ц — but only
      // where English would not read it as k: English names carry the j mark too, and
      // Jessica, Jacob must still meet Jessika, Jakob.
      [/c(?=[eiy]|$)/g, 'ts'], [/z/g, 'ts'], [/w/g, 'v'],
      [/j/g, 'y'], [new RegExp(CH, 'g'), 'ch'], [new RegExp(SH, 'g'), 'sh'],
    ],
  },
];

/** The system a lowercased Latin word is written in, or null for the everyday one. */
export function latinSystemOf(word: string): LatinSystem | null {
  if (/[а-яё]/.test(word)) return null;
  return LATIN_SYSTEMS.find((s) => s.marker.test(word)) ?? null;
}

/**
 * Each Latin word of a name in BGN-like Latin, read by the system it is written in; words of
 * other scripts, and Latin words of no marked system, unchanged. Call before diacritics are
 * folded: the carons are what marks ISO 9. Lowercases; idempotent (its output has no marker).
 */
export function readLatinSystems(s: string): string {
  return s
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\p{L}ʹʺ]+/gu, (word) => {
      // Read until no system is left: a word carrying two systems' marks (French "ou" and a
      // German "w") is read by both, so that reading the output again changes nothing.
      for (let pass = 0; pass < LATIN_SYSTEMS.length; pass++) {
        const system = latinSystemOf(word);
        if (!system) break;
        word = system.rewrites.reduce((acc, [re, to]) => acc.replace(re, to), word);
      }
      return word;
    });
}
