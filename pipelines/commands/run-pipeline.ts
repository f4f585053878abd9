import fs from 'node:fs';
import path from 'node:path';
import { CrmEtlError } from '../../lib/errors.js';
import { packageRoot } from '../../lib/package-root.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { loadConfig, type LoadedConfig } from '../config.js';
import { warehouseUrl, type CommandContext } from '../context.js';
import type { RunReport } from '../runner.js';
import { runPipeline } from '../runner.js';
import { formatTable } from '../../lib/table-format.js';

/** The bundled demo's config, used by `crm-etl run demo` when no config file is given. */
export function demoConfig(): LoadedConfig {
  return loadConfig(path.join(packageRoot(), 'samples', 'demo.config.yaml'));
}

/** Where the demo config's ERP source reads (see samples/demo.config.yaml). */
export const DEMO_ERP_FILE = 'data/demo-erp.db';

/**
 * The demo's ERP is a SQLite database in ERPNext's shape, built from samples/erp on first use
 * rather than kept in the repository.
 */
export async function ensureDemoErp(logger: CommandContext['logger']): Promise<void> {
  if (fs.existsSync(DEMO_ERP_FILE)) return;
  const { buildErpnextDemo } = await import('../../samples/erp/erpnext-demo.js');
  await buildErpnextDemo(DEMO_ERP_FILE);
  logger.info({ file: DEMO_ERP_FILE }, 'built the demo ERP database');
}

export async function runCommand(
  ctx: CommandContext,
  name: string,
  opts: { scoreboardHtml?: string; full?: boolean } = {},
): Promise<void> {
  const found = ctx.loaded;
  const loaded = found ?? (name === 'demo' ? demoConfig() : undefined);
  if (!loaded) {
    throw new CrmEtlError(`No config file to find pipeline '${name}' in`, {
      hint: 'Pass --config <file> or create crm-etl.config.yaml (see README.md)',
    });
  }
  if (!found) await ensureDemoErp(ctx.logger);
  const wh = await openWarehouse(warehouseUrl(ctx.options, loaded), ctx.logger);
  let report: RunReport;
  try {
    if (!found) {
      // The demo's web forms post their leads first, so the run stages, resolves and reports them.
      const { postDemoSubmissions } = await import('../receiver/demo.js');
      const posts = await postDemoSubmissions(wh, loaded, ctx.logger);
      if (!ctx.options.json && posts.length > 0)
        process.stdout.write(
          `Web forms: ${posts.length} sample submissions posted to the receiver over HTTP\n` +
            formatTable(
              ['form', 'answer', 'what'],
              posts.map((p) => [p.path, p.status, p.note]),
            ) +
            '\n\n',
        );
    }
    report = await runPipeline(wh, loaded, name, ctx.logger, { full: opts.full });
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
        ? [[src.source, '', '', '', '', '', '', '', src.error]]
        : (src.inputs ?? []).map((i) => [
            src.source,
            `${path.basename(String(i.file))}${i.sheet ? ` [${String(i.sheet)}]` : ''}`,
            String(i.stream),
            Number(i.rows),
            Number(i.loaded),
            Number(i.skipped ?? 0),
            Number(i.quarantined),
            Number(i.duplicates),
            i.rejectsFile ? `rejects: ${path.relative(process.cwd(), String(i.rejectsFile))}` : '',
          ]),
    );
    lines.push(
      '',
      formatTable(
        ['source', 'input', 'stream', 'rows', 'loaded', 'skipped', 'quarantined', 'duplicates', 'note'],
        rows,
      ),
    );
  }
  return lines.join('\n');
}
