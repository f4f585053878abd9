import type { Command } from 'commander';
import { ConfigError } from '../../lib/errors.js';
import { action } from './command.js';

/** The operator's view of the warehouse: status, what was rejected, and finding a customer. */
export function registerOperator(program: Command): void {
  program
    .command('status')
    .description(
      'the warehouse at a glance: where it is, schema version, rows per table, last run of each pipeline, quarantine per source, overdue schedules',
    )
    .action(action(async (ctx) => (await import('./operator-actions.js')).statusCommand(ctx)));

  program
    .command('quarantine')
    .description('what was rejected, from where and why (stg_quarantine), newest first')
    .option('-s, --source <name>', 'only rows of this source')
    .option('-r, --reason <text>', 'only rows whose reason contains this text')
    .option('-n, --limit <count>', 'how many rows to show (default 50; 0 = all)', '50')
    .option('--csv', 'print CSV (every column, raw line included) instead of a table')
    .action(
      action(async (ctx, opts: { source?: string; reason?: string; limit: string; csv?: boolean }) =>
        (await import('./operator-actions.js')).quarantineCommand(ctx, { ...opts, limit: count(opts.limit) }),
      ),
    );

  program
    .command('customers')
    .description('find customers by name, company, e-mail or phone, with their ids in every source')
    .argument('<search>', 'part of a name, company, e-mail or phone number (or a customer id)')
    .option('-n, --limit <count>', 'how many customers to show', '20')
    .action(
      action(async (ctx, search: string, opts: { limit: string }) =>
        (await import('./operator-actions.js')).customersCommand(ctx, search, count(opts.limit) || 20),
      ),
    );
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`--limit must be a whole number, not '${text}'`);
  return n;
}
