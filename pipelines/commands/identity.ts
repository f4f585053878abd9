import type { Command } from 'commander';
import { action } from './command.js';

/** resolve, explain, and the operators' overrides (same / different). */
export function registerIdentity(program: Command): void {
  program
    .command('resolve')
    .description('identity resolution over staged contacts (and customers named by orders) into dim_customer')
    .option('--full', 're-resolve everything and retrain the model (ids of surviving customers are kept)')
    .option(
      '--region <code>',
      "default country for phone numbers without a country code (default: the config's defaultRegion, else RU)",
    )
    .action(
      action(async (ctx, opts: { full?: boolean; region: string }) =>
        (await import('./identity-actions.js')).resolveCommand(ctx, opts),
      ),
    );

  program
    .command('explain')
    .description('source records of a customer and why they were linked')
    .argument('<customer_id>', 'a dim_customer.customer_id')
    .action(
      action(async (ctx, id: string) => (await import('./identity-actions.js')).explainCommand(ctx, id)),
    );

  program
    .command('same')
    .description('operators: these two source records are the same customer (kept by every later resolve)')
    .argument('<record_a>', 'source:source_key, e.g. sales-sheets:К-1001')
    .argument('<record_b>', 'source:source_key')
    .option('--note <text>', 'why')
    .action(
      action(async (ctx, a: string, b: string, opts: { note?: string }) =>
        (await import('./identity-actions.js')).overrideCommand(ctx, 'same', a, b, opts.note),
      ),
    );

  program
    .command('different')
    .description(
      'operators: these two source records are never the same customer (undoes a wrong merge on the next resolve)',
    )
    .argument('<record_a>', 'source:source_key')
    .argument('<record_b>', 'source:source_key')
    .option('--note <text>', 'why')
    .action(
      action(async (ctx, a: string, b: string, opts: { note?: string }) =>
        (await import('./identity-actions.js')).overrideCommand(ctx, 'different', a, b, opts.note),
      ),
    );
}
