import type { Command } from 'commander';
import { action } from './command.js';

export interface ServeOptions {
  port?: string;
  host?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'web-form receiver: takes the forms configured under receiver: until SIGTERM/SIGINT (in-flight submissions finish); serves /metrics',
    )
    .option('--port <n>', 'port to listen on (default: receiver.port, else 8080; 0 = any free port)')
    .option('--host <address>', 'address to listen on (default: receiver.host, else 127.0.0.1)')
    .action(
      action(async (ctx, opts: ServeOptions) => {
        // Loaded on use, like every command: the receiver pulls in fastify and the drivers.
        await (await import('./serve-daemon.js')).serve(ctx, opts);
      }),
    );
}
