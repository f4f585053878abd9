import fs from 'node:fs';
import { loadMappingFile, readSpreadsheet, type SheetDetection } from '../../connectors/spreadsheet/index.js';
import { ConfigError, SourceError } from '../../lib/errors.js';
import { migrate } from '../../warehouse/migrate.js';
import { finishRun, startRun } from '../../warehouse/runs.js';
import { stagingTarget } from '../../warehouse/staging-row.js';
import type { CommandContext } from '../context.js';
import { progressReporter } from '../progress.js';
import { isRejectsReport, RejectsFile } from '../rejects-file.js';
import { stageItems } from '../stage.js';
import { formatTable } from '../table-format.js';

export interface ImportOptions {
  source: string;
  mapping?: string;
  sheet?: string;
  dryRun?: boolean;
  rejects?: string;
  region?: string;
}

/** One sheet's line in the summary: rows = loaded + quarantined + duplicates. */
export interface FileSummary {
  file: string;
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  headerRow: number;
  stream: string;
  rows: number;
  loaded: number;
  quarantined: number;
  duplicates: number;
  inserted: number;
  updated: number;
  withWarnings: number;
  rejectsFile: string | null;
}

export const SOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

export async function importFiles(ctx: CommandContext, files: string[], opts: ImportOptions): Promise<void> {
  if (!SOURCE_NAME.test(opts.source)) {
    throw new ConfigError(`--source '${opts.source}' is not a valid source name`, {
      hint: 'Use letters, digits, and . _ : - (at most 100 characters), e.g. --source sales-sheets',
    });
  }
  for (const file of files) {
    if (!fs.existsSync(file))
      throw new SourceError(`File not found: ${file}`, { hint: 'Check the path and try again' });
  }
  const inputs: string[] = [];
  const skipped: Skipped = [];
  for (const file of files) {
    if (isRejectsReport(file)) skipped.push({ file, reason: REJECTS_REPORT });
    else inputs.push(file);
  }
  for (const s of skipped) ctx.logger.warn(s, 'file skipped');
  const mapping = opts.mapping ? await loadMappingFile(opts.mapping) : undefined;
  const readOptions = { mapping, sheet: opts.sheet, defaultRegion: opts.region?.toUpperCase() };
  if (opts.dryRun) return dryRun(ctx, inputs, readOptions, skipped);
  if (inputs.length === 0) {
    ctx.output({ files: [], skipped }, () => skippedLines(skipped).join('\n'));
    return;
  }

  const summaries: FileSummary[] = [];
  await ctx.withWarehouse(async (wh) => {
    await migrate(wh);
    const runId = await startRun(wh, `import:${opts.source}`);
    try {
      for (const file of inputs) {
        const staging = stagingTarget(wh.adapter, { source: opts.source, runId, file });
        for await (const sheet of readSpreadsheet(file, { ...readOptions, staging })) {
          const rejects = RejectsFile.forInput(
            file,
            sheet.detection.format === 'xlsx' ? sheet.detection.sheet : null,
            opts.rejects,
          );
          const progress = progressReporter(
            ctx,
            `${file}${sheet.detection.sheet ? ` [${sheet.detection.sheet}]` : ''}`,
          );
          const counts = await stageItems(wh, sheet.items, {
            source: opts.source,
            stream: sheet.detection.stream,
            runId,
            file,
            onReject: (r) => rejects.add(r),
            onProgress: progress.update,
          }).finally(progress.stop);
          const rejectsFile = await rejects.close();
          summaries.push({ ...pickDetection(sheet.detection), ...counts, rejectsFile });
          ctx.logger.info({ file, sheet: sheet.detection.sheet, ...counts }, 'file staged');
        }
      }
      await finishRun(wh, runId, 'succeeded', { files: summaries });
    } catch (err) {
      await finishRun(wh, runId, 'failed', { files: summaries }, (err as Error).message).catch(
        () => undefined,
      );
      throw err;
    }
  });
  ctx.output({ files: summaries, ...(skipped.length > 0 ? { skipped } : {}) }, () =>
    [humanSummary(summaries), ...skippedLines(skipped)].join('\n'),
  );
}

