/**
 * exceljs rows and cell values → plain rows: numbers, booleans and Dates stay typed; formulas
 * give the value Excel cached when it last calculated (we never evaluate), or their text when
 * the workbook holds no result; rich text and hyperlinks give their text; errors their code.
 */
import type ExcelJS from 'exceljs';
import { cellsAsCsv, type Cell, type RawRow } from '../canonical/cells.js';
import { limitOf, overLimit } from './limits.js';

/** The row limits (limits.ts), read once per workbook. */
export interface RowLimits {
  columns: number;
  cell: number;
  row: number;
}

export function rowLimits(): RowLimits {
  return { columns: limitOf('columns'), cell: limitOf('cell'), row: limitOf('row') };
}

export function toRawRow(row: ExcelJS.Row, limits: RowLimits = rowLimits()): RawRow {
  const values = row.values as unknown[];
  const cells: Cell[] = [];
  let chars = 0;
  for (let i = 1; i < values.length; i++) {
    const cell = toCell(values[i]);
    if (typeof cell === 'string') {
      if (cell.length > limits.cell) throw overLimit('cell', `a cell in row ${row.number}`);
      chars += cell.length;
    }
    cells.push(cell);
  }
  while (cells.length > 0 && isEmpty(cells[cells.length - 1]!)) cells.pop();
  if (cells.length > limits.columns) throw overLimit('columns', `row ${row.number}`);
  if (chars > limits.row) throw overLimit('row', `row ${row.number}`);
  return { line: row.number, cells, raw: cellsAsCsv(cells) };
}

export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) {
    return (v.richText as Array<{ text?: unknown }>).map((r) => String(r.text ?? '')).join('');
  }
  if ('formula' in v || 'sharedFormula' in v) {
    if (v.result !== undefined) return toCell(v.result);
    // Never calculated (written by a program): the formula as inert text, so it is seen.
    return `=${String(v.formula ?? v.sharedFormula)}`;
  }
  if ('error' in v) return String(v.error);
  if ('text' in v) return toCell(v.text);
  return null;
}

function isEmpty(cell: Cell): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}
