/**
 * Text that every engine can store, made so at the one point each path passes before the
 * warehouse: a record on its way to a staging row (staging-row.ts stagingRow) and a reject on its
 * way to stg_quarantine (pipelines/stage.ts). What no engine could take, and one of them would
 * refuse with an error that costs the whole file:
 *
 * - U+0000: PostgreSQL text cannot hold it ("invalid byte sequence for encoding UTF8: 0x00").
 * - lone surrogates (a UTF-16 half without its pair): UTF-8 has no bytes for them; each driver
 *   would put U+FFFD in their place unannounced.
 * - more than 255 characters in a key column (VARCHAR(255) on PostgreSQL and MySQL; SQLite would
 *   take it, and the same input must give the same warehouse on every engine).
 * - more than 65,535 bytes of UTF-8 in a text column (MySQL TEXT).
 *
 * Each change is named in a warning (records) or in the reason (quarantine), so nothing changes
 * silently. The replacement character is U+FFFD, as a decoder shows bytes it cannot read.
 */
import crypto from 'node:crypto';
import type { RejectedRecord, SourceRecord } from '../../connectors/contract.js';
import type { ColumnType, StagingTableSpec } from '../tables.js';

/** Characters of a key column (VARCHAR(255)). */
export const KEY_MAX_CHARS = 255;
/** Bytes of UTF-8 in a text column (MySQL TEXT). */
export const TEXT_MAX_BYTES = 65_535;

