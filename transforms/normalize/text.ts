/**
 * Cell text hygiene shared by every other normalizer, plus CSV-injection guarding for files we
 * write back out for people to open in a spreadsheet.
 */

// Invisible characters that creep in through copy-paste from web pages and Word. They are
// removed rather than turned into spaces: inside a word ("Ива\u200Bнов") a space would split it.
// ZWJ/ZWNJ (U+200C/U+200D) are kept: they carry meaning in emoji and some scripts.
const INVISIBLE = /[\u00ad\u200b\u2060\ufeff]/g;
// C0/C1 control characters other than tab and line breaks: never meaningful in a cell.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// `\s` already covers NBSP, narrow NBSP (U+202F), thin/figure spaces and U+3000.
const HSPACE = /[^\S\n]+/g;
// Fast path: printable ASCII and the Cyrillic block hold no invisible, control or special-space
// characters, and no character in them changes under NFC (composition needs a combining mark,
// and the only ones in the block, U+0483–U+0489, are left out). Such a string with no space at
// either end and no double space is
// already clean; most cells are like this, and the slow path costs five regex passes.
// One linear scan: any other character, an edge space or a double space means "not clean".
const NOT_CLEAN = /[^ -~\u0400-\u0482\u048a-\u04ff]|^ | $| {2}/;

export interface CleanTextOptions {
  /** Keep line breaks (as `\n`) for free-text fields such as comments and addresses. */
  keepLineBreaks?: boolean;
}

/**
 * Trim, turn every kind of space into a plain one, collapse runs, NFC-compose (macOS and some
 * exports give "й" as "и" + combining breve, which would not equal the composed letter).
 * Empty after cleaning → null, so "   " and "" both mean "no value".
 */
export function cleanText(raw: string | null | undefined, options: CleanTextOptions = {}): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw === '') return null;
  if (!NOT_CLEAN.test(raw)) return raw;
  let s = raw.normalize('NFC').replace(INVISIBLE, '').replace(CONTROL, ' ');
  if (options.keepLineBreaks) {
    s = s
      .replace(/\r\n?|[\u2028\u2029]/g, '\n')
      .split('\n')
      .map((line) => line.replace(HSPACE, ' ').trim())
      .filter((line) => line !== '')
      .join('\n');
  } else {
    s = s.replace(/\s+/g, ' ').trim();
  }
  return s === '' ? null : s;
}

// OWASP "CSV Injection": cells starting with these are evaluated by Excel/LibreOffice/Sheets.
// Full-width variants are included because some spreadsheet locales accept them too.
const TRIGGER = /^[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]/;

// A signed number ("-12,5", "+1 234.56", "-1e5") is data: with only digits and separators
// after the sign there is nothing a spreadsheet could call or reference.
const SIGNED_NUMBER = /^[+\-\u2212]\s?\d[\d\s.,']*(?:[eE][+-]?\d+)?$/;
// An international phone number, optionally with an extension, is data too.
const PHONE = /^\+\s?[\d\s().-]{6,24}(?:\s*,?\s*(?:доб|ext|x|#)\.?\s*\d{1,6})?$/iu;

/**
 * Whether a spreadsheet opening this cell would treat it as a formula (OWASP trigger
 * characters, also after leading whitespace/tab/CR), excluding signed numbers and "+…" phone
 * numbers, which are common in CRM data and harmless.
 */
export function looksLikeFormula(s: string): boolean {
  if (!TRIGGER.test(s)) return false;
  const body = s.trim();
  if (SIGNED_NUMBER.test(body)) return false;
  if (PHONE.test(body) && countDigits(body) >= 7) return false;
  return true;
}

/**
 * Value to write into a CSV that people will open in a spreadsheet: a formula-looking cell gets a
 * leading single quote so it is shown as text (OWASP advice). Quoting/escaping of the CSV itself
 * is the CSV writer's job.
 */
export function csvSafe(s: string): string {
  return looksLikeFormula(s) ? `'${s}` : s;
}

function countDigits(s: string): number {
  let n = 0;
  for (const ch of s) if (ch >= '0' && ch <= '9') n++;
  return n;
}

/** Whether a value is a formula that csvSafe made inert (its leading apostrophe added). */
export function isInertFormula(s: string): boolean {
  return s.startsWith("'") && looksLikeFormula(s.slice(1));
}
