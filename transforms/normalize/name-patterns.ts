import { wordSet, words } from './word-list.js';
/**
 * Word-shape heuristics used to order the parts of a full name. They are deliberately
 * conservative: when they cannot tell, the caller falls back to the script's usual order.
 */

// Strong patronymic endings: Иванович, Сергеевич, Ильич, Ивановна, Сергеевна, Никитична,
// Ильинична, and their common Latin transliterations — the German-style ones too (Olegowitsch,
// Juriewna: passports and old exports), and -ovitch (French style).
const STRONG_PATRONYMIC = /(?:ович|евич|ёвич|ьич|овна|евна|ёвна|ична)$/u;
const STRONG_PATRONYMIC_LATIN =
  /(?:ovich|evich|yevich|ovitch|evitch|owitsch|ewitsch|owich|ewich|ovna|evna|yevna|owna|ewna|ichna|itschna)$/i;
// Turkic patronymics written as one word: "Гусейн-оглы".
const TURKIC_PATRONYMIC = /-(?:оглы|оглу|улы|уулу|кызы|гызы|ogly|oglu|uly|kyzy|gyzy)$/iu;
// Кузьмич, Лукич, Фомич end in a bare "-ич", but so do surnames (Бабич, Рудич): weak evidence.
const WEAK_PATRONYMIC = /ич$/u;

/** 2 = certainly a patronymic shape, 1 = could be, 0 = not. */
export function patronymicStrength(token: string): 0 | 1 | 2 {
  const t = token.toLowerCase();
  if (t.length < 5) return 0; // shortest real patronymics ("Ильич", "Лукич") have 5 letters
  if (STRONG_PATRONYMIC.test(t) || STRONG_PATRONYMIC_LATIN.test(t) || TURKIC_PATRONYMIC.test(t)) return 2;
  return WEAK_PATRONYMIC.test(t) ? 1 : 0;
}

// Typical East-Slavic, Ukrainian, Georgian and Armenian surname endings (Cyrillic and Latin).
// "-ич" (Бабич, Карпович) only matters where patronymics were already ruled out.
const SURNAME_SUFFIXES = words(`
  ов ев ёв ин ын ский цкий ской цкой ова ева ёва ына ская цкая ых их енко ук юк швили дзе ян янц
  ич ov ev ova eva sky ski skiy skii skaya enko yan shvili dze ow ew owa ewa skij skaja zkij zkaja
`);
// A suffix only counts with a real stem before it: "Лев", "Яков", "Ева" are given names.
const MIN_STEM = 3;
// Common given names that happen to end like surnames.
const GIVEN_NAMES_LIKE_SURNAMES: ReadonlySet<string> = wordSet(`
  константин валентин вениамин мартин антонин яков konstantin valentin veniamin yakov iakov
`);

/** Whether a token ends like a surname (used only to break ties in ordering). */
export function looksLikeSurname(token: string): boolean {
  const t = token.toLowerCase();
  if (GIVEN_NAMES_LIKE_SURNAMES.has(t)) return false;
  return SURNAME_SUFFIXES.some((suffix) => t.endsWith(suffix) && t.length - suffix.length >= MIN_STEM);
}

/** "И." or a lone letter "И". */
export function isInitial(token: string): boolean {
  return /^\p{L}\.?$/u.test(token);
}

export function hasCyrillic(s: string): boolean {
  return /\p{Script=Cyrillic}/u.test(s);
}

// Courtesy titles dropped from the front of a name (compared lower case, without dots); also
// "ИП" (sole trader), which CRM exports often put before the owner's name.
export const HONORIFICS: ReadonlySet<string> = wordSet(`
  mr mrs ms miss mx dr prof sir madam г-н г-жа гн гжа господин госпожа ип
`);

// Generational suffixes kept attached to the surname ("Smith Jr.").
export const GENERATIONAL: ReadonlySet<string> = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);
