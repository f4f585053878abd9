/**
 * Decoded text chunks → physical lines with their 1-based numbers. Accepts `\r\n`, `\n` and a
 * lone `\r` (old Mac exports), also when a `\r\n` pair is cut between two chunks.
 */
import { limitOf, overLimit } from './limits.js';

export interface PhysicalLine {
  /** The line without its terminator. */
  text: string;
  /** 1-based line number in the file. */
  line: number;
}

export class LineSplitter {
  private rest = '';
  private nextLine = 1;

  /**
   * `maxChars`: a line longer than this is refused (limits.ts, CRM_ETL_MAX_ROW_MB), which keeps
   * memory bounded on a file with no line breaks at all.
   */
  constructor(private readonly maxChars = limitOf('row')) {}

  push(chunk: string): PhysicalLine[] {
    // Inside a long line: appended without looking at the whole line again (a 50 MB line in
    // 32 KB chunks would otherwise be searched ~1,500 times over).
    if (chunk.indexOf('\n') === -1 && chunk.indexOf('\r') === -1 && !this.rest.endsWith('\r')) {
      this.rest += chunk;
      this.checkLength();
      return [];
    }
    const text = this.rest + chunk;
    const out: PhysicalLine[] = [];
    let start = 0;
    // The next `\n` and `\r` from `start` (-1: none left), each searched for again only once
    // passed: the same breaks as /\r\n|\n|\r/g, without a match array per line.
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    while (lf !== -1 || cr !== -1) {
      const from = start;
      let end: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
        if (cr === text.length - 1) break;
        end = cr;
        start = cr + (lf === cr + 1 ? 2 : 1);
      } else {
        end = lf;
        start = lf + 1;
      }
      out.push({ text: text.slice(from, end), line: this.nextLine++ });
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
    }
    this.rest = text.slice(start);
    this.checkLength();
    for (const l of out) if (l.text.length > this.maxChars) throw overLimit('row', `line ${l.line}`);
    return out;
  }

  private checkLength(): void {
    if (this.rest.length > this.maxChars) throw overLimit('row', `line ${this.nextLine}`);
  }

  end(): PhysicalLine[] {
    const out = this.push('');
    if (this.rest.endsWith('\r')) this.rest = this.rest.slice(0, -1);
    if (this.rest !== '') out.push({ text: this.rest, line: this.nextLine++ });
    this.rest = '';
    return out;
  }
}

/** All lines of a complete string (a detection sample or a test input). */
export function splitLines(text: string): PhysicalLine[] {
  const splitter = new LineSplitter();
  return [...splitter.push(text), ...splitter.end()];
}
