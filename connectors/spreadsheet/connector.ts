/**
 * The spreadsheet connector: each file of a source (each sheet of a workbook) is one stream,
 * read whole and staged as one input, so a file imported again replaces its earlier rejects and
 * its unchanged rows count as duplicates. Which staging stream a sheet feeds is detected from its
 * header (or named by the mapping), so a stream is known only once its file is opened.
 */
import path from 'node:path';
import { SourceError } from '../../lib/errors.js';
import type { CheckResult, ConnectorContext, PullConnector, SourceStream } from '../contract.js';
import { SpreadsheetSourceSchema, spreadsheetInputs, type SpreadsheetSourceConfig } from './config.js';
import { loadMappingFile, readSpreadsheet } from './index.js';
import { REJECTS_REPORT_REASON } from './rejects-report.js';

export const spreadsheetConnector: PullConnector<SpreadsheetSourceConfig> = Object.freeze({
  kind: 'spreadsheet',
  mode: 'pull',
  configSchema: SpreadsheetSourceSchema,

  async check(src: SpreadsheetSourceConfig, ctx: ConnectorContext): Promise<CheckResult> {
    const files = spreadsheetInputs(src, ctx.baseDir)
      .filter((i) => !i.rejectsReport)
      .map((i) => i.file);
    return {
      ok: files.length > 0,
      json: { source: src.name, connector: 'spreadsheet', ok: files.length > 0, files },
      text: [
        `Source '${src.name}' (spreadsheet): ${files.length > 0 ? 'OK' : 'FAILED'}`,
        files.length ? files.map((f) => `  ${f}`).join('\n') : '  no file matches its path',
      ].join('\n'),
    };
  },

  async *streams(src: SpreadsheetSourceConfig, ctx: ConnectorContext) {
    const inputs = spreadsheetInputs(src, ctx.baseDir);
    if (inputs.length === 0) {
      const patterns = Array.isArray(src.path) ? src.path : [src.path];
      throw new SourceError(`Source '${src.name}': no file matches ${patterns.join(', ')}`, {
        hint: 'Check the path in the config (relative to the config file)',
      });
    }
    const mapping = src.mapping ? await loadMappingFile(path.resolve(ctx.baseDir, src.mapping)) : undefined;
    for (const input of inputs) {
      if (input.rejectsReport) {
        yield { name: input.label, skipped: REJECTS_REPORT_REASON };
        continue;
      }
      try {
        for await (const sheet of readSpreadsheet(input.file, {
          mapping,
          sheet: src.sheet,
          defaultRegion: ctx.defaultRegion,
          staging: ctx.stagingEncoding?.(input.label),
          label: input.label,
        })) {
          const d = sheet.detection;
          const stream: SourceStream = {
            name: d.sheet === null ? input.label : `${input.label} [${d.sheet}]`,
            stream: d.stream,
            primaryKey: 'source_key',
            input: input.label,
            quarantineBy: 'input',
            rejectsReport: { file: input.file, sheet: d.format === 'xlsx' ? d.sheet : null },
            detail: { ...d },
            // A sheet is read once, whole: its rows are staged in one transaction.
            read: async function* () {
              yield { items: sheet.items };
            },
          };
          yield stream;
        }
      } catch (error) {
        yield { name: input.label, error };
      }
    }
  },

  importConfig(
    name: string,
    files: string[],
    configured: SpreadsheetSourceConfig | undefined,
    options: Record<string, unknown>,
  ) {
    return SpreadsheetSourceSchema.parse({
      ...(configured ?? {}),
      name,
      connector: 'spreadsheet',
      path: files,
      ...(typeof options.mapping === 'string' ? { mapping: options.mapping } : {}),
      ...(typeof options.sheet === 'string' ? { sheet: options.sheet } : {}),
    });
  },
});
