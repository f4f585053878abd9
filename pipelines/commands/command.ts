import type { Command } from 'commander';
import { createContext, type CommandContext, type GlobalOptions } from '../context.js';

/**
 * Wraps a command handler: loads and validates the config file once, before the command does
 * anything, builds the context from it and the global options, and passes the command's own
 * arguments and options. Errors propagate to the CLI's single error printer.
 */
export function action<Args extends unknown[]>(
  handler: (ctx: CommandContext, ...args: Args) => Promise<void>,
): (...raw: unknown[]) => Promise<void> {
  return async (...raw: unknown[]) => {
    const command = raw[raw.length - 1] as Command;
    const options = command.optsWithGlobals() as GlobalOptions;
    // Loaded on use, like the commands: --help needs neither the schema nor its dependencies.
    const { findConfig } = await import('../config.js');
    const ctx = createContext(options, findConfig(options.config));
    await handler(ctx, ...(raw.slice(0, -1) as Args));
  };
}
