/**
 * Physical lines → logical CSV records, quote-aware, before csv-parse splits them into cells.
 *
 * Doing the record boundaries here (same quoting rules as csv-parse with `relax_quotes`: a quote
 * opens a quoted cell only at the start of a cell) gives every record its exact raw text and
 * first line, and bounds the damage of an unclosed quote: a quoted cell that runs over many lines,
 * or ends in a record that does not have the header's number of cells, is taken as broken; its
 * first line becomes one rejected record and the lines after it are read again as rows of
 * their own. csv-parse alone would swallow the rest of the file into one cell.
 */
import type { PhysicalLine } from './line-splitter.js';

export type QuoteProblem = 'unclosed' | 'bad-closing';

export interface LogicalRecord {
  /** Original text; lines of a multi-line record are joined with `\n`. */
  text: string;
  /** 1-based line of the record's first physical line. */
  line: number;
  lineCount: number;
  /** Cells counted by the scan (delimiters outside quotes + 1). */
  cells: number;
  quoteProblem: QuoteProblem | null;
  /** For 'bad-closing': the character that followed the closing quote. */
  badChar?: string;
  /** For 'unclosed': the lines that followed were read again as rows of their own. */
  resynced?: boolean;
}

export interface SplitOptions {
  delimiter: string;
  quote?: string;
  /** Whitespace before an opening quote is ignored (csv-parse `trim`). */
  trim: boolean;
  /** A multi-line record is accepted only with this many cells (the header's width). */
  expectedCells?: { min: number; max: number };
  /** A quoted cell may span at most this many lines / characters. */
  maxLines?: number;
  maxChars?: number;
}

interface ScanState {
  quoting: boolean;
  fieldStart: boolean;
  cells: number;
  badChar: string | null;
}

export class RecordSplitter {
  private readonly quote: string;
  private readonly maxLines: number;
  private readonly maxChars: number;
  private queue: PhysicalLine[] = [];
  private current: PhysicalLine[] = [];
  private chars = 0;
  private state: ScanState = freshState();

  constructor(private readonly options: SplitOptions) {
    this.quote = options.quote ?? '"';
    this.maxLines = options.maxLines ?? 1000;
    this.maxChars = options.maxChars ?? 1024 * 1024;
  }

  push(line: PhysicalLine): LogicalRecord[] {
    // The common case: no record under way and no quote in the line, which is then one record.
    if (this.current.length === 0 && this.queue.length === 0 && line.text.indexOf(this.quote) === -1) {
      return [
        {
          text: line.text,
          line: line.line,
          lineCount: 1,
          cells: this.countCells(line.text),
          quoteProblem: null,
        },
      ];
    }
    const out: LogicalRecord[] = [];
    this.queue.push(line);
    this.drain(out);
    return out;
  }

  end(): LogicalRecord[] {
    const out: LogicalRecord[] = [];
    while (this.current.length > 0) {
      // End of input inside a quoted cell.
      if (this.current.length === 1) {
        out.push(this.record('unclosed'));
        this.reset();
      } else {
        this.resync(out);
        this.drain(out);
      }
    }
    return out;
  }

  private drain(out: LogicalRecord[]): void {
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      this.current.push(next);
      this.chars += next.text.length + 1;
      this.scan(next.text);
      if (this.state.quoting) {
        if (this.current.length >= this.maxLines || this.chars >= this.maxChars) this.resync(out);
        continue;
      }
      const multiLine = this.current.length > 1;
      if (multiLine && (this.state.badChar !== null || !this.cellsExpected())) {
        this.resync(out);
        continue;
      }
      out.push(this.record(this.state.badChar === null ? null : 'bad-closing'));
      this.reset();
    }
  }

  /** The first line of the current record is broken: emit it alone, re-read the others. */
  private resync(out: LogicalRecord[]): void {
    const [first, ...others] = this.current;
    this.current = first === undefined ? [] : [first];
    out.push({ ...this.record('unclosed'), resynced: true });
    this.reset();
    this.queue = [...others, ...this.queue];
  }

  private cellsExpected(): boolean {
    const expected = this.options.expectedCells;
    return expected === undefined || (this.state.cells >= expected.min && this.state.cells <= expected.max);
  }

  private record(problem: QuoteProblem | null): LogicalRecord {
    const first = this.current[0]!;
    const rec: LogicalRecord = {
      text: this.current.length === 1 ? first.text : this.current.map((l) => l.text).join('\n'),
      line: first.line,
      lineCount: this.current.length,
      cells: this.state.cells,
      quoteProblem: problem,
    };
    if (problem === 'bad-closing' && this.state.badChar !== null) rec.badChar = this.state.badChar;
    return rec;
  }

  private reset(): void {
    this.current = [];
    this.chars = 0;
    this.state = freshState();
  }

  /** 1 + the delimiters in a text without quotes. */
  private countCells(text: string): number {
    const delimiter = this.options.delimiter;
    let cells = 1;
    for (let i = text.indexOf(delimiter); i !== -1; i = text.indexOf(delimiter, i + delimiter.length))
      cells++;
    return cells;
  }

  /** Advances the quoting state over one physical line (the line break itself is not seen). */
  private scan(text: string): void {
    const { delimiter, trim } = this.options;
    const quote = this.quote;
    const s = this.state;
    const d0 = delimiter.charCodeAt(0);
    const q0 = quote.charCodeAt(0);
    // Fast path: no quote anywhere and not inside a quoted cell.
    if (!s.quoting && text.indexOf(quote) === -1) {
      if (text.length > 0) s.fieldStart = false;
      s.cells += this.countCells(text) - 1;
      return;
    }
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (s.quoting) {
        if (c !== q0) continue;
        if (text.charCodeAt(i + 1) === q0) {
          i++; // escaped quote ""
          continue;
        }
        s.quoting = false;
        const next = i + 1 < n ? text[i + 1]! : '';
        const fine =
          next === '' || text.startsWith(delimiter, i + 1) || (trim && (next === ' ' || next === '\t'));
        if (!fine && s.badChar === null) s.badChar = next;
      } else if (c === d0 && text.startsWith(delimiter, i)) {
        s.cells++;
        s.fieldStart = true;
        i += delimiter.length - 1;
      } else if (c === q0 && s.fieldStart) {
        s.quoting = true;
        s.fieldStart = false;
      } else if (!(trim && s.fieldStart && (c === 32 || c === 9))) {
        s.fieldStart = false;
      }
    }
  }
}

function freshState(): ScanState {
  return { quoting: false, fieldStart: true, cells: 1, badChar: null };
}

/** All logical records of complete text (detection samples, tests). */
export function splitRecords(lines: Iterable<PhysicalLine>, options: SplitOptions): LogicalRecord[] {
  const splitter = new RecordSplitter(options);
  const out: LogicalRecord[] = [];
  for (const line of lines) out.push(...splitter.push(line));
  out.push(...splitter.end());
  return out;
}
