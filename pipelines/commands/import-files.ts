import fs from 'node:fs';
import { allConnectors, connectorFor } from '../../connectors/index.js';
import type { ConnectorContext, SourceConfigBase, SourceRecord } from '../../connectors/contract.js';
import { SOURCE_NAME } from '../../connectors/source-name.js';
import { ConfigError, SourceError } from '../../lib/errors.js';
import { formatTable } from '../../lib/table-format.js';
import { migrate } from '../../warehouse/migrate.js';
import { finishRun, startRun } from '../../warehouse/runs.js';
import type { LoadedConfig } from '../config.js';
import type { CommandContext } from '../context.js';
import { extractSource, type StreamResult } from '../extract.js';
import { progressReporter } from '../progress.js';

export interface ImportOptions {
  source: string;
  mapping?: string;
  sheet?: string;
  dryRun?: boolean;
  rejects?: string;
  region?: string;
}

/** One sheet's (mailbox's) line in the summary: rows = loaded + skipped + quarantined + duplicates. */
export interface FileSummary {
  file: string;
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  headerRow: number;
  stream: string;
  rows: number;
  loaded: number;
  /** Read and left out on purpose (mail that is no conversation), by reason in skippedBy. */
  skipped: number;
  skippedBy?: Record<string, number>;
  quarantined: number;
  duplicates: number;
  /** Records of other streams staged with the input's own (the contacts its letters name). */
  companions?: Record<string, { rows: number; loaded: number; duplicates: number }>;
  inserted: number;
  updated: number;
  withWarnings: number;
  rejectsFile: string | null;
}

export { SOURCE_NAME };

