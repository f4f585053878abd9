import { Readable } from 'node:stream';
import type { ColumnSpec, ColumnType } from '../tables.js';
import type { BulkTextFormat, StageRow } from './adapter.js';

const SPECIAL = /[\\\t\n\r]/;

/** Serializes one value for a tab-separated bulk stream (PostgreSQL COPY text, MySQL LOAD DATA). */
export function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Escape only what the formats treat specially; both read backslash escapes the same way.
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : text;
}

/** Fast paths for what most cells are; tsvField for the rest (same output). */
function tsvCell(value: unknown): string {
  return value === null || value === undefined
    ? '\\N'
    : typeof value === 'string' && !SPECIAL.test(value)
      ? value
      : typeof value === 'number'
        ? String(value)
        : tsvField(value);
}

/** tsvCell of a value whose text the caller knows has nothing to escape: a string as it is. */
function plainCell(value: unknown): string {
  return value === null || value === undefined ? '\\N' : typeof value === 'string' ? value : tsvCell(value);
}

/** Whether a text has anything tsvField escapes (a backslash, tab, newline or carriage return). */
export function needsEscape(text: string): boolean {
  return SPECIAL.test(text);
}

export type LineEncoder = (row: StageRow) => string;
type ValueForm = (value: unknown) => unknown;

/**
 * Where a bulk text format writes a value of some column type other than as the canonical
 * value: MySQL DATETIME takes 'YYYY-MM-DD HH:MM:SS.fff' in the session time zone (UTC here),
 * not ISO 8601.
 */
const VALUE_FORMS: Readonly<Record<BulkTextFormat, Partial<Record<ColumnType, ValueForm>>>> = {
  'copy-text': {},
  'load-data-text': {
    datetime: (v) => (typeof v === 'string' ? v.replace('T', ' ').replace(/Z$/, '') : v),
  },
};

const lineEncoders = new Map<string, LineEncoder>();

/**
 * One row's line, by a function generated once per column list and format: each column is read
 * as a fixed property (`row["email"]`), which V8 compiles to a direct load, where reading by a
 * variable name (`row[name]` in a loop) is a dictionary lookup per cell — a third of the
 * encoding time. Column names come from the staging tables' specs (or the caller's fixed
 * column lists), embedded as JSON string literals.
 *
 * Strings in the `plain` columns are written without looking for what to escape: for a caller
 * that has looked at their text already, in one go (a row's hash text covers most of its
 * columns; one test of it instead of one per cell took RowEncoder from 3.5 to 3.3 µs per row of
 * the bench's client list).
 */
export function lineEncoder(
  columns: ReadonlyArray<string | ColumnSpec>,
  format: BulkTextFormat = 'copy-text',
  plain: ReadonlySet<string> = new Set(),
): LineEncoder {
  const specs = columns.map((c) => (typeof c === 'string' ? { name: c, type: null } : c));
  const key = `${format}\n${specs.map((c) => `${c.name}:${c.type}${plain.has(c.name) ? ':plain' : ''}`).join('\t')}`;
  let encode = lineEncoders.get(key);
  if (encode === undefined) {
    const forms: ValueForm[] = [];
    const cells = specs
      .map(({ name, type }) => {
        const cell = plain.has(name) ? 'plainCell' : 'cell';
        const value = `row[${JSON.stringify(name)}]`;
        const form = type === null ? undefined : VALUE_FORMS[format][type];
        if (form === undefined) return `${cell}(${value})`;
        forms.push(form);
        return `${cell}(forms[${forms.length - 1}](${value}))`;
      })
      .join(" + '\\t' + ");
    encode = new Function('cell', 'plainCell', 'forms', `'use strict'; return (row) => ${cells} + '\\n';`)(
      tsvCell,
      plainCell,
      forms,
    ) as LineEncoder;
    lineEncoders.set(key, encode);
  }
  return encode;
}

/**
 * Text pushed at once: ~100 rows. V8 puts strings over 128 KB (64k two-byte characters) in
 * large-object space, each one mapped fresh; 2,000 rows joined into one string took ~4× as long
 * to encode and send as the same rows in pieces of this size.
 */
const CHUNK_CHARS = 24 * 1024;

/**
 * Streams rows as tab-separated text with backslash escapes and \N for NULL — the input both
 * PostgreSQL COPY (text format) and MySQL LOAD DATA read natively — one line each by `line`
 * (lineEncoder), joined in pieces of about CHUNK_CHARS.
 */
export function tsvStream(rows: readonly StageRow[], line: LineEncoder): Readable {
  let i = 0;
  return new Readable({
    read() {
      while (i < rows.length) {
        let text = '';
        while (i < rows.length && text.length < CHUNK_CHARS) text += line(rows[i++]!);
        if (!this.push(text)) return;
      }
      this.push(null);
    },
  });
}
