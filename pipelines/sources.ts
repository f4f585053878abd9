import fs from 'node:fs';
import path from 'node:path';
import { loadMappingFile, readSpreadsheet } from '../connectors/spreadsheet/index.js';
import { SourceError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Warehouse } from '../warehouse/connection.js';
import { stagingTarget } from '../warehouse/staging-row.js';
import type { SourceConfig, SpreadsheetSourceConfig } from './config.js';
import { isRejectsReport, RejectsFile } from './rejects-file.js';
import { stageItems, type StageCounts } from './stage.js';

export interface SourceResult {
  source: string;
  inputs: Array<
    { file: string; sheet: string | null; stream: string; rejectsFile: string | null } & StageCounts
  >;
}

export interface ExtractContext {
  wh: Warehouse;
  runId: number;
  baseDir: string;
  defaultRegion: string;
  logger: Logger;
  /** Incremental sources read everything again instead of what changed since their saved position. */
  full?: boolean;
  /** Incremental sources stop after the batch in flight when this aborts. */
  signal?: AbortSignal;
  /**
   * Kept by the runner across the retries of one source within a run: what earlier attempts did
   * (an incremental source resumes from what they committed and reports their rows too).
   */
  attempts?: Map<string, unknown>;
}

type Extractor<C extends SourceConfig['connector']> = (
  src: Extract<SourceConfig, { connector: C }>,
  ctx: ExtractContext,
) => Promise<SourceResult>;

/** Extracts one configured source into staging. One entry per connector kind. */
const CONNECTORS: { readonly [C in SourceConfig['connector']]: Extractor<C> } = Object.freeze({
  spreadsheet: extractSpreadsheets,
  erp: async (src, ctx) => (await import('./extract-erp.js')).extractErp(src, ctx),
});

export function extractSource(src: SourceConfig, ctx: ExtractContext): Promise<SourceResult> {
  return (CONNECTORS[src.connector] as Extractor<typeof src.connector>)(src as never, ctx);
}

async function extractSpreadsheets(src: SpreadsheetSourceConfig, ctx: ExtractContext): Promise<SourceResult> {
  const patterns = Array.isArray(src.path) ? src.path : [src.path];
  const files = patterns.flatMap((p) => expandGlob(path.resolve(ctx.baseDir, p)));
  if (files.length === 0) {
    throw new SourceError(`Source '${src.name}': no file matches ${patterns.join(', ')}`, {
      hint: 'Check the path in the config (relative to the config file)',
    });
  }
  const mapping = src.mapping ? await loadMappingFile(path.resolve(ctx.baseDir, src.mapping)) : undefined;
  const result: SourceResult = { source: src.name, inputs: [] };
  for (const file of files) {
    const stagedAs = path.relative(ctx.baseDir, file) || file;
    const staging = stagingTarget(ctx.wh.adapter, { source: src.name, runId: ctx.runId, file: stagedAs });
    for await (const sheet of readSpreadsheet(file, {
      mapping,
      sheet: src.sheet,
      defaultRegion: ctx.defaultRegion,
      staging,
    })) {
      const rejects = RejectsFile.forInput(
        file,
        sheet.detection.format === 'xlsx' ? sheet.detection.sheet : null,
      );
      const counts = await stageItems(ctx.wh, sheet.items, {
        source: src.name,
        stream: sheet.detection.stream,
        runId: ctx.runId,
        file: stagedAs,
        onReject: (r) => rejects.add(r),
      });
      const rejectsFile = await rejects.close();
      result.inputs.push({
        file,
        sheet: sheet.detection.sheet,
        stream: sheet.detection.stream,
        rejectsFile,
        ...counts,
      });
      ctx.logger.info(
        { source: src.name, file: path.basename(file), sheet: sheet.detection.sheet, ...counts },
        'staged',
      );
    }
  }
  return result;
}

/**
 * `*` and `?` in the last path segment (imports/*.csv); other segments are literal. Rejects
 * reports that earlier imports left among the matches (rejects-file.ts isRejectsReport) are left out.
 */
export function expandGlob(pattern: string): string[] {
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  if (!/[*?]/.test(base)) return fs.existsSync(pattern) ? [pattern] : [];
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
