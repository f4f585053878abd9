import { ConfigError, CrmEtlError, describeError, NotImplementedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Warehouse } from '../warehouse/connection.js';
import { lockPipeline, type NamedLock } from '../warehouse/locks.js';
import { migrateUnderLock } from '../warehouse/migrate.js';
import { failDeadRuns, finishRun, startRun } from '../warehouse/runs.js';
import type { LoadedConfig, PipelineConfig } from './config.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryOptions, type RetryPolicy } from './retry.js';
import { interruptOnSignals, interruptReason } from './scheduler/interrupt.js';
import { Redactor } from './scheduler/redact.js';
import { extractSource, type SourceResult } from './extract.js';
import { STEP_HANDLERS, type StepOutcome } from './steps.js';

export interface StepReport {
  step: string;
  status: 'succeeded' | 'failed' | 'skipped';
  seconds: number;
  /** Attempts repeated after transient failures (absent when none). */
  retries?: number;
  detail?: unknown;
  error?: string;
}

export interface RunReport {
  runId: number;
  pipeline: string;
  status: 'succeeded' | 'failed';
  steps: StepReport[];
  error?: string;
}

export interface RunOptions {
  /**
   * Aborting stops the run after the unit of work in flight (one source's load, one step) and
   * records it failed with the abort reason. Without one, SIGTERM/SIGINT of this process do
   * that for as long as the run lasts.
   */
  signal?: AbortSignal;
  /** Called once the run has its etl_run row (the scheduler tracks runs by id). */
  onStarted?: (runId: number) => void;
  /** Jitter source for retry backoff; tests pass a fixed one. */
  random?: () => number;
  /** Incremental sources (ERP) read everything again, not only what changed since the last run. */
  full?: boolean;
}

/** The pipeline could not start because another run of it holds the lock. */
export class PipelineBusyError extends CrmEtlError {
  override readonly exitCode = 75;
}

/**
 * Runs one pipeline once: extract every source into staging, then the later steps. Never two
 * runs of a pipeline at once (a named lock in the warehouse); every run recorded in etl_run;
 * transient failures retried per source and per step, which are idempotent.
 */
export async function runPipeline(
  wh: Warehouse,
  loaded: LoadedConfig,
  name: string,
  logger: Logger,
  options: RunOptions = {},
): Promise<RunReport> {
  const pipeline = pipelineOf(loaded, name);
  const policy = retryPolicy(pipeline);
  // Setup and bookkeeping retry too (a warehouse restarting), but never stop for an interrupt:
  // the run's row must be written whatever happens.
  const retry = <T>(work: () => Promise<T>, log: Logger) =>
    withRetry(work, { policy, logger: log, random: options.random });
  const setupLog = logger.child({ pipeline: name });
  await retry(() => migrateUnderLock(wh, setupLog), setupLog);
  const lock = await retry(() => lockPipeline(wh, name), setupLog);
  if (!lock) {
    throw new PipelineBusyError(`Pipeline '${name}' is already running (another process holds its lock)`, {
      hint: 'Wait for it to finish; crm-etl runs shows it',
    });
  }
  const interrupt = options.signal ? undefined : interruptOnSignals(setupLog);
  const signal = options.signal ?? interrupt!.signal;
  try {
    // Interrupted before it began (e.g. while migrating): nothing to record, nothing undone.
    if (signal.aborted)
      throw signal.reason instanceof Error ? signal.reason : new Error(interruptReason(signal));
    // Holding the lock proves no run of this pipeline is alive: 'running' rows are dead processes'.
    await retry(() => failDeadRuns(wh, name), setupLog);
    const runId = await retry(() => startRun(wh, name), setupLog);
    options.onStarted?.(runId);
    const redactor = new Redactor(loaded.secrets);
    const base = redactor.logger(logger, { run_id: runId, pipeline: name });
    // Run-level lines carry step: null so every line of a run has the same three fields;
    // step loggers derive from `base` (pino would otherwise write the key twice).
    const log = base.child({ step: null });
    log.info('run started');
    const ctx: RunContext = {
      wh,
      loaded,
      name,
      runId,
      signal,
      redactor,
      policy,
      random: options.random,
      full: options.full ?? false,
    };
    const { steps, failures, interrupted } = await runSteps(ctx, pipeline, base);
    // An interrupted run fails, and says why first: that is what an operator looks for.
    if (interrupted || (signal.aborted && failures.length > 0)) failures.unshift(interruptReason(signal));
    const status = failures.length > 0 ? 'failed' : 'succeeded';
    const error = failures.length > 0 ? failures.join('; ') : undefined;
    // Recorded even when interrupted: a run is never left 'running' by a process that lives.
    await retry(() => finishRun(wh, runId, status, { steps }, error), log);
    log.info({ status, ...(error ? { error } : {}) }, 'run finished');
    return { runId, pipeline: name, status, steps, error };
  } finally {
    interrupt?.dispose();
    await releaseQuietly(lock, setupLog);
  }
}

interface RunContext {
  wh: Warehouse;
  loaded: LoadedConfig;
  name: string;
  runId: number;
  signal: AbortSignal;
  redactor: Redactor;
  policy: RetryPolicy;
  random?: () => number;
  full: boolean;
}

