/**
 * Logical records → cells, with csv-parse. Records without any quote are simply split, and so
 * are records whose quoted cells are all plain `"…"` (see splitQuoted). Others are parsed in
 * batches (one csv-parse call per few hundred records: per-record calls cost ~90 µs each,
 * batches ~13 µs a record). A batch that fails is parsed again record by record, so a broken
 * record gets csv-parse's own message and its neighbours are unaffected. Records the splitter
 * flagged for bad quoting are parsed strictly (`relax_quotes: false`) to obtain that message.
 */
import { CsvError, parse, type Options } from 'csv-parse/sync';
import type { LogicalRecord } from './record-splitter.js';

// csv-parse's `trim` of an unquoted cell: these on the left, any whitespace (trimEnd) on the right.
const LEFT_TRIMMABLE = /^[ \t\f\r\n]+/;

const QUOTE = 0x22; // "

/**
 * Whether the last character is one trimEnd would remove beyond ASCII (NBSP, U+2000…, U+3000,
 * …). Those are NBSP and characters from U+1680 on: Cyrillic and Latin-1 letters, which end
 * most cells, are told apart by their code alone.
 */
function maybeSpace(cell: string): boolean {
  const c = cell.charCodeAt(cell.length - 1);
  return c === 0xa0 || (c >= 0x1680 && /\s/.test(cell[cell.length - 1]!));
}

/** An unquoted cell as csv-parse's `trim` leaves it. */
function trimPlain(cell: string): string {
  // Most cells have nothing to trim: a look at both ends is far cheaper than two passes.
  if (cell !== '' && (cell.charCodeAt(0) <= 32 || cell.charCodeAt(cell.length - 1) <= 32 || maybeSpace(cell)))
    return cell.replace(LEFT_TRIMMABLE, '').trimEnd();
  return cell;
}

export type CellsOrError = { cells: string[] } | { error: string };

export interface CsvCellOptions {
  delimiter: string;
  trim: boolean;
}

export class CsvCellParser {
  private readonly relaxed: Options;
  private readonly strict: Options;
  private readonly delimiter: string;
  private readonly trim: boolean;
  /** The delimiter's code when splitQuoted can handle it (one character, not a quote or break). */
  private readonly delimiterCode: number;

  constructor(options: CsvCellOptions) {
    this.delimiter = options.delimiter;
    this.trim = options.trim;
    const d = options.delimiter;
    this.delimiterCode = d.length === 1 && d !== '"' && d !== '\n' && d !== '\r' ? d.charCodeAt(0) : -1;
    this.relaxed = {
      delimiter: options.delimiter,
      quote: '"',
      escape: '"',
      record_delimiter: '\n',
      relax_quotes: true,
      relax_column_count: true,
      trim: options.trim,
      skip_empty_lines: false,
      bom: false,
    };
    this.strict = { ...this.relaxed, relax_quotes: false };
  }

  /** One result per record, in order. */
  parseAll(records: readonly LogicalRecord[]): CellsOrError[] {
    const results: CellsOrError[] = new Array<CellsOrError>(records.length);
    const batch: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const rec = records[i]!;
      if (rec.quoteProblem !== null) {
        results[i] = this.parseBroken(rec);
        continue;
      }
      const cells = rec.text.includes('"') ? this.splitQuoted(rec.text) : this.splitPlain(rec.text);
      if (cells !== null) results[i] = { cells };
      else batch.push(i);
    }
    if (batch.length === 0) return results;
    const text = batch.map((i) => records[i]!.text).join('\n') + '\n';
    let rows: string[][] | null = null;
    try {
      rows = parse(text, this.relaxed) as string[][];
    } catch {
      rows = null;
    }
    if (rows !== null && rows.length === batch.length) {
      batch.forEach((recIndex, k) => (results[recIndex] = { cells: rows[k]! }));
    } else {
      for (const i of batch) results[i] = this.parseOne(records[i]!, this.relaxed);
    }
    return results;
  }

  /**
   * A record without any quote character: what csv-parse would return (with relax_quotes) is
   * the text split at the delimiter, trimmed like its `trim`; done directly, it is ~5× faster.
   */
  private splitPlain(text: string): string[] {
    const cells = text.split(this.delimiter);
    if (this.trim) for (let i = 0; i < cells.length; i++) cells[i] = trimPlain(cells[i]!);
    return cells;
  }

  /**
   * A record with quotes, when every cell is either unquoted without any quote or line break
   * (split and trimmed as in splitPlain) or exactly `"…"` with `""` for a quote inside, the
   * closing quote followed at once by the delimiter or the end: what csv-parse returns for it is
   * then the cells with the quotes removed (quoted text is never trimmed), ~4× faster. Anything
   * else (a space around the quotes, a quote inside an unquoted cell, a multi-character
   * delimiter…) gives null, and the record goes to csv-parse.
   */
  private splitQuoted(text: string): string[] | null {
    const d = this.delimiterCode;
    if (d < 0) return null;
    const delimiter = this.delimiter;
    const cells: string[] = [];
    const n = text.length;
    let i = 0;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) return null;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        cells.push(value);
        if (i === n) return cells;
        if (text.charCodeAt(i) !== d) return null;
        i++;
      } else {
        const next = text.indexOf(delimiter, i);
        const end = next === -1 ? n : next;
        for (let k = i; k < end; k++) {
          const c = text.charCodeAt(k);
          if (c === QUOTE || c === 0x0a) return null;
        }
        const cell = text.slice(i, end);
        cells.push(this.trim ? trimPlain(cell) : cell);
        if (next === -1) return cells;
        i = next + 1;
      }
    }
  }

  private parseBroken(rec: LogicalRecord): CellsOrError {
    const strict = this.parseOne(rec, this.strict);
    // The splitter and csv-parse disagree: trust csv-parse's reading (relaxed, like the rest).
    if ('cells' in strict) return this.parseOne(rec, this.relaxed);
    return strict;
  }

  private parseOne(rec: LogicalRecord, options: Options): CellsOrError {
    try {
      const rows = parse(rec.text + '\n', options) as string[][];
      if (rows.length === 1) return { cells: rows[0]! };
      return { error: `broken quoting: the row reads as ${rows.length} records` };
    } catch (err) {
      return { error: `broken quoting: ${describeCsvError(err, rec)}` };
    }
  }
}

/** csv-parse's message, with the physical line and (for multi-byte text) the real character. */
function describeCsvError(err: unknown, rec: LogicalRecord): string {
  if (!(err instanceof CsvError)) return err instanceof Error ? err.message : String(err);
  let message = err.message.replace(
    /at line (\d+)/g,
    (_, n: string) => `at line ${rec.line + Number(n) - 1}`,
  );
  if (err.code === 'CSV_INVALID_CLOSING_QUOTE' && rec.badChar !== undefined) {
    // csv-parse reports the first byte of the character, which is garbage for Cyrillic text.
    message = message.replace(/got "[^"]*"/, `got ${JSON.stringify(rec.badChar)}`);
  }
  if (err.code === 'CSV_QUOTE_NOT_CLOSED' && rec.resynced === true) {
    message += '; the lines after it were read as rows of their own';
  }
  return message;
}
