import { createLogger, type Logger } from '../lib/logger.js';
import type { Warehouse } from '../warehouse/connection.js';
import { DEFAULT_WAREHOUSE_URL } from '../warehouse/url.js';

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
  /** The warehouse URL: --db, else DATABASE_URL, else the embedded SQLite file. */
  readonly dbUrl: string;
  /** Prints the command's result: JSON on stdout with --json, else the human text. */
  output(summary: unknown, human: () => string): void;
  /** Opens the warehouse, runs fn, always closes it. */
  withWarehouse<T>(fn: (wh: Warehouse) => Promise<T>): Promise<T>;
}

export function createContext(options: GlobalOptions): CommandContext {
  const logger = createLogger({ verbose: options.verbose });
  const dbUrl = options.db ?? process.env.DATABASE_URL ?? DEFAULT_WAREHOUSE_URL;
  return {
    options,
    logger,
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
