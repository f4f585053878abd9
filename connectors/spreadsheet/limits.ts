/**
 * What one spreadsheet may hold before it is refused: any file a user picks up from an inbox is
 * input, and without these a single hostile file takes the process down (a 104 KB workbook whose
 * shared string inflates to 100 MB grew the heap to its 4 GB limit). Each is an environment
 * variable, read when a file is opened; going over one fails the file with one line that names
 * the limit and how to raise it. Sizes are MB of text: millions of characters of a CSV as
 * decoded, millions of bytes of an XLSX's XML as inflated.
 */
import { readEnvLimit, type EnvLimit } from '../../lib/env-limit.js';
import { SourceError } from '../../lib/errors.js';

export interface InputLimit extends EnvLimit {
  unit: 'MB' | 'columns';
}

export const INPUT_LIMITS = Object.freeze({
  cell: { env: 'CRM_ETL_MAX_CELL_MB', fallback: 1, unit: 'MB', what: 'one cell or shared string' },
  row: { env: 'CRM_ETL_MAX_ROW_MB', fallback: 8, unit: 'MB', what: 'one row or line' },
  columns: { env: 'CRM_ETL_MAX_COLUMNS', fallback: 2_000, unit: 'columns', what: 'cells in one row' },
  unzipped: { env: 'CRM_ETL_MAX_UNZIPPED_MB', fallback: 1_024, unit: 'MB', what: 'a workbook, unzipped' },
  sharedStrings: {
    env: 'CRM_ETL_MAX_SHARED_STRINGS_MB',
    fallback: 100,
    unit: 'MB',
    what: "a workbook's shared strings (held in memory while its sheets are read)",
  },
} satisfies Record<string, InputLimit>);

export type LimitName = keyof typeof INPUT_LIMITS;

/** The limit's value: characters or bytes for MB limits, a count for columns. */
export function limitOf(name: LimitName, env: NodeJS.ProcessEnv = process.env): number {
  return readEnvLimit(INPUT_LIMITS[name], env);
}

/** The refusal of a file for going over a limit: "<where> is over the limit of 8 MB for one row (CRM_ETL_MAX_ROW_MB)". */
export function overLimit(name: LimitName, where: string, env: NodeJS.ProcessEnv = process.env): SourceError {
  const spec: InputLimit = INPUT_LIMITS[name];
  const value = limitOf(name, env);
  const shown = spec.unit === 'MB' ? `${value / 1_000_000} MB` : `${value} columns`;
  return new SourceError(`${where} is over the limit of ${shown} for ${spec.what} (${spec.env})`, {
    hint: `If the file is what you expect, set ${spec.env} higher (now ${spec.unit === 'MB' ? value / 1_000_000 : value}) and run again`,
  });
}
