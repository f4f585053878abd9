import { toLatin } from './translit.js';
import { words } from './word-list.js';

/**
 * Legal-form words, compared after toLatin so one list serves "ООО", "OOO" and the spelled-out
 * Russian phrases (which go through the same transliteration as the names they appear in).
 * The phrases as written (lower case) are also how company-in-name.ts finds a company typed
 * into a person's name column.
 */
export const RUSSIAN_PHRASES: readonly string[] = [
  'общество с ограниченной ответственностью',
  'общество с дополнительной ответственностью',
  'публичное акционерное общество',
  'непубличное акционерное общество',
  'открытое акционерное общество',
  'закрытое акционерное общество',
  'акционерное общество',
  'индивидуальный предприниматель',
  'автономная некоммерческая организация',
  'некоммерческая организация',
  'товарищество с ограниченной ответственностью',
  'федеральное государственное унитарное предприятие',
  'государственное унитарное предприятие',
  'муниципальное унитарное предприятие',
  'частное унитарное предприятие',
  'унитарное предприятие',
];

// Russia, Kazakhstan (ТОО), Belarus (ОДО, ЧУП), Ukraine (ТОВ, ЧП), then international forms.
// Dotted spellings ("l.l.c") fold to spaced words ("l l c") like the names they appear in.
// Deliberately absent: "уп", "пп" (transliterate to the English words "up", "pp").
const ABBREVIATIONS = words(`
  ооо одо оао зао ао пао нао ип пбоюл нко ано гуп муп фгуп фгбу гбу мбу тоо чп чуп тов
  llc l.l.c inc incorporated ltd limited gmbh ag corp corporation co company plc sa s.a srl s.r.l
  bv b.v nv llp lp kg oy ab as spa s.p.a sarl sas pte pty sl
`);

/** Transliterated legal forms, longest first so a phrase wins over a word inside it. */
export const LEGAL_FORMS: readonly string[] = [
  ...new Set([...RUSSIAN_PHRASES, ...ABBREVIATIONS].map(toLatin)),
]
  .filter((f) => f !== '')
  .sort((a, b) => b.length - a.length);

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches a whole-word legal form inside a folded, transliterated, space-separated name. */
export const LEGAL_FORM_WORDS = new RegExp(`(?:^| )(?:${LEGAL_FORMS.map(escape).join('|')})(?= |$)`, 'g');

/** A legal form as written in a display name ("ООО", "Ltd.", "L.L.C."), for quote trimming. */
export const DISPLAY_LEGAL_FORM = new RegExp(
  String.raw`^(?:${[...RUSSIAN_PHRASES, ...ABBREVIATIONS].map(escape).join('|')})\.?$`,
  'iu',
);
