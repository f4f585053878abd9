import type { Command } from 'commander';
import { action } from './command.js';

/** marts and the scoreboard built from them. */
export function registerMarts(program: Command): void {
  program
    .command('marts')
    .description(
      'build fct_order, fct_interaction and every mart (RFM, cohorts, CLV, profitability, scoreboard): a refresh of what changed since the last build, or a full rebuild when needed',
    )
    .option('--as-of <date>', 'the day the marts describe (YYYY-MM-DD; default today)')
    .option('--full', 'rebuild everything, not only what changed since the last build')
    .option('--refit', 'fit the CLV models again whatever the refit rule says')
    .action(
      action(async (ctx, opts: { asOf?: string; full?: boolean; refit?: boolean }) =>
        (await import('./marts-actions.js')).martsCommand(ctx, opts),
      ),
    );

  program
    .command('scoreboard')
    .description('the CRM ROI scoreboard: each indicator with actual, baseline, target, due date and status')
    .option('--html <file>', 'also write a self-contained page with charts')
    .option('--explain <indicator>', 'how an indicator is computed, and its values per period')
    .action(
      action(async (ctx, opts: { html?: string; explain?: string }) =>
        (await import('./marts-actions.js')).scoreboardCommand(ctx, opts),
      ),
    );
}
