/**
 * Finds the header row below title rows ("Список клиентов на 01.03.2015") and blank rows: the
 * first row that looks like a header — several non-empty, distinct, label-like cells (text, not
 * numbers, dates, emails or phones), about as wide as the data — with known synonyms weighing
 * heavily, so that a text-only data row does not beat a header of known column names.
 */
import { conceptOf } from './synonyms.js';

export interface RowText {
  /** 1-based line (CSV) or sheet row number (XLSX). */
  line: number;
  cells: readonly string[];
}

/** Only this many non-blank rows at the top are considered. */
export const HEADER_SCAN_ROWS = 30;

const DATE_LIKE = /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}/;
const MAX_LABEL_LENGTH = 80;

/** A cell that could be a column title. */
export function isLabelLike(cell: string): boolean {
  const s = cell.trim();
  if (s === '' || s.length > MAX_LABEL_LENGTH) return false;
  if (s === '№' || s === '#') return true; // the running-number column of Russian registers
  if (!/\p{L}/u.test(s)) return false;
  if (s.includes('@') || DATE_LIKE.test(s)) return false;
  return true;
}

interface Scored {
  row: RowText;
  nonEmpty: number;
  score: number;
  candidate: boolean;
}

/** The header row among the first rows, or null when every row is blank. */
export function findHeaderRow(rows: readonly RowText[]): RowText | null {
  const top = rows.filter((r) => r.cells.some((c) => c.trim() !== '')).slice(0, HEADER_SCAN_ROWS);
  if (top.length === 0) return null;
  const widest = Math.max(...top.map((r) => nonEmptyCells(r).length));
  const scored = top.map((row) => scoreRow(row, widest));
  const candidates = scored.filter((s) => s.candidate);
  if (candidates.length > 0) {
    const maxScore = Math.max(...candidates.map((c) => c.score));
    return candidates.find((c) => c.score >= maxScore * 0.75)!.row;
  }
  // Nothing looks like a header (numeric column titles?): the first row about as wide as the data.
  return (scored.find((s) => s.nonEmpty >= widest / 2) ?? scored[0]!).row;
}

function nonEmptyCells(row: RowText): string[] {
  return row.cells.map((c) => c.trim()).filter((c) => c !== '');
}

function scoreRow(row: RowText, widest: number): Scored {
  const cells = nonEmptyCells(row);
  const labels = cells.filter(isLabelLike);
  const distinct = new Set(cells.map((c) => c.toLowerCase())).size;
  const known = cells.filter((c) => conceptOf(c) !== null).length;
  const candidate =
    cells.length >= 2 &&
    cells.length >= widest / 2 &&
    labels.length === cells.length &&
    distinct >= cells.length * 0.8;
  return { row, nonEmpty: cells.length, score: cells.length + 3 * known, candidate };
}
