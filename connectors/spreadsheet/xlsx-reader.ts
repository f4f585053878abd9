/**
 * XLSX workbooks through exceljs's streaming WorkbookReader (never the whole workbook in memory;
 * exceljs parks worksheets that precede the shared strings in temporary files). Every sheet is
 * read in workbook order, or only the named one. Date cells arrive as Dates, formula cells as
 * their cached result (never evaluated), rich text and hyperlinks as their text.
 *
 * exceljs 4.4 / unzipper 0.10 race: unzipper's Parse emits 'end' by hand when its input is
 * finished, even while parsed entries still wait in its (paused) readable buffer; exceljs's
 * iterateStream then stops and the last entries of the zip are silently lost (the workbook part,
 * shared strings, or whole sheets of a small workbook; seen in ~1 of 300 reads under load).
 * We take that hand-made 'end' away from the parser exceljs creates (the stream still ends
 * properly, after its buffer is drained), and check the worksheets delivered against the
 * worksheet parts listed in the zip directory, so a read that still misses one fails loudly.
 */
import { createReadStream } from 'node:fs';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { SourceError } from '../../lib/errors.js';
import type { RawRow } from '../canonical/cells.js';
import { HEADER_SCAN_ROWS } from './header-row.js';
import type { SheetInput } from './sheet.js';
import { rowLimits, toRawRow, type RowLimits } from './xlsx-cells.js';
import { InflateGuard } from './xlsx-limits.js';
import { worksheetParts, zipDirectory } from './zip-directory.js';
import { limitOf, overLimit } from './limits.js';

// The worksheet parts exceljs's streaming reader recognizes.
const EXCELJS_SHEET_PART = /^xl\/worksheets\/sheet\d+\.xml$/;

interface SheetRows {
  name: string;
  rows: AsyncIterator<ExcelJS.Row>;
}

/**
 * One SheetInput per selected worksheet. The rows of a sheet must be read (or are skipped) before
 * the next sheet comes: a workbook is one zip stream.
 */
export async function* openXlsx(
  path: string,
  file: string,
  wanted: string | undefined,
): AsyncGenerator<SheetInput> {
  const parts = await expectedSheetParts(path, file);
  const source = createReadStream(path);
  const guard = new InflateGuard(file, source);
  const limits = rowLimits();
  const pipe = source.pipe.bind(source);
  source.pipe = (<T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T => {
    withoutEarlyEnd(dest as unknown as Writable);
    guard.watch(dest as unknown as Writable);
    return pipe(dest, options);
  }) as typeof source.pipe;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(source, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const seen: string[] = [];
  let found = false;
  const worksheets = guard.iterator(reader[Symbol.asyncIterator]());
  try {
    for (let next = await worksheets.next(); !next.done; next = await worksheets.next()) {
      const worksheet = next.value;
      const name = (worksheet as unknown as { name?: string }).name ?? `Sheet${seen.length + 1}`;
      seen.push(name);
      const sheet: SheetRows = { name, rows: guard.iterator(worksheet[Symbol.asyncIterator]()) };
      if (wanted !== undefined && !sameName(name, wanted)) {
        await drain(sheet.rows);
        continue;
      }
      found = true;
      const sheetInputValue = await sheetInput(sheet, file, limits);
      if (sheetInputValue !== null) yield sheetInputValue;
      await drain(sheet.rows); // whatever the consumer did not read
    }
  } catch (err) {
    // A limit crossed may surface as exceljs's own error about the input it no longer gets.
    if (guard.failure !== null) throw guard.failure;
    if (err instanceof SourceError) throw err;
    throw new SourceError(`cannot read workbook ${file}: ${(err as Error).message}`, {
      hint: 'The file may be damaged; open and re-save it in Excel, or export the sheet as CSV',
      cause: err,
    });
  } finally {
    guard.close();
    source.destroy();
  }
  if (parts !== null && seen.length !== parts.length) {
    throw new SourceError(
      `workbook ${file} was not read completely: ${seen.length} of ${parts.length} worksheets`,
      {
        hint: 'Run the import again; if it persists, re-save the workbook in Excel or export the sheets as CSV',
      },
    );
  }
  if (wanted !== undefined && !found) {
    throw new SourceError(
      `sheet ${JSON.stringify(wanted)} is not in ${file} (sheets: ${seen.map((s) => JSON.stringify(s)).join(', ')})`,
      { hint: 'Pass --sheet (or "sheet" in the mapping) with one of these names' },
    );
  }
}

/** Removes unzipper's `on('finish', () => emit('end'))` from the zip parser (see above). */
function withoutEarlyEnd(parser: Writable): void {
  for (const listener of parser.listeners('finish')) {
    if (/emit\(\s*['"]end['"]\s*\)/.test(String(listener))) {
      parser.removeListener('finish', listener as (...args: unknown[]) => void);
    }
  }
}

/** The worksheet parts of the zip directory; null when it cannot be inspected (zip64). */
async function expectedSheetParts(path: string, file: string): Promise<string[] | null> {
  const dir = await zipDirectory(path);
  if (dir === null) return null;
  if ('error' in dir) {
    throw new SourceError(`${file} is not a readable XLSX workbook: ${dir.error}`, {
      hint: 'The file may be damaged or incompletely copied; open and re-save it in Excel',
    });
  }
  if (dir.unzipped > limitOf('unzipped')) throw overLimit('unzipped', file);
  const names = dir.names;
  const parts = worksheetParts(names);
  const odd = parts.find((p) => !EXCELJS_SHEET_PART.test(p));
  if (odd !== undefined) {
    throw new SourceError(`${file} stores a worksheet as ${odd}, which the streaming reader cannot read`, {
      hint: 'Open and re-save the workbook in Excel (or export the sheets as CSV)',
    });
  }
  return parts;
}

/** The first rows for detection, then the rest of the sheet; null for a sheet without data. */
async function sheetInput(sheet: SheetRows, file: string, limits: RowLimits): Promise<SheetInput | null> {
  const sample: RawRow[] = [];
  let nonBlank = 0;
  let done = false;
  while (nonBlank < HEADER_SCAN_ROWS * 2) {
    const next = await sheet.rows.next();
    if (next.done) {
      done = true;
      break;
    }
    const row = toRawRow(next.value, limits);
    sample.push(row);
    if (row.cells.length > 0) nonBlank++;
  }
  if (nonBlank === 0 && done) return null;
  let used = false;
  return {
    file,
    format: 'xlsx',
    encoding: null,
    delimiter: null,
    sheet: sheet.name,
    sample,
    rowBatches: () => {
      if (used) throw new Error('the rows of a worksheet can be read once');
      used = true;
      return remainingRows(sample, done ? null : sheet.rows, limits);
    },
  };
}

/** Rows handed on at once after the sample. */
const BATCH_ROWS = 256;

/**
 * The sample, then the further rows as the streaming reader gives them, BATCH_ROWS at a time:
 * the steps after the reader take a turn of async iteration per batch, not per row.
 */
async function* remainingRows(
  sample: readonly RawRow[],
  rest: AsyncIterator<ExcelJS.Row> | null,
  limits: RowLimits,
): AsyncGenerator<readonly RawRow[]> {
  yield sample;
  if (rest === null) return;
  let batch: RawRow[] = [];
  for (let next = await rest.next(); !next.done; next = await rest.next()) {
    batch.push(toRawRow(next.value, limits));
    if (batch.length === BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function drain(rows: AsyncIterator<ExcelJS.Row>): Promise<void> {
  for (let next = await rows.next(); !next.done; next = await rows.next()) {
    // skipped
  }
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
