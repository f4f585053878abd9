import type { Command } from 'commander';
import { action } from './command.js';

/** marts and the scoreboard built from them. */
export function registerMarts(program: Command): void {
  program
    .command('marts')
    .description(
      'rebuild fct_order, fct_interaction and every mart (RFM, cohorts, CLV, profitability, scoreboard)',
    )
    .option('--as-of <date>', 'the day the marts describe (YYYY-MM-DD; default today)')
    .action(
      action(async (ctx, opts: { asOf?: string }) =>
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
