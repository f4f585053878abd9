import { CrmEtlError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';

const EXIT_CODES: Readonly<Record<string, number>> = Object.freeze({ SIGINT: 130, SIGTERM: 143 });

/** Why a run stopped early; recorded as the run's error ('interrupted by SIGTERM'). */
export class InterruptedError extends CrmEtlError {
  override readonly exitCode: number;
  constructor(readonly reason: string) {
    super(`interrupted by ${reason}`);
    // The shell's convention for a process ended by a signal: 128 + its number.
    this.exitCode = EXIT_CODES[reason] ?? 1;
  }
}

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Stops listening; the process's default signal handling comes back. */
  dispose(): void;
}

/**
 * Turns SIGTERM/SIGINT into an AbortSignal so a run can finish the unit of work in flight and
 * record itself, instead of dying with its etl_run row still 'running'. A second signal means
 * the operator will not wait: exit at once (the next run marks this one failed).
 */
export function interruptOnSignals(
  logger: Logger,
  signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): Interrupt {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.warn({ signal: sig }, 'second signal: exiting now without waiting for the step in progress');
      process.exit(EXIT_CODES[sig] ?? 1);
    }
    logger.warn({ signal: sig }, `${sig} received: finishing the work in progress, then stopping`);
    controller.abort(new InterruptedError(sig));
  };
  for (const sig of signals) process.on(sig, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const sig of signals) process.off(sig, onSignal);
    },
  };
}

/** The reason text of an aborted signal: 'interrupted by SIGTERM'. */
export function interruptReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return `interrupted (${String(reason)})`;
}
