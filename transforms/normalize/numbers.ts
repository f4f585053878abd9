import { fail, ok, quote, type Parsed } from './parsed.js';
import { cleanText } from './text.js';

export interface Money {
  amount: number;
  /** ISO 4217 code when the cell named a currency ("12,5 ₽" → "RUB"), else null. */
  currency: string | null;
}

// Currency marks people type next to amounts, with the code each stands for. "¥" is left out:
// it is both JPY and CNY.
const CURRENCIES: ReadonlyArray<readonly [string, string]> = [
  [String.raw`₽|руб(?:лей|ля|ль)?\.?|р\.?|rub|rur`, 'RUB'],
  [String.raw`\$|us\$|usd|долл\.?(?:ар(?:ов|а)?)?`, 'USD'],
  [String.raw`€|eur|евро`, 'EUR'],
  [String.raw`£|gbp`, 'GBP'],
  [String.raw`₸|тг\.?|тенге|kzt`, 'KZT'],
  [String.raw`byn|br|бел\.\s?руб\.?`, 'BYN'],
  [String.raw`₴|грн\.?|uah`, 'UAH'],
  [String.raw`chf|cny`, ''], // code as written
];
const ANY_CURRENCY = CURRENCIES.map(([re]) => `(?:${re})`).join('|');
const LEADING = new RegExp(String.raw`^(${ANY_CURRENCY})\s*`, 'iu');
const TRAILING = new RegExp(String.raw`\s*(${ANY_CURRENCY})$`, 'iu');
const SPACES = /[\s\u00a0\u202f\u2009'\u2019]/; // thousands-only separators (incl. Swiss 1'234)

function currencyCode(mark: string): string {
  const found = CURRENCIES.find(([re]) => new RegExp(`^(?:${re})$`, 'iu').test(mark));
  return found && found[1] !== '' ? found[1] : mark.toUpperCase();
}

/**
 * An amount cell → number. Thousands may be spaces (incl. NBSP and narrow NBSP), apostrophes,
 * dots or commas; negatives as "-12", "−12", "12-" or "(12,50)"; currency marks before or after
 * are stripped. Without a `decimal` hint: with both "." and "," the last one is the decimal
 * mark; a lone "," followed by exactly three digits is a thousands separator ("1,234" → 1234,
 * unless `decimal` is ","); a lone "." is always decimal, the form every machine export uses.
 * The parsed double is returned as is (no rounding): store it in a decimal column and the
 * engine rounds once. Only call this for amount columns — it would happily read an identifier.
 */
export function parseMoney(raw: string | number, decimal?: ',' | '.'): Parsed<Money> {
  if (typeof raw === 'number') {
    return Number.isFinite(raw)
      ? ok({ amount: raw, currency: null })
      : fail(`amount ${raw} is not a finite number`);
  }
  const q = quote(raw);
  let s = cleanText(raw);
  if (s === null) return fail('amount is empty');
  if (/[%‰]/.test(s)) return fail(`amount ${q} is a percentage, not an amount`);

  let negative = false;
  let currency: string | null = null;
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) [negative, s] = [true, (paren[1] ?? '').trim()];
  for (let pass = 0; pass < 2; pass++) {
    // Two passes so "-$12" and "$-12" both work.
    const sign = /^([-−–+])\s*/.exec(s);
    if (sign) [negative, s] = [negative || sign[1] !== '+', s.slice(sign[0].length)];
    const lead = LEADING.exec(s);
    if (lead?.[1]) [currency, s] = [currencyCode(lead[1]), s.slice(lead[0].length)];
  }
  const trail = TRAILING.exec(s);
  if (trail?.[1]) [currency, s] = [currency ?? currencyCode(trail[1]), s.slice(0, trail.index)];
  const trailingMinus = /\s*[-−]$/.exec(s); // SAP-style "12,50-"
  if (trailingMinus) [negative, s] = [true, s.slice(0, trailingMinus.index)];

  if (/^\d(?:[.,]\d+)?e[+-]?\d+$/i.test(s)) {
    return fail(`amount ${q} is in scientific notation; export the column with full digits`);
  }
  if (!/^[\d.,\s\u00a0\u202f\u2009'\u2019]*\d[\d.,\s\u00a0\u202f\u2009'\u2019]*$/.test(s)) {
    return fail(`amount ${q} is not a number`);
  }
  const digits = splitDecimal(s, decimal);
  if (typeof digits === 'string') return fail(`amount ${q} ${digits}`);
  const parsed = Number(`${negative ? '-' : ''}${digits.int || '0'}.${digits.frac || '0'}`);
  const value = parsed === 0 ? 0 : parsed; // no -0 from "-0,00"
  return Number.isFinite(value) ? ok({ amount: value, currency }) : fail(`amount ${q} is too large`);
}

/** parseMoney without the currency. */
export function parseAmount(raw: string | number, decimal?: ',' | '.'): Parsed<number> {
  const money = parseMoney(raw, decimal);
  return money.ok ? ok(money.value.amount) : money;
}

/** Integer and fraction digits, or what is wrong with the separators. */
function splitDecimal(s: string, hint: ',' | '.' | undefined): { int: string; frac: string } | string {
  const mark = hint ?? guessDecimalMark(s);
  let intPart = s;
  let frac = '';
  if (mark !== null) {
    const at = s.lastIndexOf(mark);
    if (at >= 0) {
      if (s.indexOf(mark) !== at) return 'has more than one decimal separator';
      intPart = s.slice(0, at);
      frac = s.slice(at + 1);
      if (!/^\d*$/.test(frac)) return 'has separators after the decimal mark';
    }
  }
  const groups = intPart.split(/[.,\s\u00a0\u202f\u2009'\u2019]/);
  if (groups.length > 1) {
    const [head, ...tail] = groups;
    if (!/^\d{1,3}$/.test(head ?? '') || !tail.every((g) => /^\d{3}$/.test(g))) {
      return 'has misplaced thousands separators';
    }
  }
  return { int: groups.join(''), frac };
}

function guessDecimalMark(s: string): ',' | '.' | null {
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) return lastDot > lastComma ? '.' : ',';
  const mark = lastDot >= 0 ? '.' : lastComma >= 0 ? ',' : null;
  if (mark === null) return null;
  if (s.indexOf(mark) !== s.lastIndexOf(mark)) return null; // "1,234,567": all thousands
  // With space thousands ("1 234,567") the other mark can only be decimal.
  if (mark === '.' || SPACES.test(s)) return mark;
  const after = s.slice(s.lastIndexOf(',') + 1);
  const before = s.slice(0, s.lastIndexOf(','));
  return /^\d{3}$/.test(after) && before !== '0' && before !== '' ? null : ',';
}
