import { Option, type Command } from 'commander';
import { WORKER_OPTION } from '../scheduler/messages.js';
import { action } from './command.js';

export interface ScheduleOptions {
  port?: string;
  host?: string;
  grace?: string;
  worker?: string;
}

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description(
      'scheduler daemon: runs every pipeline with a cron schedule until SIGTERM/SIGINT; serves /healthz and /metrics',
    )
    .option(
      '--port <n>',
      'port for /healthz and /metrics (default: scheduler.port, else 9464; 0 = any free port)',
    )
    .option('--host <address>', 'address to serve them on (default: scheduler.host, else 127.0.0.1)')
    .option(
      '--grace <seconds>',
      'after SIGTERM, how long a run may take to stop before it is abandoned (default: scheduler.grace, else 30)',
    )
    // Internal: the scheduler runs each pipeline run in a process of its own through this.
    .addOption(new Option(`${WORKER_OPTION} <pipeline>`).hideHelp())
    .action(
      action(async (ctx, opts: ScheduleOptions) => {
        // Loaded on use, like every command: the daemon pulls in cron, HTTP and the drivers.
        const daemon = await import('./schedule-daemon.js');
        await (opts.worker ? daemon.runWorker(ctx, opts.worker) : daemon.schedule(ctx, opts));
      }),
    );
}
