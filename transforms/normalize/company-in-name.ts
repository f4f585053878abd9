import { normalizeCompanyName } from './company.js';
import { RUSSIAN_PHRASES } from './legal-forms.js';
import { cleanText } from './text.js';

/**
 * Legal forms that no person's name word is spelled like: recognised in any case. Russia, then
 * Kazakhstan (ТОО), Belarus (ОДО, ЧУП), then international forms.
 */
const STRONG = new Set(
  `ооо оао зао пао нао одо тоо фгуп фгбу гуп муп ано нко пбоюл чуп ooo oao zao pao
   llc l.l.c inc incorporated ltd limited gmbh plc llp corp corporation sarl s.a.r.l pty pte b.v s.r.l s.p.a`
    .split(/\s+/)
    .filter(Boolean),
);
/**
 * Short forms that could be a name word in lower or title case (the Korean surname Ао, a given
 * name Sa): a legal form only when written in capitals, as legal forms are.
 */
const CAPITALS_ONLY = new Set(['АО', 'ИП', 'AO', 'IP', 'AG', 'SA', 'BV', 'NV', 'KG', 'CO']);
/** Forms of a person trading under their own name: the rest of the value is that person. */
const SOLE_TRADER = new Set(['ип', 'ip', 'пбоюл', 'индивидуальный предприниматель']);
/** Spelled-out Russian legal forms (legal-forms.ts), each opening a company's name. */
const PHRASES = RUSSIAN_PHRASES;

export interface CompanyInName {
  /** The value as a company name (normalizeCompanyName: wrapping quotes dropped). */
  company: string;
  /** For a sole trader (ИП Иванов Иван), the person; else null. */
  person: string | null;
}

const QUOTES = /[«»"“”„'‘’‹›]/g;
/** The first words of PHRASES: most names are ruled out by this one test. */
const PHRASE_START = new RegExp(`^(?:${[...new Set(PHRASES.map((p) => p.split(' ')[0]!))].join('|')})`);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const FORMS = [...STRONG, ...[...CAPITALS_ONLY].map((f) => f.toLowerCase())].map(escape).join('|');
/** A legal form opening or closing the value, or a phrase's first word opening it: worth a closer look. */
const QUICK = new RegExp(
  `^[«"“„']*(?:${FORMS}|${PHRASE_START.source.slice(4, -1)})(?=[\\s.,«"“„']|$)|[\\s,»"”'](?:${FORMS})\\.?[»"”']*$`,
  'iu',
);
/** A word as compared: quotes and trailing dots and commas off ("Inc.," → "inc"). */
const bare = (w: string): string => w.replace(QUOTES, '').replace(/[.,;]+$/u, '');

/**
 * A company written where a person's name belongs — "ООО «Ромашка»", "Romashka LLC",
 * "ИП Иванов Иван Иванович", "Acme, Inc." in a name column — or null for a person's name. The
 * legal form must open or close the value (or open it as a spelled-out phrase); two-letter forms
 * count only in capitals ("Ким Ао" stays a person).
 */
export function companyInName(value: string): CompanyInName | null {
  // One test rules out almost every person's name; names are mostly unique, so no cache.
  return typeof value === 'string' && QUICK.test(value.trim()) ? detect(value) : null;
}

function detect(value: string): CompanyInName | null {
  const text = cleanText(value);
  if (text === null) return null;
  const lower = text.toLowerCase();
  if (PHRASE_START.test(lower))
    for (const phrase of PHRASES) {
      if (
        lower.startsWith(phrase) &&
        (lower.length === phrase.length || /[\s«"“„]/u.test(lower[phrase.length]!))
      )
        return found(text, phrase, text.slice(phrase.length));
    }
  const words = text.split(' ').filter((w) => bare(w) !== '');
  if (words.length < 2) return null; // a form alone names no company
  const isForm = (w: string) => STRONG.has(bare(w).toLowerCase()) || CAPITALS_ONLY.has(bare(w));
  const first = words[0]!;
  const last = words[words.length - 1]!;
  if (isForm(first)) return found(text, bare(first).toLowerCase(), words.slice(1).join(' '));
  if (isForm(last)) return found(text, bare(last).toLowerCase(), words.slice(0, -1).join(' '));
  return null;
}

function found(text: string, form: string, rest: string): CompanyInName {
  const person = SOLE_TRADER.has(form)
    ? cleanText(rest.replace(QUOTES, ' ').replace(/^[\s,]+|[\s,]+$/g, ''))
    : null;
  return { company: normalizeCompanyName(text), person };
}
