import type { Command } from 'commander';
import { createContext, type CommandContext, type GlobalOptions } from '../context.js';

/**
 * Wraps a command handler: builds the context from the global options and passes the
 * command's own arguments and options. Errors propagate to the CLI's single error printer.
 */
export function action<Args extends unknown[]>(
  handler: (ctx: CommandContext, ...args: Args) => Promise<void>,
): (...raw: unknown[]) => Promise<void> {
  return async (...raw: unknown[]) => {
    const command = raw[raw.length - 1] as Command;
    const ctx = createContext(command.optsWithGlobals() as GlobalOptions);
    await handler(ctx, ...(raw.slice(0, -1) as Args));
  };
}
