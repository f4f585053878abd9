import type { Command } from 'commander';
import { migrate } from '../../warehouse/migrate.js';
import { action } from './command.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create or upgrade the warehouse schema (safe to run again)')
    .action(
      action(async (ctx) => {
        const result = await ctx.withWarehouse(async (wh) => ({
          db: wh.url.display,
          ...(await migrate(wh)),
        }));
        ctx.logger.info({ applied: result.applied }, 'migrate finished');
        ctx.output(result, () =>
          result.applied.length
            ? `Migrated ${result.db}: applied ${result.applied.join(', ')}.`
            : `${result.db} is up to date (${result.current.at(-1) ?? 'no migrations'}).`,
        );
      }),
    );
}
