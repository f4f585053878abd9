import type { RunReport } from '../runner.js';

/**
 * What a run worker tells the scheduler over the IPC channel, in this order: 'started' once
 * its etl_run row exists, then exactly one of the others. A worker that exits without a final
 * message died (or was killed); the scheduler then records its run itself.
 */
export type WorkerMessage =
  | { type: 'started'; runId: number }
  | { type: 'finished'; report: RunReport }
  /** Another process holds the pipeline's lock: this tick is skipped, not failed. */
  | { type: 'busy' }
  /** Told to stop before the run began: nothing was recorded or done. */
  | { type: 'cancelled' }
  /** The run could not start or crashed outside any step (warehouse unreachable, bad config). */
  | { type: 'error'; error: string };

/** The command line the scheduler starts a worker with: `crm-etl schedule --worker <pipeline>`. */
export const WORKER_OPTION = '--worker';

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return ['started', 'finished', 'busy', 'cancelled', 'error'].includes(String(type));
}
