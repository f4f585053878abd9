import type { Knex } from 'knex';
import type { Logger } from './logger.js';

/**
 * knex prints driver errors with stacks to the console; the CLI explains them in one line
 * instead, so knex's own messages go to the debug log.
 */
export function knexLog(logger: Logger | undefined): Knex.Config['log'] {
  return {
    warn: (m: unknown) => logger?.debug({ knex: String(m) }, 'knex warning'),
    error: (m: unknown) => logger?.debug({ knex: String(m) }, 'knex error'),
    deprecate: (m: unknown) => logger?.debug({ knex: String(m) }, 'knex deprecation'),
    debug: (m: unknown) => logger?.debug({ knex: m }, 'knex debug'),
  };
}
