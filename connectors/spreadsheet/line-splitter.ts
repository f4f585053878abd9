/**
 * Decoded text chunks → physical lines with their 1-based numbers. Accepts `\r\n`, `\n` and a
 * lone `\r` (old Mac exports), also when a `\r\n` pair is cut between two chunks.
 */
import { SourceError } from '../../lib/errors.js';

export interface PhysicalLine {
  /** The line without its terminator. */
  text: string;
  /** 1-based line number in the file. */
  line: number;
}

/** A line longer than this is not a spreadsheet row; refusing it keeps memory bounded. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

export class LineSplitter {
  private rest = '';
  private nextLine = 1;

  push(chunk: string): PhysicalLine[] {
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
    if (this.rest.length > MAX_LINE_CHARS) {
      throw new SourceError(`line ${this.nextLine} is longer than ${MAX_LINE_CHARS} characters`, {
        hint: 'This does not look like a CSV/TSV export; check the file and its --mapping encoding/delimiter',
      });
    }
    return out;
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
