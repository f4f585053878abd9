import { createLogger, type Logger } from '../lib/logger.js';
import type { Warehouse } from '../warehouse/connection.js';
import { DEFAULT_WAREHOUSE_URL } from '../warehouse/url.js';
import type { LoadedConfig } from './config.js';

/** Options every command accepts. */
export interface GlobalOptions {
  db?: string;
  config?: string;
  json?: boolean;
  verbose?: boolean;
}

/** What a command needs from the outside world, resolved once from the global options. */
export interface CommandContext {
  readonly options: GlobalOptions;
  readonly logger: Logger;
  /**
   * The config file (--config, else ./crm-etl.config.yaml|.yml|.json), loaded and validated
   * whole before the command began; undefined when there is none. Every command reads this one.
   */
  readonly loaded: LoadedConfig | undefined;
  /** The warehouse URL, as warehouseUrl decides it for this config. */
  readonly dbUrl: string;
  /** Prints the command's result: JSON on stdout with --json, else the human text. */
  output(summary: unknown, human: () => string): void;
  /** Opens the warehouse at dbUrl, runs fn, always closes it. */
  withWarehouse<T>(fn: (wh: Warehouse) => Promise<T>): Promise<T>;
}

/**
 * Which warehouse a command uses: --db, else DATABASE_URL, else the config's `warehouse:`,
 * else the embedded SQLite file. The one place this is decided, so that every command (and
 * the scheduler's workers) agrees.
 */
export function warehouseUrl(options: Pick<GlobalOptions, 'db'>, loaded: LoadedConfig | undefined): string {
  return options.db ?? process.env.DATABASE_URL ?? loaded?.config.warehouse ?? DEFAULT_WAREHOUSE_URL;
}

export function createContext(options: GlobalOptions, loaded: LoadedConfig | undefined): CommandContext {
  const logger = createLogger({ verbose: options.verbose });
  const dbUrl = warehouseUrl(options, loaded);
  return {
    options,
    logger,
    loaded,
    dbUrl,
    output(summary, human) {
      process.stdout.write(options.json ? JSON.stringify(summary, null, 2) + '\n' : human() + '\n');
    },
    async withWarehouse(fn) {
      // Loaded on use: the database drivers are most of the CLI's start-up time.
      const { openWarehouse } = await import('../warehouse/connection.js');
      const wh = await openWarehouse(dbUrl, logger);
      try {
        return await fn(wh);
      } finally {
        await wh.close();
      }
    },
  };
}
