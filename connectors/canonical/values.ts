/**
 * One cell → the value of one canonical field, by the field's kind (fields.ts), using the shared
 * normalizers. Identifiers are never turned into numbers; numeric XLSX cells of identifier
 * columns become integer text.
 *
 * Formulas are made inert here, once for every connector: a text value that a spreadsheet would
 * execute (leading = + - @, also after a tab or CR, which cleaning removes) gets OWASP's leading
 * apostrophe (normalize/text.ts csvSafe), so the golden record, facts, marts and exports built
 * from it never carry a live formula. Signed numbers and phone numbers are data and stay as they
 * are; keys (source_key, customer_source_key) are lineage and kept as given; phones, dates,
 * amounts and INNs are never formulas after normalization. The raw row (quarantine) and
 * unmapped columns (attributes) keep the source's text verbatim.
 */
import {
  cleanText,
  companyInName,
  csvSafe,
  normalizeCompanyName,
  normalizeEmail,
  normalizeInn,
  normalizePersonName,
  normalizePhone,
  parseAmount,
  parseDate,
  parseDateTime,
  type Parsed,
} from '../../transforms/normalize/index.js';
import { fastDate } from '../../transforms/normalize/date-fast.js';
import { fastEmail } from '../../transforms/normalize/email-parse.js';
import { fastRuMobile } from '../../transforms/normalize/phone-fast.js';
import { cellText, type Cell } from './cells.js';
import type { FieldKind, FieldName } from './fields.js';

export interface ValueRule {
  field: FieldName;
  kind: FieldKind;
  format?: string;
  decimal?: ',' | '.';
}

export type Converted =
  | { ok: true; value: string | number; ext?: string | null; several?: boolean }
  | { ok: false; problem: string };

/** The record keys: lineage, never neutralized. */
const KEYS: ReadonlySet<FieldName> = new Set(['source_key', 'customer_source_key']);

// Several values in one cell: "a@x.ru, b@y.ru", "+7 912…; +7 495…", "… / …".
const SEVERAL = /[,;\n]|\s\/\s/;

/** The field value, null for an empty cell, or why the cell's content is unusable. */
export function convertCell(cell: Cell, rule: ValueRule, region: string): Converted | null {
  if (cell === null) return null;
  if (typeof cell === 'string') {
    const fast = convertCommon(cell, rule, region);
    if (fast !== null) return fast;
  }
  const text = cellText(cell);
  if (cell instanceof Date) {
    if (rule.kind === 'date') return fromParsed(parseDate(cell), rule.field);
    if (rule.kind === 'datetime') return fromParsed(parseDateTime(cell), rule.field);
  }
  if (typeof cell === 'number') {
    if (rule.kind === 'amount') return fromParsed(parseAmount(cell), rule.field);
    if (rule.kind === 'date') return fromParsed(parseDate(cell, rule.format), rule.field);
    if (rule.kind === 'datetime') return fromParsed(parseDateTime(cell, rule.format), rule.field);
    if (rule.kind === 'tax_id') return fromParsed(normalizeInn(cell), rule.field);
  }
  const clean = cleanText(text);
  if (clean === null) return null;
  switch (rule.kind) {
    case 'text':
      return { ok: true, value: csvSafe(clean) };
    case 'id':
      // Keys are lineage, kept as the source has them (and they must still match each other);
      // other identifiers (personal id, postcode, extension) reach the golden record.
      return { ok: true, value: KEYS.has(rule.field) ? clean : csvSafe(clean) };
    case 'currency':
      return { ok: true, value: csvSafe(clean.toUpperCase()) };
    case 'name':
      // A company in a name column keeps its capitals (ООО, not Ооо): completeNames moves it.
      return nonEmpty(
        csvSafe(companyInName(clean) ? normalizeCompanyName(clean) : normalizePersonName(clean)),
      );
    case 'company':
      return nonEmpty(csvSafe(normalizeCompanyName(clean)));
    case 'tax_id':
      return fromParsed(normalizeInn(clean), rule.field);
    case 'email': {
      const email = inert(fromParsed(normalizeEmail(clean), rule.field));
      return email.ok && SEVERAL.test(clean) ? { ...email, several: true } : email;
    }
    case 'phone': {
      const phone = normalizePhone(clean, region);
      if (!phone.ok) return { ok: false, problem: problem(phone.reason, rule.field) };
      return { ok: true, value: phone.value.e164, ext: phone.value.ext, several: SEVERAL.test(clean) };
    }
    case 'date':
      return fromParsed(parseDate(clean, rule.format), rule.field);
    case 'datetime':
      return fromParsed(parseDateTime(clean, rule.format), rule.field);
    case 'amount':
      return fromParsed(parseAmount(clean, rule.decimal), rule.field);
  }
}

/**
 * The common shapes of e-mail, phone and date cells, straight from the normalizers' fast paths,
 * else null (then the general path below decides). Each fast path accepts only text that
 * cleanText leaves as it is (no edge or double space, nothing invisible; a leading space before
 * a bare phone number is the one exception, and trimming it does not change the number), and
 * that holds none of the SEVERAL separators, so the value is what the general path gives.
 */
function convertCommon(text: string, rule: ValueRule, region: string): Converted | null {
  switch (rule.kind) {
    case 'email': {
      const value = fastEmail(text);
      return value === null ? null : { ok: true, value: csvSafe(value) };
    }
    case 'date': {
      const value = fastDate(text, rule.format);
      return value === null ? null : { ok: true, value };
    }
    case 'phone': {
      const value = region === 'RU' ? fastRuMobile(text) : null;
      return value === null ? null : { ok: true, value, ext: null, several: false };
    }
    default:
      return null;
  }
}

/**
 * An e-mail a spreadsheet would run (`=1+cmd@x.ru`, `-x@y.ru`): the apostrophe is itself allowed
 * in an address, so the value stays an address and every source's copy neutralizes alike.
 */
function inert(converted: Converted): Converted {
  return converted.ok && typeof converted.value === 'string'
    ? { ...converted, value: csvSafe(converted.value) }
    : converted;
}

function nonEmpty(s: string): Converted | null {
  return s === '' ? null : { ok: true, value: s };
}

function fromParsed(parsed: Parsed<string | number>, field: FieldName): Converted {
  return parsed.ok
    ? { ok: true, value: parsed.value }
    : { ok: false, problem: problem(parsed.reason, field) };
}

/** The normalizer's reason, led by the field name: `birth_date "31.02.1980" is not a real date`. */
function problem(reason: string, field: FieldName): string {
  const subject = /^(?:date|phone|email|amount|INN)\b/;
  return subject.test(reason) ? reason.replace(subject, field) : `${field}: ${reason}`;
}
