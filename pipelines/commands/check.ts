import type { Command } from 'commander';
import { action } from './command.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      "check a configured source: connects, and runs each ERP stream's query (reads only); `check receiver`: the web-form receiver's forms, secrets (set or not), port and spool",
    )
    .argument('<source>', 'source name from the config file, or receiver')
    .action(action(async (ctx, name: string) => (await import('./check-source.js')).checkCommand(ctx, name)));
}
