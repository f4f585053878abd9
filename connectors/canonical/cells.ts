/**
 * A row as the readers deliver it: typed cells (CSV gives strings; XLSX also numbers, booleans
 * and Dates) plus the raw text an operator sees in quarantine.
 */

export type Cell = string | number | boolean | Date | null;

export interface RawRow {
  /** 1-based line (CSV: first physical line of the record) or sheet row number (XLSX). */
  line: number;
  cells: Cell[];
  /** The row as text: the record's original line(s), or the XLSX cells joined CSV-style. */
  raw: string;
  /** Set when the row cannot be split into cells (broken quoting); `cells` is then empty. */
  error?: string;
}

/** Text of a cell for display, attributes and headers ('' for an empty cell). */
export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'number') return numberText(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return isoFromDate(cell);
}

/**
 * An identifier that a spreadsheet stored as a number (INN 7701234567, phone 79161234567):
 * the integer as written, never "7.7e9" or "7701234567.0".
 */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Math.round(n);
  if (Math.abs(n - rounded) < 1e-9 * Math.max(1, Math.abs(n))) return BigInt(rounded).toString();
  return String(n);
}

/** Date cell (its UTC parts are the wall time Excel showed) → YYYY-MM-DD[THH:mm:ss]. */
export function isoFromDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)}T${time}`;
}

export function isBlank(cells: readonly Cell[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

/** Cells as one CSV line (for the raw text of XLSX rows). */
export function cellsAsCsv(cells: readonly Cell[]): string {
  return cells
    .map((c) => {
      const s = cellText(c);
      return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