/**
 * `crm-etl import <file…> --source <name>`: the files are read by the connector of the configured
 * source of that name, else by the connector that claims them (mail files), else as
 * spreadsheets; then staged through the same extract loop a pipeline runs.
 */
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
  const src = await importSource(ctx.loaded, files, opts);
  const base = {
    baseDir: process.cwd(),
    defaultRegion: (opts.region ?? ctx.loaded?.config.defaultRegion ?? 'RU').toUpperCase(),
    logger: ctx.logger,
  };
  if (opts.dryRun) return dryRun(ctx, src, base);

  const summaries: FileSummary[] = [];
  let skipped: Skipped = [];
  await ctx.withWarehouse(async (wh) => {
    await migrate(wh);
    const runId = await startRun(wh, `import:${opts.source}`);
    try {
      const result = await extractSource(src, {
        wh,
        runId,
        ...base,
        rejects: opts.rejects,
        progress: (s) => progressReporter(ctx, s.name),
      });
      skipped = result.skipped;
      for (const s of result.inputs) {
        summaries.push(fileSummary(s));
        ctx.logger.info(
          { file: s.file, sheet: s.sheet, rows: s.rows, loaded: s.loaded, quarantined: s.quarantined },
          'file staged',
        );
      }
      const first = result.failed[0];
      if (first) {
        throw new SourceError(
          result.failed.length === 1
            ? first.error
            : result.failed.map((f) => `${f.name}: ${f.error}`).join('; '),
        );
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

/** The source that reads these files: the configured one of that name, with the command line's options. */
async function importSource(
  loaded: LoadedConfig | undefined,
  files: string[],
  opts: ImportOptions,
): Promise<SourceConfigBase> {
  const configured = Object.values(loaded?.config.pipelines ?? {})
    .flatMap((p) => p.sources)
    .find((s) => s.name === opts.source);
  const kind =
    configured?.connector ??
    (await allConnectors()).find(
      (c) => c.mode === 'pull' && files.length > 0 && files.every((f) => c.claimsFile?.(f)),
    )?.kind ??
    'spreadsheet';
  const connector = await connectorFor(kind);
  if (connector.mode !== 'pull' || !connector.importConfig) {
    throw new ConfigError(`Source '${opts.source}' is a ${kind} source: it has no files to import`, {
      hint: 'Import files under a source name of their own, e.g. --source sheets',
    });
  }
  const mapping = opts.mapping ?? configuredMapping(configured, loaded);
  return connector.importConfig(opts.source, files, configured, { mapping, sheet: opts.sheet });
}

function configuredMapping(configured: SourceConfigBase | undefined, loaded: LoadedConfig | undefined) {
  const mapping = (configured as { mapping?: unknown } | undefined)?.mapping;
  return typeof mapping === 'string' && loaded ? `${loaded.dir}/${mapping}` : undefined;
}

function fileSummary(s: StreamResult): FileSummary {
  const d = s.detail ?? {};
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    file: s.file,
    encoding: text(d.encoding),
    delimiter: text(d.delimiter),
    sheet: s.sheet,
    headerRow: typeof d.headerRow === 'number' ? d.headerRow : 0,
    stream: s.stream,
    rows: s.rows,
    loaded: s.loaded,
    skipped: s.skipped,
    ...(s.skippedBy ? { skippedBy: s.skippedBy } : {}),
    quarantined: s.quarantined,
    duplicates: s.duplicates,
    ...(s.companions
      ? {
          companions: Object.fromEntries(
            Object.entries(s.companions).map(([k, c]) => [
              k,
              { rows: c.rows, loaded: c.loaded, duplicates: c.duplicates },
            ]),
          ),
        }
      : {}),
    inserted: s.inserted,
    updated: s.updated,
    withWarnings: s.withWarnings,
    rejectsFile: s.rejectsFile,
  };
}

/** Inputs left out, and why (`--json`: `skipped`). */
type Skipped = Array<{ file: string; reason: string }>;

function skippedLines(skipped: Skipped): string[] {
  return skipped.map((s) => `skipped ${s.file}: ${s.reason}`);
}

function humanSummary(summaries: FileSummary[]): string {
  const anySkipped = summaries.some((s) => s.skipped > 0);
  const table = formatTable(
    [
      'file',
      'sheet',
      'stream',
      'encoding',
      'header row',
      'rows',
      'loaded',
      ...(anySkipped ? ['skipped'] : []),
      'quarantined',
      'duplicates',
    ],
    summaries.map((s) => [
      s.file,
      s.sheet,
      s.stream,
      s.encoding,
      s.headerRow,
      s.rows,
      s.loaded,
      ...(anySkipped ? [s.skipped] : []),
      s.quarantined,
      s.duplicates,
    ]),
  );
  const notes = summaries.flatMap((s) => [
    ...(s.skippedBy
      ? [
          `${s.skipped} row(s) of ${s.file} skipped: ${Object.entries(s.skippedBy)
            .map(([reason, n]) => `${n} ${reason}`)
            .join(', ')}`,
        ]
      : []),
    ...Object.entries(s.companions ?? {}).map(
      ([stream, c]) =>
        `${s.file} also gave ${c.rows} ${stream} row(s): ${c.loaded} loaded, ${c.duplicates} duplicates`,
    ),
    ...(s.rejectsFile
      ? [`${s.quarantined} rejected row(s) of ${s.file} with reasons: ${s.rejectsFile}`]
      : []),
    ...(s.withWarnings
      ? [
          // Not only drops: a day-00 birth date is kept in part (birth_date_partial), with a warning.
          `${s.withWarnings} loaded row(s) of ${s.file} have warnings: an optional value dropped as unusable or kept in part (see stg_*.warnings)`,
        ]
      : []),
  ]);
  return [table, ...notes].join('\n');
}

async function dryRun(
  ctx: CommandContext,
  src: SourceConfigBase,
  base: Omit<ConnectorContext, 'stagingEncoding'>,
): Promise<void> {
  const SHOW = 5;
  const report: Array<
    Record<string, unknown> & {
      file: string;
      sheet: string | null;
      stream: string;
      rows: number;
      records: number;
      rejects: number;
      skipped: number;
      companions: number;
      sample: unknown[];
      rejectSample: unknown[];
    }
  > = [];
  const skipped: Skipped = [];
  const connector = await connectorFor(src.connector);
  if (connector.mode !== 'pull') return;
  for await (const s of connector.streams(src, base)) {
    if ('skipped' in s) {
      skipped.push({ file: s.name, reason: s.skipped });
      continue;
    }
    if ('error' in s) throw s.error;
    const entry = {
      ...(s.detail ?? {}),
      file: s.input,
      sheet: typeof s.detail?.sheet === 'string' ? s.detail.sheet : null,
      stream: s.stream,
      rows: 0,
      records: 0,
      rejects: 0,
      skipped: 0,
      companions: 0,
      sample: [] as unknown[],
      rejectSample: [] as unknown[],
    };
    for await (const batch of s.read(null)) {
      for await (const item of batch.items) {
        // Another stream's records that come with this one (a letter's contacts) are not its rows.
        if (item.kind === 'record' && item.record.stream !== s.stream) {
          entry.companions++;
          continue;
        }
        entry.rows++;
        if (item.kind === 'record') {
          entry.records++;
          if (entry.sample.length < SHOW) entry.sample.push(sampleOf(item.record));
        } else if (item.kind === 'encoded') {
          // Only for a reader offered a StagingEncoding, which a dry run never does.
          throw new Error('A dry run read encoded staging rows');
        } else if (item.kind === 'skip') {
          entry.skipped++;
        } else {
          entry.rejects++;
          if (entry.rejectSample.length < SHOW)
            entry.rejectSample.push({ line: item.reject.lineage.line, reason: item.reject.reason });
        }
      }
    }
    report.push(entry);
  }
  ctx.output({ dryRun: true, files: report, ...(skipped.length > 0 ? { skipped } : {}) }, () =>
    [
      ...report.map((s) => {
        const columns = (s.columns ?? []) as Array<{ header: string; field: string | null; how: string }>;
        return [
          `${s.file}${s.sheet ? ` [sheet ${s.sheet}]` : ''}: ${String(s.format)}, encoding ${String(s.encoding ?? '-')}, delimiter ${JSON.stringify(s.delimiter)}, header on line ${String(s.headerRow)}, stream ${s.stream}`,
          'columns:',
          ...columns.map((c) => `  ${c.header} -> ${c.field ?? '(kept in attributes)'}  [${c.how}]`),
          `would stage ${s.records} of ${s.rows} rows; ${s.rejects} would be quarantined${s.skipped ? `, ${s.skipped} skipped` : ''}. Nothing was written.`,
          'first rows as they would be staged:',
          ...s.sample.map((r) => '  ' + JSON.stringify(r)),
          ...(s.rejectSample.length
            ? ['first rejects:', ...s.rejectSample.map((r) => '  ' + JSON.stringify(r))]
            : []),
        ].join('\n');
      }),
      ...(skipped.length > 0 ? [skippedLines(skipped).join('\n')] : []),
    ].join('\n\n'),
  );
}

function sampleOf(r: SourceRecord) {
  return {
    line: r.lineage.line,
    source_key: r.sourceKey,
    ...r.fields,
    attributes: r.attributes,
    warnings: r.warnings,
  };
}
