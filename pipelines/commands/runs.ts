import type { Command } from 'commander';
import { ConfigError } from '../../lib/errors.js';
import { assertMigrated } from '../../warehouse/migrate.js';
import { listRuns } from '../../warehouse/runs.js';
import { formatTable } from '../../lib/table-format.js';
import { action } from './command.js';

export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('show the run history (etl_run), newest first')
    .option('-n, --limit <count>', 'how many runs to show', '20')
    .option('-p, --pipeline <name>', 'only runs of this pipeline')
    .action(
      action(async (ctx, opts: { limit: string; pipeline?: string }) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1) {
          throw new ConfigError(`--limit must be a positive whole number, not '${opts.limit}'`);
        }
        const runs = await ctx.withWarehouse(async (wh) => {
          await assertMigrated(wh);
          return listRuns(wh, { limit, pipeline: opts.pipeline });
        });
        ctx.output({ runs }, () => {
          if (runs.length === 0) return 'No runs yet. Try: npm start (the demo) or crm-etl run <pipeline>.';
          return formatTable(
            ['run', 'pipeline', 'status', 'started (UTC)', 'seconds', 'steps (seconds)', 'error'],
            runs.map((r) => [
              r.run_id,
              r.pipeline,
              r.status,
              r.started_at.replace('T', ' ').slice(0, 19),
              r.finished_at ? ((Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000).toFixed(1) : '',
              stepTimings(r.stats),
              r.error ? r.error.slice(0, 60) : '',
            ]),
          );
        });
      }),
    );
}

/**
 * The steps of a run with their seconds, from its stats: a pipeline run's steps (extract,
 * resolve, marts) or a marts build's (link customers, each mart, swap).
 */
export function stepTimings(stats: Record<string, unknown> | null): string {
  const marts = stats?.marts as { steps?: unknown } | undefined;
  const list = (
    Array.isArray(stats?.steps) ? stats.steps : Array.isArray(marts?.steps) ? marts.steps : []
  ) as Array<Record<string, unknown>>;
  return list
    .filter((s) => typeof s.seconds === 'number')
    .map(
      (s) =>
        `${String(s.step ?? s.name)} ${(s.seconds as number).toFixed(1)}${s.status && s.status !== 'succeeded' ? ` ${String(s.status)}` : ''}`,
    )
    .join(' · ');
}