const REJECTS_REPORT =
  'a rejects report of an earlier import, not a sheet to stage: fix those rows in the file they came from and import that';

/** Inputs left out, and why (`--json`: `skipped`). */
type Skipped = Array<{ file: string; reason: string }>;

function skippedLines(skipped: Skipped): string[] {
  return skipped.map((s) => `skipped ${s.file}: ${s.reason}`);
}

function pickDetection(d: SheetDetection) {
  return {
    file: d.file,
    encoding: d.encoding,
    delimiter: d.delimiter,
    sheet: d.sheet,
    headerRow: d.headerRow,
    stream: d.stream,
  };
}

function humanSummary(summaries: FileSummary[]): string {
  const table = formatTable(
    ['file', 'sheet', 'stream', 'encoding', 'header row', 'rows', 'loaded', 'quarantined', 'duplicates'],
    summaries.map((s) => [
      s.file,
      s.sheet,
      s.stream,
      s.encoding,
      s.headerRow,
      s.rows,
      s.loaded,
      s.quarantined,
      s.duplicates,
    ]),
  );
  const notes = summaries.flatMap((s) => [
    ...(s.rejectsFile
      ? [`${s.quarantined} rejected row(s) of ${s.file} with reasons: ${s.rejectsFile}`]
      : []),
    ...(s.withWarnings
      ? [
          `${s.withWarnings} loaded row(s) of ${s.file} dropped an unusable optional value (see stg_*.warnings)`,
        ]
      : []),
  ]);
  return [table, ...notes].join('\n');
}

async function dryRun(
  ctx: CommandContext,
  files: string[],
  readOptions: Parameters<typeof readSpreadsheet>[1],
  skipped: Skipped,
): Promise<void> {
  const SHOW = 5;
  const report: Array<
    SheetDetection & {
      rows: number;
      records: number;
      rejects: number;
      sample: unknown[];
      rejectSample: unknown[];
    }
  > = [];
  for (const file of files) {
    for await (const sheet of readSpreadsheet(file, readOptions)) {
      const entry = {
        ...sheet.detection,
        rows: 0,
        records: 0,
        rejects: 0,
        sample: [] as unknown[],
        rejectSample: [] as unknown[],
      };
      for await (const item of sheet.items) {
        entry.rows++;
        if (item.kind === 'record') {
          entry.records++;
          if (entry.sample.length < SHOW) {
            const r = item.record;
            entry.sample.push({
              line: r.lineage.line,
              source_key: r.sourceKey,
              ...r.fields,
              attributes: r.attributes,
              warnings: r.warnings,
            });
          }
        } else if (item.kind === 'encoded') {
          // Only for a reader told where its records are staged, which a dry run never is.
          throw new Error('A dry run read encoded staging rows');
        } else {
          entry.rejects++;
          if (entry.rejectSample.length < SHOW)
            entry.rejectSample.push({ line: item.reject.lineage.line, reason: item.reject.reason });
        }
      }
      report.push(entry);
    }
  }
  ctx.output({ dryRun: true, files: report, ...(skipped.length > 0 ? { skipped } : {}) }, () =>
    [
      ...report.map((s) =>
        [
          `${s.file}${s.sheet ? ` [sheet ${s.sheet}]` : ''}: ${s.format}, encoding ${s.encoding ?? '-'}, delimiter ${JSON.stringify(s.delimiter)}, header on line ${s.headerRow}, stream ${s.stream}`,
          'columns:',
          ...s.columns.map((c) => `  ${c.header} -> ${c.field ?? '(kept in attributes)'}  [${c.how}]`),
          `would stage ${s.records} of ${s.rows} rows; ${s.rejects} would be quarantined. Nothing was written.`,
          'first rows as they would be staged:',
          ...s.sample.map((r) => '  ' + JSON.stringify(r)),
          ...(s.rejectSample.length
            ? ['first rejects:', ...s.rejectSample.map((r) => '  ' + JSON.stringify(r))]
            : []),
        ].join('\n'),
      ),
      ...(skipped.length > 0 ? [skippedLines(skipped).join('\n')] : []),
    ].join('\n\n'),
  );
}
