import {
  getCountries,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';
import { fail, ok, quote, type Parsed } from './parsed.js';
import { fastRuMobile } from './phone-fast.js';
import { cleanText } from './text.js';

export interface NormalizedPhone {
  /** "+79123456789" */
  e164: string;
  /** Extension digits ("доб. 123" → "123"), or null. */
  ext: string | null;
}

// Extension markers: "доб. 123", "(доб.123)", "ext. 45", "x12", "#77", "вн. 5".
const EXT_MARKER = String.raw`\(?\s*(?:доб(?:авочный)?|вн(?:утр(?:енний)?)?|ext(?:ension)?|x|#)\s*[.:]?\s*(\d{1,7})\s*\)?`;
const EXTENSION_AT_END = new RegExp(String.raw`[\s,;]*${EXT_MARKER}\s*$`, 'iu');
const EXTENSION_ONLY = new RegExp(String.raw`^${EXT_MARKER}$`, 'iu');
// Separators between several numbers in one cell: "a, b", "a; b", "a / b", "a или b".
const SEVERAL = /[,;\n]|\s\/\s|\s(?:или|or)\s/iu;
// Spreadsheet damage: the column was stored as a number, so "79123456789" became "79123456789.0"
// or "7.9123456789E+10". Digits may already be lost in the exponent form: never guess.
const EXCEL_NUMBER = /^\d+\.0+$|^\d(?:[.,]\d+)?e\+?\d+$/i;

const LENGTH_REASON: Readonly<Record<string, string>> = {
  TOO_SHORT: 'too short',
  TOO_LONG: 'too long',
  INVALID_LENGTH: 'has an impossible length',
  NOT_A_NUMBER: 'is not a phone number',
  INVALID_COUNTRY: 'has an unknown country code',
};

/**
 * Any phone notation → E.164 plus extension. National numbers use `defaultRegion` (RU: trunk
 * "8" and bare 10-digit numbers work; Kazakh +7 7xx numbers come out as KZ by their digits).
 * Only the first of several numbers in a cell is taken. Validation uses the full ("max")
 * metadata, so a number of the right length in an unassigned range is rejected too.
 */
export function normalizePhone(raw: string, defaultRegion = 'RU'): Parsed<NormalizedPhone> {
  const region = defaultRegion.toUpperCase();
  if (!isSupportedCountry(region)) {
    return fail(`phone region ${quote(defaultRegion)} is not a known country code`);
  }
  const cleaned = cleanText(raw);
  if (cleaned === null) return fail('phone is empty');
  if (region === 'RU') {
    const e164 = fastRuMobile(cleaned);
    if (e164 !== null) return ok({ e164, ext: null });
  }
  if (EXCEL_NUMBER.test(cleaned)) {
    return fail(`phone ${quote(raw)} was turned into a number by a spreadsheet; export the column as text`);
  }

  const [first, rest] = firstOfSeveral(cleaned);
  let main = first;
  let ext: string | null = null;
  const atEnd = EXTENSION_AT_END.exec(main);
  const afterSeparator = rest === null ? null : EXTENSION_ONLY.exec(rest);
  if (atEnd) {
    ext = atEnd[1] ?? null;
    main = main.slice(0, atEnd.index);
  } else if (afterSeparator) {
    // "+7 912 345-67-89, доб. 12" is one number with an extension, not two numbers.
    ext = afterSeparator[1] ?? null;
  }

  // Labels around the number ("тел.: …", "… (моб.)") are dropped; letters inside it are not
  // guessed at ("8-800-FLOWERS").
  const start = main.search(/[+\d(]/);
  if (start < 0) return fail(`phone ${quote(raw)} has no digits`);
  main = main
    .slice(start)
    .replace(/(\d)[\s,;]*\(?\s*\p{L}[\p{L}.\s]*\)?\s*$/u, '$1')
    .trim();
  if (/\p{L}/u.test(main)) return fail(`phone ${quote(raw)} contains letters`);
  // "00" is the international prefix almost everywhere outside the former USSR (which uses 8-10).
  if (/^00[1-9]/.test(main)) main = `+${main.slice(2)}`;

  const country = region as CountryCode;
  const parsed = parsePhoneNumberFromString(main, { defaultCountry: country });
  const where = main.startsWith('+') ? (parsed?.country ?? callingCodeOf(main)) : `region ${region}`;
  const lengthProblem = validatePhoneNumberLength(main, { defaultCountry: country });
  if (lengthProblem) {
    return fail(`phone ${quote(raw)}: ${LENGTH_REASON[lengthProblem] ?? 'invalid'} for ${where}`);
  }
  if (!parsed) return fail(`phone ${quote(raw)} is not a phone number`);
  if (!parsed.isValid()) return fail(`phone ${quote(raw)}: not a valid number for ${where}`);
  return ok({ e164: parsed.number, ext: ext ?? parsed.ext ?? null });
}

/** The first number of a cell and the text after the separator (null when there is one number). */
function firstOfSeveral(s: string): [string, string | null] {
  const m = SEVERAL.exec(s);
  if (!m) return [s, null];
  return [s.slice(0, m.index).trim(), s.slice(m.index + m[0].length).trim()];
}

let callingCodes: ReadonlySet<string> | undefined;

/** "+44 20 12" → "+44": names the country code in reasons when the number is too broken to parse. */
function callingCodeOf(international: string): string {
  callingCodes ??= new Set(getCountries().map((c) => getCountryCallingCode(c)));
  const digits = international.replace(/\D/g, '');
  for (let len = 1; len <= 3; len++) {
    if (callingCodes.has(digits.slice(0, len))) return `+${digits.slice(0, len)}`;
  }
  return 'an unknown country code';
}
