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

const BREAK = /\r\n|\n|\r/g;

export class LineSplitter {
  private rest = '';
  private nextLine = 1;

  push(chunk: string): PhysicalLine[] {
    const text = this.rest + chunk;
    const out: PhysicalLine[] = [];
    let start = 0;
    BREAK.lastIndex = 0;
    for (let m = BREAK.exec(text); m !== null; m = BREAK.exec(text)) {
      // A `\r` at the very end may be the first half of `\r\n`: wait for the next chunk.
      if (m[0] === '\r' && m.index === text.length - 1) break;
      out.push({ text: text.slice(start, m.index), line: this.nextLine++ });
      start = m.index + m[0].length;
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
