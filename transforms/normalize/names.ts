import { hasCyrillic } from './name-patterns.js';
import { tokenizeName, type NameToken as Token } from './name-tokens.js';
import { memoize } from './memo.js';
import { cleanText } from './text.js';

export { normalizePersonName } from './name-case.js';

export interface NameParts {
  last_name: string | null;
  first_name: string | null;
  middle_name: string | null;
}

const EMPTY: NameParts = { last_name: null, first_name: null, middle_name: null };

/**
 * Splits a full name into last/first/middle.
 *
 * Order rules, first that applies:
 * 1. "Last, First Middle" — a comma marks the surname.
 * 2. A patronymic (-ович/-евна/-ична/-ьич…, "… оглы"/"… кызы"): last position means Russian
 *    order "Иванов Иван Иванович"; otherwise "Иван Иванович Иванов". Two words with a
 *    patronymic ("Иван Иванович") give first + middle and no surname.
 * 3. Initials: "Иванов И.И." → surname first; "И.И. Иванов" → surname last.
 * 4. A word ending like a surname (-ов, -ский, -енко…) at one end and not the other.
 * 5. Otherwise by script: Cyrillic names are written surname first in Russian records
 *    ("Ким Анна"); Latin ones given-name first ("Mary Ann Smith-Jones" → first Mary, middle Ann,
 *    last Smith-Jones — a double given name cannot be told from a middle name).
 * Particles join the following word into the surname ("Jean de la Fontaine" → last
 * "de la Fontaine"). A single word is a surname if it ends like one, otherwise a given name.
 * Parenthesised notes and courtesy titles (Mr, Dr, г-н) are dropped. Parts are re-cased only
 * where they were ALL CAPS or all lower (see normalizePersonName).
 */
export function splitFullName(full: string): NameParts {
  // Names repeat across rows; a copy, so a caller editing the parts cannot poison the cache.
  return typeof full === 'string' ? { ...cachedSplit(full) } : splitUncached(full);
}

const cachedSplit = memoize(splitUncached);

function splitUncached(full: string): NameParts {
  const cleaned = cleanText(full?.replace(/\([^)]*\)/g, ' '));
  if (cleaned === null) return { ...EMPTY };
  const cyrillic = hasCyrillic(cleaned);

  const comma = cleaned.indexOf(',');
  if (comma > 0) {
    const last = tokenizeName(cleaned.slice(0, comma));
    const given = tokenizeName(cleaned.slice(comma + 1));
    if (last.length > 0 && given.length > 0) {
      return {
        last_name: join(last),
        first_name: given[0]?.text ?? null,
        middle_name: join(given.slice(1)),
      };
    }
  }
  return assign(tokenizeName(cleaned.replace(/,/g, ' ')), cyrillic);
}

function assign(t: Token[], cyrillic: boolean): NameParts {
  const n = t.length;
  const first = t[0];
  const lastTok = t[n - 1];
  if (first === undefined || lastTok === undefined) return { ...EMPTY };
  if (n === 1) {
    if (first.patronymic === 2) return { ...EMPTY, middle_name: first.text };
    if (first.surname && !first.initial) return { ...EMPTY, last_name: first.text };
    return { ...EMPTY, first_name: first.text };
  }

  const p = patronymicIndex(t);
  if (p === n - 1 && n === 2) return { last_name: null, first_name: first.text, middle_name: lastTok.text };
  if (p === n - 1) return parts(t[0], t.slice(1, p), t[p]);
  if (p > 0) return parts(join(t.slice(p + 1)), t.slice(0, p), t[p]);

  const rest = t.slice(1);
  if (!first.initial && rest.every((x) => x.initial)) return surnameFirst(t);
  if (!lastTok.initial && t.slice(0, -1).every((x) => x.initial)) return surnameLast(t);

  if (first.surname && !lastTok.surname) return surnameFirst(t);
  if (lastTok.surname && !first.surname) return surnameLast(t);
  return cyrillic ? surnameFirst(t) : surnameLast(t);
}

function surnameFirst(t: Token[]): NameParts {
  return { last_name: t[0]?.text ?? null, first_name: t[1]?.text ?? null, middle_name: join(t.slice(2)) };
}

function surnameLast(t: Token[]): NameParts {
  return {
    first_name: t[0]?.text ?? null,
    middle_name: join(t.slice(1, -1)),
    last_name: t[t.length - 1]?.text ?? null,
  };
}

function parts(
  last: Token | string | null | undefined,
  given: Token[],
  middle: Token | undefined,
): NameParts {
  return {
    last_name: typeof last === 'string' || last === null ? last : (last?.text ?? null),
    first_name: join(given),
    middle_name: middle?.text ?? null,
  };
}

/**
 * Index of the patronymic word, or -1. Never the first word (that is a surname such as
 * Карпович). When both the 2nd and 3rd of three words look like patronymics ("Иван Петрович
 * Карпович" vs "Карпович Иван Петрович"), a patronymic-looking first word means Russian order.
 */
function patronymicIndex(t: Token[]): number {
  // A bare "-ич" is only trusted with three or more words: "Иван Бабич" is a surname.
  const strengths = t.length >= 3 ? ([2, 1] as const) : ([2] as const);
  for (const strength of strengths) {
    const hits = t.map((x, i) => (i > 0 && x.patronymic === strength ? i : -1)).filter((i) => i > 0);
    if (hits.length === 0) continue;
    if (t.length === 3 && hits.length === 2) return (t[0]?.patronymic ?? 0) > 0 ? 2 : 1;
    return hits[hits.length - 1] ?? -1;
  }
  return -1;
}

function join(t: Token[]): string | null {
  return t.length === 0 ? null : t.map((x) => x.text).join(' ');
}
