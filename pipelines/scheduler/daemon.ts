import os from 'node:os';
import { createTask, type Logger as CronLogger, type ScheduledTask } from 'node-cron';
import type { Logger } from '../../lib/logger.js';
import type { Warehouse } from '../../warehouse/connection.js';
import { lastSuccessAt } from '../../warehouse/runs.js';
import type { LoadedConfig } from '../config.js';
import type { RunHandle, RunOutcome } from './launch.js';
import type { RunMetrics } from './run-metrics.js';
import type { FailurePayload } from './webhook.js';

export interface SchedulerDeps {
  loaded: LoadedConfig;
  wh: Warehouse;
  logger: Logger;
  metrics: RunMetrics;
  /** Starts one run (in a worker process in production). */
  launch: (pipeline: string) => RunHandle;
  /** Told about every failed run; absent without scheduler.webhook. */
  onFailure?: (payload: FailurePayload) => Promise<unknown>;
}

/**
 * Fires each scheduled pipeline on its cron expression (node-cron, in the pipeline's time
 * zone). At most one run of a pipeline at a time from this process; across processes and
 * machines the runner's warehouse lock decides, and the loser's tick is skipped, not failed.
 */
export class Scheduler {
  private readonly tasks = new Map<string, ScheduledTask>();
  private readonly running = new Map<string, { handle: RunHandle; done: Promise<void> }>();
  private stopping = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Pipelines that have a schedule. */
  static scheduled(loaded: LoadedConfig): string[] {
    return Object.entries(loaded.config.pipelines)
      .filter(([, p]) => p.schedule)
      .map(([name]) => name);
  }

  start(): void {
    for (const name of Scheduler.scheduled(this.deps.loaded)) {
      const pipeline = this.deps.loaded.config.pipelines[name]!;
      const task = createTask(pipeline.schedule!, () => this.tick(name), {
        name: `pipeline:${name}`,
        timezone: pipeline.timezone,
        logger: cronLogger(this.deps.logger.child({ pipeline: name })),
      });
      this.tasks.set(name, task);
      // Inline tasks start at once; node-cron's types allow a promise (background tasks): its error is logged.
      Promise.resolve(task.start()).catch((err: unknown) =>
        this.deps.logger.error({ err, pipeline: name }, 'pipeline could not be scheduled'),
      );
      this.deps.logger.info(
        {
          pipeline: name,
          schedule: pipeline.schedule,
          timezone: pipeline.timezone ?? 'local',
          next_run: task.getNextRun(),
        },
        'pipeline scheduled',
      );
    }
  }

  /** One cron tick: start a run unless one is in progress here. Never throws (cron would log it). */
  tick(name: string): void {
    if (this.stopping) return;
    if (this.running.has(name)) {
      this.deps.metrics.skip(name, 'busy');
      this.deps.logger.info({ pipeline: name }, 'tick skipped: the previous run is still going');
      return;
    }
    const handle = this.deps.launch(name);
    this.deps.metrics.setRunning(name, true);
    const done = handle.outcome
      .then((outcome) => this.record(name, outcome))
      .catch((err: unknown) =>
        this.deps.logger.error({ pipeline: name, err }, 'could not record the run outcome'),
      )
      .finally(() => {
        this.running.delete(name);
        this.deps.metrics.setRunning(name, false);
      });
    this.running.set(name, { handle, done });
  }

  /** Stops firing, asks runs in progress to stop, and waits for them (each is killed after its grace period). */
  async stop(signal: NodeJS.Signals): Promise<void> {
    this.stopping = true;
    for (const task of this.tasks.values()) await task.destroy();
    const inFlight = [...this.running.entries()];
    if (inFlight.length) {
      this.deps.logger.info({ pipelines: inFlight.map(([n]) => n) }, 'waiting for runs in progress to stop');
    }
    for (const [, { handle }] of inFlight) handle.interrupt(signal);
    await Promise.all(inFlight.map(([, r]) => r.done));
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** For /healthz: what each pipeline is doing and when it runs next. */
  status(): Record<
    string,
    { schedule: string; running: boolean; next_run: string | null; seconds_since_success: number | null }
  > {
    const out: ReturnType<Scheduler['status']> = {};
    for (const [name, task] of this.tasks) {
      const since = this.deps.metrics.sinceLastSuccess(name);
      out[name] = {
        schedule: task.getPattern(),
        running: this.running.has(name),
        next_run: this.stopping ? null : (task.getNextRun()?.toISOString() ?? null),
        seconds_since_success: Number.isFinite(since) ? since : null,
      };
    }
    return out;
  }

  private async record(name: string, outcome: RunOutcome): Promise<void> {
    const { logger, metrics } = this.deps;
    if (outcome.kind === 'busy') {
      metrics.skip(name, 'locked');
      logger.info({ pipeline: name }, 'tick skipped: another process is running this pipeline');
    } else if (outcome.kind === 'cancelled') {
      logger.info({ pipeline: name }, 'run not started: the scheduler is stopping');
    } else if (outcome.kind === 'finished') {
      const { report } = outcome;
      metrics.record(report);
      // Lines about a run carry the same run_id/pipeline/step fields as the run's own lines.
      const fields = { run_id: report.runId, pipeline: name, step: null, status: report.status };
      if (report.status === 'failed') {
        logger.warn({ ...fields, error: report.error }, 'scheduled run failed');
        await this.notify({ pipeline: name, run_id: report.runId, error: report.error ?? 'failed' });
      } else {
        logger.info(fields, 'scheduled run succeeded');
      }
    } else {
      metrics.failedWithoutReport(name);
      const fields = { run_id: outcome.runId ?? null, pipeline: name, step: null, error: outcome.error };
      logger.error(fields, 'scheduled run failed');
      await this.notify({ pipeline: name, run_id: outcome.runId ?? null, error: outcome.error });
    }
    await this.refreshLastSuccess(name);
  }

  private async notify(failure: { pipeline: string; run_id: number | null; error: string }): Promise<void> {
    await this.deps.onFailure?.({
      ...failure,
      status: 'failed',
      finished_at: new Date().toISOString(),
      host: os.hostname(),
    });
  }

  /** Reads the last success from etl_run: it may have been another scheduler's run. */
  async refreshLastSuccess(name: string): Promise<void> {
    try {
      const at = await lastSuccessAt(this.deps.wh, name);
      if (at !== undefined) this.deps.metrics.setLastSuccess(name, at);
    } catch (err) {
      this.deps.logger.debug({ pipeline: name, err }, 'could not read the last success from etl_run');
    }
  }
}

/** node-cron's own messages (missed ticks, task errors) into our log, at their level. */
function cronLogger(logger: Logger): CronLogger {
  return {
    info: (message) => logger.debug({ source: 'node-cron' }, message),
    warn: (message) => logger.warn({ source: 'node-cron' }, message),
    error: (message, err) => logger.error({ source: 'node-cron', err: err ?? message }, String(message)),
    debug: (message) => logger.debug({ source: 'node-cron' }, String(message)),
  };
}
