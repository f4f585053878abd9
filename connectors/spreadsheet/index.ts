/**
 * The spreadsheet connector, reading side: a CSV/TSV/XLSX file of a legacy spreadsheet → per
 * sheet, a detection report and a stream of canonical records and rejects. It does not touch the
 * warehouse; the import command stages what it yields.
 *
 *   for await (const sheet of readSpreadsheet('clients.csv', { mapping })) {
 *     log(sheet.detection);
 *     for await (const item of sheet.items) item.kind === 'record' ? stage(item.record) : quarantine(item.reject);
 *     log(sheet.summary); // rows = records + rejects; blank rows and title rows are not rows
 *   }
 */
import { isSupportedCountry } from 'libphonenumber-js/max';
import { ConfigError } from '../../lib/errors.js';
import { openCsv } from './csv-reader.js';
import { readHead } from './file-format.js';
import type { MappingFile } from './mapping.js';
import { prepareSheet, type SheetRead } from './sheet.js';
import type { StagingEncoding } from '../contract.js';

export { loadMappingFile, parseMapping, type MappingFile } from './mapping.js';
export type { SheetDetection, SheetRead, SheetSummary, SpreadsheetFormat } from './sheet.js';
export type { SheetItem } from './record-builder.js';

export interface SpreadsheetOptions {
  /** A parsed mapping file (loadMappingFile); what it leaves out is detected. */
  mapping?: MappingFile;
  /** XLSX: read only this sheet (else the mapping's "sheet", else every sheet). */
  sheet?: string;
  /** Region for phone numbers without a country code; 'RU' when unset. */
  defaultRegion?: string;
  /**
   * How staging takes records encoded, when it offers to: a big CSV's reader thread then yields
   * its records already encoded for the engine's bulk path (`kind: 'encoded'`): work staging is spared.
   */
  staging?: StagingEncoding;
  /** How lineage and messages name the file (the path as the user wrote it); `path` by default. */
  label?: string;
}

/**
 * One SheetRead per sheet (CSV/TSV: exactly one; XLSX: every sheet with data, or the named one).
 * Read each sheet's `items` before moving to the next sheet: an XLSX workbook is one stream,
 * and moving on skips what was not read. Throws SourceError for a missing, unreadable or
 * unsupported file, ConfigError for a bad region or a mapping that does not fit the file.
 * `sheet` does not apply to CSV/TSV and is ignored there.
 */
export async function* readSpreadsheet(
  path: string,
  options: SpreadsheetOptions = {},
): AsyncGenerator<SheetRead> {
  const defaultRegion = (options.defaultRegion ?? 'RU').toUpperCase();
  if (!isSupportedCountry(defaultRegion)) {
    throw new ConfigError(`defaultRegion ${JSON.stringify(options.defaultRegion)} is not a country code`, {
      hint: 'Use a two-letter ISO 3166 code such as RU, KZ, BY or US',
    });
  }
  const head = await readHead(path);
  const sheetOptions = { mapping: options.mapping, defaultRegion };
  if (head.kind === 'xlsx') {
    // Loaded only for a workbook: exceljs and its zip libraries cost every command ~0.3 s of CPU to load.
    const { openXlsx } = await import('./xlsx-reader.js');
    for await (const input of openXlsx(
      path,
      options.label ?? path,
      options.sheet ?? options.mapping?.sheet,
    )) {
      yield prepareSheet(input, sheetOptions);
    }
    return;
  }
  yield prepareSheet(
    openCsv(path, options.label ?? path, head, options.mapping, options.staging),
    sheetOptions,
  );
}
