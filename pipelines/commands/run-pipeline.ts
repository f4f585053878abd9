import path from 'node:path';
import { CrmEtlError } from '../../lib/errors.js';
import { packageRoot } from '../../lib/package-root.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { DEFAULT_WAREHOUSE_URL } from '../../warehouse/url.js';
import { findConfig, loadConfig, type LoadedConfig } from '../config.js';
import type { CommandContext } from '../context.js';
import type { RunReport } from '../runner.js';
import { runPipeline } from '../runner.js';
import { formatTable } from '../table-format.js';

/** The bundled demo's config, used by `crm-etl run demo` when no config file is given. */
export function demoConfig(): LoadedConfig {
  return loadConfig(path.join(packageRoot(), 'samples', 'demo.config.yaml'));
}

export async function runCommand(
  ctx: CommandContext,
  name: string,
  opts: { scoreboardHtml?: string } = {},
): Promise<void> {
  const loaded = findConfig(ctx.options.config) ?? (name === 'demo' ? demoConfig() : undefined);
  if (!loaded) {
    throw new CrmEtlError(`No config file to find pipeline '${name}' in`, {
      hint: 'Pass --config <file> or create crm-etl.config.yaml (see README.md)',
    });
  }
  const url = ctx.options.db ?? process.env.DATABASE_URL ?? loaded.config.warehouse ?? DEFAULT_WAREHOUSE_URL;
  const wh = await openWarehouse(url, ctx.logger);
  let report: RunReport;
  try {
    report = await runPipeline(wh, loaded, name, ctx.logger);
    ctx.output(report, () => humanReport(report, wh.url.display));
    // A run that rebuilt the marts ends with the scoreboard (the demo writes the page too).
    if (report.steps.some((s) => s.step === 'marts' && s.status === 'succeeded')) {
      const { printScoreboard } = await import('./marts-actions.js');
      if (!ctx.options.json) {
        process.stdout.write('\n');
        await printScoreboard(ctx, wh, opts.scoreboardHtml);
      } else if (opts.scoreboardHtml) {
        await printScoreboard({ ...ctx, output: () => undefined }, wh, opts.scoreboardHtml);
      }
    }
  } finally {
    await wh.close();
  }
  if (report.status === 'failed') {
    throw new CrmEtlError(`Run ${report.runId} of '${name}' failed: ${report.error}`, {
      hint: `crm-etl runs shows the history`,
    });
  }
}

function humanReport(report: RunReport, db: string): string {
  const lines = [`Run ${report.runId} of pipeline '${report.pipeline}' ${report.status} (warehouse ${db}).`];
  lines.push(
    formatTable(
      ['step', 'status', 'seconds', 'note'],
      report.steps.map((s) => [s.step, s.status, s.seconds.toFixed(2), s.error ?? '']),
    ),
  );
  const extract = report.steps.find((s) => s.step === 'extract')?.detail as
    Array<{ source: string; error?: string; inputs?: Array<Record<string, unknown>> }> | undefined;
  if (extract?.length) {
    const rows = extract.flatMap((src) =>
      src.error
        ? [[src.source, '', '', '', '', '', '', src.error]]
        : (src.inputs ?? []).map((i) => [
            src.source,
            `${path.basename(String(i.file))}${i.sheet ? ` [${String(i.sheet)}]` : ''}`,
            String(i.stream),
            Number(i.rows),
            Number(i.loaded),
            Number(i.quarantined),
            Number(i.duplicates),
            i.rejectsFile ? `rejects: ${path.relative(process.cwd(), String(i.rejectsFile))}` : '',
          ]),
    );
    lines.push(
      '',
      formatTable(['source', 'input', 'stream', 'rows', 'loaded', 'quarantined', 'duplicates', 'note'], rows),
    );
  }
  return lines.join('\n');
}
