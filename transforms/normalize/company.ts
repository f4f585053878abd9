import { DISPLAY_LEGAL_FORM, LEGAL_FORM_WORDS } from './legal-forms.js';
import { memoize } from './memo.js';
import { cleanText } from './text.js';
import { toLatin } from './translit.js';

const OPEN_QUOTES = '«"“„\'‘‹';
const CLOSE_QUOTES = '»"”“\'’›';
const ANY_QUOTE = /[«»"“”„'‘’‹›]/g;

/**
 * Display form of a company name: spaces collapsed, CSV-doubled quotes undone, and the quotes
 * wrapped around the name dropped — around the whole value or around the name part beside a
 * legal form ("ООО «Ромашка»" → "ООО Ромашка", "«Ромашка», ООО" → "Ромашка, ООО"), so the same
 * company written with «», "" or „“ displays one way. Quotes inside the name are kept
 * ("ООО «Фирма „Ромашка“»" → "ООО Фирма „Ромашка“"). The legal form stays where it was.
 */
export function normalizeCompanyName(s: string): string {
  return typeof s === 'string' ? cachedCompanyName(s) : companyNameUncached(s);
}

// Company names repeat across rows (and the function is pure), so a bounded cache pays.
const cachedCompanyName = memoize(companyNameUncached);

function companyNameUncached(s: string): string {
  let name = cleanText(s);
  if (name === null) return '';
  name = name.replace(/""([^"]+)""/g, '"$1"'); // quotes doubled by a CSV export gone wrong
  name = stripWrappingQuotes(name);

  // Legal form first: "ООО «Ромашка»", "Общество с ограниченной ответственностью «Ромашка»".
  // Longest candidate first; the longest spelled-out form has six words.
  const words = name.split(' ');
  for (let n = Math.min(words.length - 1, 6); n >= 1; n--) {
    const form = words.slice(0, n).join(' ');
    if (DISPLAY_LEGAL_FORM.test(form)) return `${form} ${stripWrappingQuotes(words.slice(n).join(' '))}`;
  }
  // Legal form last: "«Ромашка» ООО", "Ромашка, ООО", "Romashka LLC"
  const tail = /^(.*?)(,?\s+)(\S+)$/u.exec(name);
  if (tail && DISPLAY_LEGAL_FORM.test(tail[3] ?? '')) {
    return `${stripWrappingQuotes(tail[1] ?? '')}${tail[2]}${tail[3]}`;
  }
  return name;
}

/** Removes quote pairs around the whole string, repeatedly ("«"Ромашка"»" → "Ромашка"). */
function stripWrappingQuotes(s: string): string {
  let out = s.trim();
  for (;;) {
    const open = OPEN_QUOTES.indexOf(out[0] ?? '');
    const last = out[out.length - 1] ?? '';
    if (out.length < 2 || open < 0 || !CLOSE_QUOTES.includes(last)) return out;
    const inner = out.slice(1, -1).trim();
    // Don't strip "«Рога» и «Копыта»": the first quote closes before the end.
    if (!balanced(inner)) return out;
    out = inner;
  }
}

/**
 * Whether quotes inside `s` pair up on their own, i.e. the outer pair really wrapped all of it.
 * «» nest; a straight quote glued to the end of a word closes one, so `Рога" и "Копыта` (from
 * `"Рога" и "Копыта"`) is not balanced. „“ and “” are left to themselves: “ opens and closes.
 */
function balanced(s: string): boolean {
  let depth = 0;
  let straightOpen = false;
  let prev = '';
  for (const ch of s) {
    if (ch === '«') depth++;
    if (ch === '»' && --depth < 0) return false;
    if (ch === '"') {
      if (!straightOpen && /[\p{L}\p{N}]/u.test(prev)) return false;
      straightOpen = !straightOpen;
    }
    prev = ch;
  }
  return depth === 0 && !straightOpen;
}

/**
 * Matching key for a company: quotes, punctuation and legal forms dropped, folded and
 * transliterated so "ООО «Ромашка»", "Romashka LLC" and "ОБЩЕСТВО С ОГРАНИЧЕННОЙ
 * ОТВЕТСТВЕННОСТЬЮ РОМАШКА" all give "romashka". A name that is nothing but a legal form gives ''.
 */
export function companyMatchKey(s: string): string {
  const latin = toLatin((s ?? '').replace(ANY_QUOTE, ' '));
  // Applied twice: after removing "ooo" from "ooo ao x", the neighbour is a whole word again.
  const stripped = latin.replace(LEGAL_FORM_WORDS, ' ').replace(LEGAL_FORM_WORDS, ' ');
  return stripped.replace(/\s+/g, ' ').trim();
}