async function runSteps(ctx: RunContext, pipeline: PipelineConfig, log: Logger) {
  const steps: StepReport[] = [];
  const failures: string[] = [];
  let stopped = false;
  let interrupted = false;
  for (const step of pipeline.steps) {
    const stepLog = log.child({ step });
    if (ctx.signal.aborted) {
      steps.push({ step, status: 'skipped', seconds: 0, error: interruptReason(ctx.signal) });
      interrupted = true;
      continue;
    }
    if (stopped) break;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const counter = { retries: 0 };
    const retried = () => (counter.retries > 0 ? { retries: counter.retries } : {});
    try {
      const outcome: StepOutcome =
        step === 'extract'
          ? await extractAll(ctx, stepLog, counter)
          : await withRetry(
              () =>
                STEP_HANDLERS[step]({
                  wh: ctx.wh,
                  config: ctx.loaded.config,
                  runId: ctx.runId,
                  logger: stepLog,
                }),
              { ...retryOptions(ctx, stepLog), onRetry: () => counter.retries++ },
            );
      const failed = outcome.failed === undefined ? undefined : ctx.redactor.text(outcome.failed);
      steps.push({
        step,
        status: failed ? 'failed' : 'succeeded',
        seconds: seconds(),
        ...retried(),
        detail: ctx.redactor.deep(outcome.detail),
        error: failed,
      });
      if (failed) failures.push(`${step}: ${failed}`);
      stepLog.info({ seconds: Number(seconds().toFixed(3)), ...retried() }, 'step finished');
    } catch (err) {
      if (err instanceof NotImplementedError) {
        steps.push({ step, status: 'skipped', seconds: seconds(), error: err.message });
        stepLog.warn(err.message);
        continue;
      }
      const error = ctx.redactor.text(describeError(err));
      steps.push({ step, status: 'failed', seconds: seconds(), ...retried(), error });
      failures.push(`${step}: ${error}`);
      stepLog.error({ err }, 'step failed');
      stopped = true;
    }
  }
  return { steps, failures, interrupted };
}

/**
 * Extracts every source; a failed source is recorded and the others carry on. Each source is
 * retried on its own: its load is one transaction, so a retry redoes only that source.
 */
async function extractAll(
  ctx: RunContext,
  logger: Logger,
  counter: { retries: number },
): Promise<StepOutcome> {
  const { loaded, name, wh, runId, signal } = ctx;
  const pipeline = pipelineOf(loaded, name);
  const results: Array<SourceResult | { source: string; error: string }> = [];
  const failed: string[] = [];
  for (const src of pipeline.sources) {
    if (signal.aborted) {
      results.push({ source: src.name, error: interruptReason(signal) });
      failed.push(`${src.name}: not extracted`);
      continue;
    }
    const srcLog = logger.child({ source: src.name });
    const attempts = new Map<string, unknown>();
    try {
      const result = await withRetry(
        () =>
          extractSource(src, {
            wh,
            runId,
            baseDir: loaded.dir,
            defaultRegion: loaded.config.defaultRegion,
            logger,
            full: ctx.full,
            signal,
            attempts,
          }),
        { ...retryOptions(ctx, srcLog), onRetry: () => counter.retries++ },
      );
      results.push(result);
      if (result.failed.length > 0) {
        failed.push(`${src.name}: ${result.failed.map((f) => `${f.name}: ${f.error}`).join('; ')}`);
      }
    } catch (err) {
      const error = describeError(err);
      results.push({ source: src.name, error });
      failed.push(`${src.name}: ${error}`);
      srcLog.error({ err }, 'source failed');
    }
  }
  return { detail: results, failed: failed.length ? failed.join('; ') : undefined };
}

/**
 * Marks runs of dead processes failed now rather than at the pipeline's next run (the
 * scheduler does this at start). Does nothing while a run of the pipeline is alive.
 */
export async function recoverDeadRuns(wh: Warehouse, name: string): Promise<number> {
  const lock = await lockPipeline(wh, name);
  if (!lock) return 0;
  try {
    return await failDeadRuns(wh, name);
  } finally {
    await lock.release();
  }
}

function pipelineOf(loaded: LoadedConfig, name: string): PipelineConfig {
  const pipeline = loaded.config.pipelines[name];
  if (!pipeline) {
    const known = Object.keys(loaded.config.pipelines);
    throw new ConfigError(`No pipeline '${name}' in ${loaded.file}`, {
      hint: known.length
        ? `Known pipelines: ${known.join(', ')}`
        : 'Declare it under pipelines: in the config file',
    });
  }
  return pipeline;
}

function retryOptions(ctx: RunContext, logger: Logger): RetryOptions {
  return { policy: ctx.policy, logger, signal: ctx.signal, random: ctx.random };
}

function retryPolicy(pipeline: PipelineConfig): RetryPolicy {
  // Configs validated before `retries` existed (or built in code) fall back to the defaults.
  return {
    ...DEFAULT_RETRY_POLICY,
    retries: pipeline.retries ?? DEFAULT_RETRY_POLICY.retries,
    baseMs: (pipeline.retryDelay ?? DEFAULT_RETRY_POLICY.baseMs / 1000) * 1000,
  };
}

/** A lost connection frees a server-side lock by itself; failing to release must not hide the run's result. */
async function releaseQuietly(lock: NamedLock, logger: Logger): Promise<void> {
  try {
    await lock.release();
  } catch (err) {
    logger.warn({ err }, 'could not release the pipeline lock (the server frees it with the connection)');
  }
}
