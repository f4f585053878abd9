import { fork } from 'node:child_process';
import path from 'node:path';
import type { Logger } from '../../lib/logger.js';
import type { Warehouse } from '../../warehouse/connection.js';
import { failAbandonedRun } from '../../warehouse/runs.js';
import type { RunReport } from '../runner.js';
import { isWorkerMessage, WORKER_OPTION } from './messages.js';

/** How a scheduled run ended, as the scheduler learns it from its worker. */
export type RunOutcome =
  | { kind: 'finished'; report: RunReport }
  | { kind: 'busy' }
  /** Stopped before its run began (the scheduler is shutting down): nothing to record. */
  | { kind: 'cancelled' }
  /** No report: the run could not start, or its worker died or was killed (runId if it had started). */
  | { kind: 'error'; error: string; runId?: number };

export interface RunHandle {
  readonly outcome: Promise<RunOutcome>;
  /** Asks the run to stop; if it has not within the grace period it is killed and recorded failed. */
  interrupt(signal: NodeJS.Signals): void;
}

export interface LaunchOptions {
  /** The CLI script the worker runs (dist/pipelines/cli.js). */
  cliPath: string;
  configFile: string;
  /** Handed to the worker in its environment, not on its command line where `ps` shows it. */
  dbUrl: string;
  verbose: boolean;
  graceMs: number;
  wh: Warehouse;
  logger: Logger;
}

/** Starts one run of a pipeline in a worker process. */
export function launchRun(name: string, options: LaunchOptions): RunHandle {
  const child = fork(
    options.cliPath,
    [
      'schedule',
      WORKER_OPTION,
      name,
      '--config',
      path.resolve(options.configFile),
      ...(options.verbose ? ['--verbose'] : []),
    ],
    {
      env: { ...process.env, DATABASE_URL: options.dbUrl },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Node flags carry over (memory limits), but not a debugger port the scheduler holds.
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
      // Its own process group: a Ctrl-C in the terminal reaches the scheduler only, which
      // forwards it once. Reaching both would count as a second signal: "exit now".
      detached: true,
    },
  );
  let runId: number | undefined;
  let final: RunOutcome | undefined;
  let interruptedBy: NodeJS.Signals | undefined;
  let killed = false;
  let killTimer: NodeJS.Timeout | undefined;

  child.on('message', (message) => {
    if (!isWorkerMessage(message)) return;
    if (message.type === 'started') runId = message.runId;
    else if (message.type === 'finished') final = { kind: 'finished', report: message.report };
    else if (message.type === 'busy') final = { kind: 'busy' };
    else if (message.type === 'cancelled') final = { kind: 'cancelled' };
    else final = { kind: 'error', error: message.error, runId };
  });

  const outcome = new Promise<RunOutcome>((resolve) => {
    const settle = async (why: string) => {
      clearTimeout(killTimer);
      if (final) return resolve(final);
      // Signalled while still starting up (before its handlers): no run was begun.
      if (interruptedBy && runId === undefined) return resolve({ kind: 'cancelled' });
      // The worker ended without a word: record its run here so it is never left 'running'.
      const error = killed
        ? `interrupted by ${interruptedBy} (abandoned after ${options.graceMs / 1000} s)`
        : interruptedBy
          ? `interrupted by ${interruptedBy}`
          : why;
      if (runId !== undefined) await markFailed(options, runId, error);
      resolve({ kind: 'error', error, runId });
    };
    child.once('error', (err) => void settle(`worker could not start: ${err.message}`));
    // 'close', not 'exit': it comes after the IPC channel has delivered the last message.
    child.once('close', (code, signal) => void settle(`worker exited with ${signal ?? `code ${code}`}`));
  });

  return {
    outcome,
    interrupt(signal) {
      if (child.exitCode !== null || child.signalCode !== null || interruptedBy) return;
      interruptedBy = signal;
      child.kill(signal);
      killTimer = setTimeout(() => {
        options.logger.warn(
          { run_id: runId ?? null, pipeline: name, step: null },
          'run did not stop in time: killing it',
        );
        killed = true;
        child.kill('SIGKILL');
      }, options.graceMs);
    },
  };
}

async function markFailed(options: LaunchOptions, runId: number, error: string): Promise<void> {
  const { wh, logger } = options;
  try {
    await failAbandonedRun(wh, runId, error);
  } catch (err) {
    // The next run of the pipeline marks it failed anyway (it holds the lock, the worker is dead).
    logger.warn({ run_id: runId, err }, 'could not record the abandoned run; its next run will');
  }
}
