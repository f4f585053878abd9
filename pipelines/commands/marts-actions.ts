import fs from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../warehouse/connection.js';
import { buildMarts, type BuildMartsResult } from '../../warehouse/marts/index.js';
import { describeFit } from '../../warehouse/marts/incremental/state.js';
import { assertMigrated, migrateExisting } from '../../warehouse/migrate.js';
import { finishRun, startRun } from '../../warehouse/runs.js';
import type { CommandContext } from '../context.js';
import { readScoreboardReport, renderScoreboardHtml, renderScoreboardText } from '../report/index.js';
import { formatTable } from '../../lib/table-format.js';
import { ConfigError } from '../../lib/errors.js';
import { INDICATORS, indicatorSpec } from '../../warehouse/marts/indicators.js';
import { explainIndicator } from '../report/text.js';

export async function martsCommand(
  ctx: CommandContext,
  opts: { asOf?: string; full?: boolean; refit?: boolean },
): Promise<void> {
  const scoreboard = ctx.loaded?.config.scoreboard;
  const result = await ctx.withWarehouse(async (wh) => {
    await migrateExisting(wh);
    const runId = await startRun(wh, 'marts');
    try {
      // Progress on stderr, one line per step, so stdout stays the summary (or --json).
      const started = performance.now();
      const r = await buildMarts(wh, {
        asOf: opts.asOf,
        full: opts.full,
        refit: opts.refit,
        scoreboard,
        funnel: ctx.loaded?.config.funnel,
        logger: ctx.logger,
        onProgress: (e) => {
          if (e.phase === 'swap') return;
          process.stderr.write(
            `marts: ${e.step} done in ${e.seconds.toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s so far)\n`,
          );
        },
      });
      await finishRun(wh, runId, 'succeeded', { marts: r });
      return r;
    } catch (err) {
      await finishRun(wh, runId, 'failed', {}, (err as Error).message).catch(() => undefined);
      throw err;
    }
  });
  ctx.output(result, () => martsSummary(result));
}

/** The text summary of a marts build: mode and why, what changed, the steps, the CLV models. */
function martsSummary(result: BuildMartsResult): string {
  const c = result.changes;
  const changed = c
    ? [
        `Changes since the last build: ${c.newOrders} new orders, ${c.changedOrders} changed orders, ` +
          `${c.crosswalk} crosswalk links, ${c.merges} merges, ${c.splits} splits, ${c.changedCustomers} changed customers, ` +
          `${c.interactions} interactions${c.asOfMoved ? ', the as-of day moved' : ''}; ` +
          `${c.affectedCustomers} of ${c.customers} customers affected.`,
      ]
    : [];
  const fit = result.clvFit;
  return [
    `Marts ${result.mode === 'full' ? 'rebuilt in full' : 'refreshed incrementally'} as of ${result.asOf}: ${result.reason}.`,
    ...changed,
    formatTable(
      ['step', 'rows', 'seconds'],
      result.steps.map((s) => [s.name, s.rows, s.seconds.toFixed(2)]),
    ),
    `CLV models ${fit.refitted ? 'fitted now' : 'kept'} (${fit.reason}): ` +
      describeFit({
        status: result.clv.status,
        fittedAt: fit.fittedAt,
        calibrationEnd: fit.calibrationEnd,
        bgNbd: result.clv.bgNbd ?? null,
        gammaGamma: result.clv.gammaGamma ?? null,
        ordersAtFit: fit.ordersAtFit,
        changedSinceFit: fit.changedSinceFit,
      }),
    ...result.notes,
  ].join('\n');
}

/** Prints the scoreboard; with `html`, writes the page too. Used by `scoreboard` and the demo. */
export async function printScoreboard(
  ctx: CommandContext,
  wh: Warehouse,
  html?: string,
): Promise<string | null> {
  const report = await readScoreboardReport(wh);
  let written: string | null = null;
  if (html) {
    fs.mkdirSync(path.dirname(path.resolve(html)), { recursive: true });
    fs.writeFileSync(html, renderScoreboardHtml(report));
    written = html;
  }
  ctx.output({ ...report, html: written }, () =>
    [renderScoreboardText(report), ...(written ? [`\nScoreboard page written to ${written}`] : [])].join(
      '\n',
    ),
  );
  return written;
}

export async function scoreboardCommand(
  ctx: CommandContext,
  opts: { html?: string; explain?: string },
): Promise<void> {
  await ctx.withWarehouse(async (wh) => {
    await assertMigrated(wh);
    if (opts.explain) {
      const report = await readScoreboardReport(wh);
      const text = explainIndicator(opts.explain, report.scoreboard);
      if (text === null) {
        throw new ConfigError(`Unknown indicator '${opts.explain}'`, {
          hint: `Known: ${INDICATORS.map((i) => i.name).join(', ')}, duplicate_rate:<source>, profit_per_customer:<segment>`,
        });
      }
      const spec = indicatorSpec(opts.explain)!;
      ctx.output(
        { indicator: opts.explain, formula: spec.formula, unit: spec.unit, better: spec.better },
        () => text,
      );
      return;
    }
    await printScoreboard(ctx, wh, opts.html);
  });
}
