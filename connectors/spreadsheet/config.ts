/**
 * A spreadsheet source as the config file writes it:
 *
 *   - { name: sales-sheets, connector: spreadsheet, path: "imports/*.csv", mapping: "maps/sales.json" }
 *
 * `path` is a file, a glob in its last segment, or a list of them, relative to the config file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SourceNameSchema } from '../source-name.js';
import { isRejectsReport } from './rejects-report.js';

export const SpreadsheetSourceSchema = z
  .object({
    name: SourceNameSchema,
    connector: z.literal('spreadsheet'),
    path: z.union([z.string(), z.array(z.string()).min(1)]),
    mapping: z.string().optional(),
    sheet: z.string().optional(),
  })
  .strict();

export type SpreadsheetSourceConfig = z.infer<typeof SpreadsheetSourceSchema>;

/** One file a source reads: where it is, and how lineage names it. */
export interface SpreadsheetInput {
  file: string;
  /** As the config (or the command line) wrote it, or relative to the config's folder for a glob's match. */
  label: string;
  /** A rejects report of an earlier import: listed as skipped, not read. */
  rejectsReport: boolean;
}

/** The files a source's `path` names, in order; a pattern's rejects reports are left out. */
export function spreadsheetInputs(src: SpreadsheetSourceConfig, baseDir: string): SpreadsheetInput[] {
  const patterns = Array.isArray(src.path) ? src.path : [src.path];
  return patterns.flatMap((pattern) => {
    const resolved = path.resolve(baseDir, pattern);
    if (!isPattern(pattern)) {
      return fs.existsSync(resolved)
        ? [{ file: resolved, label: pattern, rejectsReport: isRejectsReport(resolved) }]
        : [];
    }
    return expandGlob(resolved).map((file) => ({
      file,
      label: path.relative(baseDir, file) || file,
      rejectsReport: false,
    }));
  });
}

function isPattern(p: string): boolean {
  return /[*?]/.test(path.basename(p));
}

/**
 * `*` and `?` in the last path segment (imports/*.csv); other segments are literal. Rejects
 * reports that earlier imports left among the matches (isRejectsReport) are left out.
 */
export function expandGlob(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!isPattern(pattern)) return fs.existsSync(pattern) ? [pattern] : [];
  if (!fs.existsSync(dir)) return [];
  const re = new RegExp(
    '^' +
      base
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
  return fs
    .readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => path.join(dir, f))
    .filter((f) => !isRejectsReport(f));
}