// A fast first look: NUL or any surrogate (pairs included; the exact test follows).
// eslint-disable-next-line no-control-regex -- U+0000 is what is looked for
const SUSPECT = /[\u0000\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex -- U+0000 is what is looked for
const NUL = /\u0000/g;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** What storableText changed, for a warning: "2 NUL characters replaced by U+FFFD". */
function describe(nul: number, lone: number, cut: string | null): string {
  const parts: string[] = [];
  if (nul > 0) parts.push(`${nul} NUL character${nul === 1 ? '' : 's'} replaced by U+FFFD`);
  if (lone > 0) parts.push(`${lone} unpaired UTF-16 surrogate${lone === 1 ? '' : 's'} replaced by U+FFFD`);
  if (cut !== null) parts.push(cut);
  return parts.join(', ');
}

/**
 * NUL and unpaired surrogates replaced by U+FFFD, then cut to fit `limit`; null when the text is
 * storable as it is (the common case: one regex test).
 */
export function storableText(
  text: string,
  limit: 'key' | 'text' | 'none' = 'none',
): { text: string; change: string } | null {
  let out = text;
  let nul = 0;
  let lone = 0;
  if (SUSPECT.test(text)) {
    out = out.replace(NUL, () => {
      nul++;
      return '\ufffd';
    });
    out = out.replace(LONE_SURROGATE, () => {
      lone++;
      return '\ufffd';
    });
  }
  let cut: string | null = null;
  if (limit === 'key' && out.length > KEY_MAX_CHARS) {
    cut = `${out.length} characters shortened to fit ${KEY_MAX_CHARS} (a hash of the whole value kept at the end)`;
    out = shortenedKey(out);
  } else if (limit === 'text' && out.length * 3 > TEXT_MAX_BYTES) {
    const bytes = Buffer.byteLength(out, 'utf8');
    if (bytes > TEXT_MAX_BYTES) {
      out = utf8Prefix(out, TEXT_MAX_BYTES);
      cut = `${bytes} bytes cut to ${Buffer.byteLength(out, 'utf8')} (a text column holds ${TEXT_MAX_BYTES})`;
    }
  }
  if (nul === 0 && lone === 0 && cut === null) return null;
  return { text: out, change: describe(nul, lone, cut) };
}

/**
 * A key too long for its column: its first characters and a hash of the whole, so two long keys
 * that share a beginning stay two keys, and the same key gives the same short form every time.
 */
function shortenedKey(key: string): string {
  const hash = crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
  // The cut may fall between the halves of a pair: the half left alone goes.
  const head = key.slice(0, KEY_MAX_CHARS - hash.length - 1).replace(LONE_SURROGATE, '');
  return `${head}#${hash}`;
}

/** The longest prefix of `text` whose UTF-8 fits in `max` bytes, never splitting a character. */
function utf8Prefix(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  let end = max;
  // Back up over continuation bytes (10xxxxxx) to the start of the character that does not fit.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

const keyColumns = new WeakMap<StagingTableSpec, readonly string[]>();

/**
 * Whether a staging row may hold something storableRecord would change, from its hash text (the
 * text of every column but lineage, which staging makes anyway): one regex test and, for a long
 * row, a length look at its key columns. Nearly every row passes; only those that do not pay for
 * storableRecord (~2 µs a row, where the whole encoding of a row is ~3 µs).
 */
export function mayBeUnstorable(
  spec: StagingTableSpec,
  row: Record<string, unknown>,
  hashText: string,
): boolean {
  if (SUSPECT.test(hashText)) return true;
  const warnings = row.warnings;
  if (typeof warnings === 'string' && (SUSPECT.test(warnings) || warnings.length * 3 > TEXT_MAX_BYTES))
    return true;
  if (hashText.length <= KEY_MAX_CHARS) return false;
  if (hashText.length * 3 > TEXT_MAX_BYTES) return true;
  let keys = keyColumns.get(spec);
  if (keys === undefined) {
    keys = spec.columns.filter((c) => c.type === 'key').map((c) => c.name);
    keyColumns.set(spec, keys);
  }
  for (const key of keys) {
    const value = row[key];
    if (typeof value === 'string' && value.length > KEY_MAX_CHARS) return true;
  }
  return false;
}

const limitsOf = new WeakMap<StagingTableSpec, Map<string, 'key' | 'text' | 'none'>>();

function limitOf(type: ColumnType | undefined): 'key' | 'text' | 'none' {
  return type === 'key' ? 'key' : type === 'text' ? 'text' : 'none';
}

function columnLimits(spec: StagingTableSpec): Map<string, 'key' | 'text' | 'none'> {
  let limits = limitsOf.get(spec);
  if (limits === undefined) {
    limits = new Map(spec.columns.map((c) => [c.name, limitOf(c.type)]));
    limitsOf.set(spec, limits);
  }
  return limits;
}

/**
 * The record with every value storable in `spec`'s columns, each change named in a warning; the
 * same object when nothing needs changing.
 */
export function storableRecord(record: SourceRecord, spec: StagingTableSpec): SourceRecord {
  const limits = columnLimits(spec);
  let copy: SourceRecord | null = null;
  const own = (): SourceRecord =>
    (copy ??= {
      ...record,
      fields: { ...record.fields },
      attributes: record.attributes,
      warnings: [...record.warnings],
    });

  const key = storableText(record.sourceKey, 'key');
  if (key !== null) {
    own().sourceKey = key.text;
    copy!.warnings.push(`source_key: ${key.change}`);
  }
  const fields = record.fields as Record<string, unknown>;
  for (const name in fields) {
    const value = fields[name];
    if (typeof value !== 'string') continue;
    const fixed = storableText(value, limits.get(name) ?? 'none');
    if (fixed === null) continue;
    (own().fields as Record<string, unknown>)[name] = fixed.text;
    copy!.warnings.push(`${name}: ${fixed.change}`);
  }
  let attributes: Record<string, string> | null = null;
  for (const label in record.attributes) {
    const value: unknown = record.attributes[label];
    const fixedLabel = storableText(label);
    const fixedValue = typeof value === 'string' ? storableText(value) : null;
    if (fixedLabel === null && fixedValue === null) continue;
    if (attributes === null) {
      // Rebuilt in order with own properties (a label may be __proto__: see keepInAttributes).
      attributes = {};
      for (const l in record.attributes) define(attributes, l, record.attributes[l]!);
    }
    if (fixedLabel !== null) {
      delete attributes[label];
      define(attributes, fixedLabel.text, fixedValue?.text ?? (value as string));
      own().warnings.push(`column title ${JSON.stringify(fixedLabel.text)}: ${fixedLabel.change}`);
    } else define(attributes, label, fixedValue!.text);
    if (fixedValue !== null) own().warnings.push(`attribute ${JSON.stringify(label)}: ${fixedValue.change}`);
  }
  if (attributes !== null) own().attributes = attributes;
  // Warnings may quote a value they dropped; the column is text.
  const warnings = (copy ?? record).warnings;
  for (let i = 0; i < warnings.length; i++) {
    const fixed = storableText(warnings[i]!, 'text');
    if (fixed !== null) own().warnings[i] = fixed.text;
  }
  return copy ?? record;
}

function define(target: Record<string, string>, label: string, value: string): void {
  Object.defineProperty(target, label, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A reject as stg_quarantine can store it: the raw row (and the reason) made storable, what was
 * changed added to the reason; the same object when nothing needs changing.
 */
export function storableReject(reject: RejectedRecord): RejectedRecord {
  const raw = storableText(reject.raw, 'text');
  const reason = storableText(reject.reason, 'text');
  if (raw === null && reason === null) return reject;
  const why = reason?.text ?? reject.reason;
  return {
    ...reject,
    raw: raw?.text ?? reject.raw,
    reason: raw === null ? why : `${why} (raw row as stored: ${raw.change})`,
  };
}
