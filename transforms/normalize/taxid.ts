import { fail, ok, quote, type Parsed } from './parsed.js';
import { cleanText } from './text.js';

// The official INN check-digit weights: one check digit for organisations, two for persons.
const WEIGHTS_10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function checkDigit(digits: string, weights: readonly number[]): number {
  const sum = weights.reduce((acc, w, i) => acc + w * Number(digits[i]), 0);
  return (sum % 11) % 10;
}

/** Whether a 10- or 12-digit string carries valid INN check digits. */
export function isValidInnChecksum(inn: string): boolean {
  if (inn.length === 10) return checkDigit(inn, WEIGHTS_10) === Number(inn[9]);
  if (inn.length === 12) {
    return checkDigit(inn, WEIGHTS_11) === Number(inn[10]) && checkDigit(inn, WEIGHTS_12) === Number(inn[11]);
  }
  return false;
}

/**
 * Russian taxpayer number (ИНН): 10 digits for an organisation, 12 for a person or sole
 * trader, check digits verified. Returned as a string so leading zeros survive. Spaces,
 * dashes and an "ИНН"/"INN" label are tolerated; a 9- or 11-digit value is refused, not padded,
 * because a spreadsheet that dropped a leading zero may have done worse.
 */
export function normalizeInn(raw: string | number): Parsed<string> {
  // Reasons are built only on failure: quoting every accepted value was measurable.
  const q = (): string => quote(raw);
  const mangled = (): string =>
    `INN ${q()} was turned into a number by a spreadsheet; export the column as text`;
  if (typeof raw === 'number' && !Number.isSafeInteger(raw)) return fail(mangled());
  const text = cleanText(String(raw));
  if (text === null) return fail('INN is empty');
  if (/^\d+[.,]0+$|^\d(?:[.,]\d+)?e\+?\d+$/i.test(text)) return fail(mangled());
  const digits = text.replace(/^(?:ИНН|INN)\s*[:№#]?\s*/iu, '').replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) return fail(`INN ${q()} must contain only digits`);
  if (digits.length !== 10 && digits.length !== 12) {
    const hint = digits.length === 9 || digits.length === 11 ? ' (a leading zero may have been lost)' : '';
    return fail(`INN ${q()} has ${digits.length} digits, expected 10 or 12${hint}`);
  }
  if (/^0+$/.test(digits)) return fail(`INN ${q()} is all zeros`);
  if (!isValidInnChecksum(digits)) return fail(`INN ${q()} has a wrong check digit`);
  return ok(digits);
}
