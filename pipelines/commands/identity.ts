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
    .option(
      '--progress',
      'phases with counts on stderr even without a terminal or with --json (one line per phase there)',
    )
    .action(
      action(async (ctx, opts: { full?: boolean; region?: string; progress?: boolean }) =>
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
    .argument('<record_a>', RECORD_HELP)
    .argument('<record_b>', RECORD_HELP)
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
    .argument('<record_a>', RECORD_HELP)
    .argument('<record_b>', RECORD_HELP)
    .option('--note <text>', 'why')
    .action(
      action(async (ctx, a: string, b: string, opts: { note?: string }) =>
        (await import('./identity-actions.js')).overrideCommand(ctx, 'different', a, b, opts.note),
      ),
    );

  const overrides = program
    .command('overrides')
    .description(
      'operators: the same / different overrides in force, with their ids (remove <id> takes one back)',
    )
    .option('--all', 'also those removed, with who removed them and when')
    .action(
      action(async (ctx, opts: { all?: boolean }) =>
        (await import('./identity-actions.js')).overridesCommand(ctx, opts),
      ),
    );
  overrides
    .command('remove')
    .description('take an override back (kept in the history); the next resolve compares its records afresh')
    .argument('<id>', 'the override id, as crm-etl overrides lists it')
    .action(
      action(async (ctx, id: string) =>
        (await import('./identity-actions.js')).removeOverrideCommand(ctx, id),
      ),
    );
}

const RECORD_HELP =
  'source:source_key (e.g. sales-sheets:К-1001) or source:file:line (e.g. sales-sheets:clients.csv:12)';
