/**
 * Sniffs the cell delimiter of a CSV/TSV sample: for each candidate (`;` `,` tab `|`) the number
 * of cells of every record is counted with quotes respected; the delimiter that gives the most
 * records the same, largest cell count wins. Title rows above the header and ragged rows lower
 * the agreement of every candidate alike, so they do not decide.
 */
import type { PhysicalLine } from './line-splitter.js';
import { splitRecords } from './record-splitter.js';

export const DELIMITER_CANDIDATES = [';', ',', '\t', '|'] as const;

/** How many records of the sample are looked at. */
const SAMPLE_RECORDS = 200;

export interface DelimiterGuess {
  delimiter: string;
  /** Share of sampled records that have the winning cell count (0..1). */
  agreement: number;
  /** The typical cell count with that delimiter. */
  cells: number;
}

export function sniffDelimiter(lines: readonly PhysicalLine[]): DelimiterGuess {
  const sample = lines.filter((l) => l.text.trim() !== '').slice(0, SAMPLE_RECORDS * 2);
  let best: DelimiterGuess | null = null;
  for (const delimiter of DELIMITER_CANDIDATES) {
    const records = splitRecords(sample, { delimiter, trim: true, maxLines: 50 }).slice(0, SAMPLE_RECORDS);
    const guess = score(
      delimiter,
      records.map((r) => r.cells),
    );
    if (guess !== null && (best === null || better(guess, best))) best = guess;
  }
  // No candidate splits anything: a one-column file.
  return best ?? { delimiter: ',', agreement: 1, cells: 1 };
}

/** The most common cell count above 1 and the share of records that have it. */
function score(delimiter: string, counts: number[]): DelimiterGuess | null {
  const freq = new Map<number, number>();
  for (const c of counts) if (c > 1) freq.set(c, (freq.get(c) ?? 0) + 1);
  let mode = 0;
  let modeFreq = 0;
  for (const [cells, f] of freq) {
    if (f > modeFreq || (f === modeFreq && cells > mode)) [mode, modeFreq] = [cells, f];
  }
  if (mode === 0 || counts.length === 0) return null;
  return { delimiter, agreement: modeFreq / counts.length, cells: mode };
}

// Agreement first; nearly equal agreement goes to the delimiter giving more cells (a decimal
// comma in a `;` file makes `,` look consistent on a few rows, never across the header).
function better(a: DelimiterGuess, b: DelimiterGuess): boolean {
  if (Math.abs(a.agreement - b.agreement) > 0.1) return a.agreement > b.agreement;
  return a.cells > b.cells;
}
