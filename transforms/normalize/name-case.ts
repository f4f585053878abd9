import { wordSet } from './word-list.js';
import { cleanText } from './text.js';
import { memoize } from './memo.js';

/**
 * Display casing for personal names. Only tokens typed in ALL CAPS or all lower case are
 * re-cased: mixed case ("McDonald", "DiCaprio", "van der Berg") is what the person wrote, and
 * guessing Mc/Mac rules would break as many names as it fixes.
 */

// Name particles stay lower case when we re-case them (not as the first word: "De Niro").
export const NAME_PARTICLES: ReadonlySet<string> = wordSet(`
  de del della der den di da dos das du la le van von ter ten zu bin ibn
`);

// Turkic patronymic markers: "Гусейн оглы", "Айгуль кызы" — written lower case by convention.
export const PATRONYMIC_MARKERS: ReadonlySet<string> = wordSet(`
  оглы оглу улы уулу кызы гызы ogly oglu uly kyzy gyzy
`);

const APOSTROPHES = "'\u2019\u02bc";

function hasLower(s: string): boolean {
  return s !== s.toUpperCase();
}

function hasUpper(s: string): boolean {
  return s !== s.toLowerCase();
}

/** True when a token is entirely upper or entirely lower case (and has letters at all). */
export function isUniformCase(token: string): boolean {
  if (!/\p{L}/u.test(token)) return false;
  return !hasLower(token) || !hasUpper(token);
}

/**
 * "иванов-петров" → "Иванов-Петров", "o'brien" → "O'Brien", "и.и." → "И.И.". After an
 * apostrophe we capitalize only when one letter precedes it (O'Brien, D'Arcy), not in Ukrainian
 * names that use an apostrophe mid-word (Мар'яна).
 */
export function titleCaseToken(token: string): string {
  const lower = token.toLowerCase();
  let out = '';
  let segmentLength = 0; // letters since the last separator
  let capitalizeNext = true;
  for (const ch of lower) {
    const isLetter = /\p{L}/u.test(ch);
    if (isLetter) {
      out += capitalizeNext ? ch.toUpperCase() : ch;
      capitalizeNext = false;
      segmentLength++;
      continue;
    }
    out += ch;
    if (ch === '-' || ch === '.') capitalizeNext = true;
    else if (APOSTROPHES.includes(ch)) capitalizeNext = segmentLength === 1;
    segmentLength = 0;
  }
  return out;
}

/** Re-cases one token if it was uniformly cased; `position` 0 is the first word of the name. */
export function fixNameTokenCase(token: string, position: number): string {
  if (!isUniformCase(token)) return token;
  const lower = token.toLowerCase();
  if (PATRONYMIC_MARKERS.has(lower)) return lower;
  if (position > 0 && NAME_PARTICLES.has(lower)) return lower;
  return titleCaseToken(token);
}

/**
 * Display form of a personal name: cleaned spaces, casing fixed for ALL CAPS / all lower
 * tokens (Cyrillic included), hyphens and apostrophes kept. Empty input → ''.
 */
export function normalizePersonName(s: string): string {
  return typeof s === 'string' ? cachedPersonName(s) : personNameUncached(s);
}

// Names repeat across rows (and the function is pure), so a bounded cache saves re-casing.
const cachedPersonName = memoize(personNameUncached);

function personNameUncached(s: string): string {
  const cleaned = cleanText(s);
  if (cleaned === null) return '';
  return cleaned
    .split(' ')
    .map((token, i) => fixNameTokenCase(token, i))
    .join(' ');
}
