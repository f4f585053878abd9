import type { Command } from 'commander';
import { action } from './command.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run one configured pipeline end to end (extract, resolve, marts)')
    .argument('<pipeline>', 'pipeline name from the config file (the bundled demo: demo)')
    .option('--scoreboard-html <file>', 'after the marts, also write the scoreboard page here')
    .option('--full', 'incremental sources (ERP) read everything again, not only what changed')
    .action(
      action(async (ctx, name: string, opts: { scoreboardHtml?: string; full?: boolean }) =>
        (await import('./run-pipeline.js')).runCommand(ctx, name, opts),
      ),
    );
}
