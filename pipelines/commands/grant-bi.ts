import type { Command } from 'commander';
import { ConfigError } from '../../lib/errors.js';
import { action } from './command.js';

/** `crm-etl grant-bi <role>`: a read-only login for BI tools. */
export function registerGrantBi(program: Command): void {
  program
    .command('grant-bi')
    .description(
      'let a database role read the dimensions, facts and marts, and nothing else (PostgreSQL, MySQL)',
    )
    .argument('<role>', 'role (PostgreSQL) or user (MySQL) name; created if missing')
    .option('--password-env <var>', 'environment variable holding the password of a role to create')
    .action(
      action(async (ctx, role: string, opts: { passwordEnv?: string }) => {
        const password = opts.passwordEnv ? process.env[opts.passwordEnv] : undefined;
        if (opts.passwordEnv && !password) {
          throw new ConfigError(`--password-env ${opts.passwordEnv}: that environment variable is not set`, {
            hint: `Export ${opts.passwordEnv} with the role's password`,
          });
        }
        const { grantBiRole } = await import('../../warehouse/bi-role.js');
        const result = await ctx.withWarehouse(async (wh) => ({
          db: wh.url.display,
          ...(await grantBiRole(wh, role, password)),
        }));
        ctx.logger.info({ role: result.role, created: result.created }, 'BI role granted');
        ctx.output(
          result,
          () =>
            `${result.created ? 'Created' : 'Updated'} role ${result.role} on ${result.db}: it can read ` +
            `${result.tables.join(', ')} — and no staging, crosswalk, identity or run table.`,
        );
      }),
    );
}
