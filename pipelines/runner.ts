import { ConfigError, CrmEtlError, describeError, NotImplementedError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Warehouse } from '../warehouse/connection.js';
import { migrate } from '../warehouse/migrate.js';
import { finishRun, startRun } from '../warehouse/runs.js';
import type { LoadedConfig } from './config.js';
import { extractSource, type SourceResult } from './sources.js';
import { STEP_HANDLERS, type StepOutcome } from './steps.js';

export interface StepReport {
  step: string;
  status: 'succeeded' | 'failed' | 'skipped';
  seconds: number;
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

/** The pipeline could not start because another run of it holds the lock. */
export class PipelineBusyError extends CrmEtlError {
  override readonly exitCode = 75;
}

/**
 * Runs one pipeline once: extract every source into staging, then the later steps. Never two
 * runs of a pipeline at once (a named lock in the warehouse); every run recorded in etl_run.
 */
export async function runPipeline(wh: Warehouse, loaded: LoadedConfig, name: string, logger: Logger): Promise<RunReport> {
  const pipeline = loaded.config.pipelines[name];
  if (!pipeline) {
    const known = Object.keys(loaded.config.pipelines);
    throw new ConfigError(`No pipeline '${name}' in ${loaded.file}`, {
      hint: known.length ? `Known pipelines: ${known.join(', ')}` : 'Declare it under pipelines: in the config file',
    });
  }
  await migrate(wh);
  const lock = await wh.adapter.tryLock(wh.knex, `pipeline:${name}`);
  if (!lock) {
    throw new PipelineBusyError(`Pipeline '${name}' is already running (another process holds its lock)`, {
      hint: 'Wait for it to finish; crm-etl runs shows it',
    });
  }
  try {
    // Holding the lock proves no other run of this pipeline is alive: any 'running' row is a
    // run whose process died.
    await wh
      .knex('etl_run')
      .where({ pipeline: name, status: 'running' })
      .update({ status: 'failed', finished_at: wh.adapter.timestamp(new Date()), error: 'process died before the run finished' });
    const runId = await startRun(wh, name);
    const log = logger.child({ run_id: runId, pipeline: name });
    log.info('run started');
    const steps: StepReport[] = [];
    let failure: string | undefined;
    for (const step of pipeline.steps) {
      const stepLog = log.child({ step });
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const outcome: StepOutcome =
          step === 'extract'
            ? await extractAll(wh, loaded, name, runId, stepLog)
            : await STEP_HANDLERS[step]({ wh, config: loaded.config, runId, logger: stepLog });
        steps.push({ step, status: outcome.failed ? 'failed' : 'succeeded', seconds: seconds(), detail: outcome.detail, error: outcome.failed });
        if (outcome.failed) failure ??= `${step}: ${outcome.failed}`;
      } catch (err) {
        if (err instanceof NotImplementedError) {
          steps.push({ step, status: 'skipped', seconds: seconds(), error: err.message });
          stepLog.warn(err.message);
          continue;
        }
        steps.push({ step, status: 'failed', seconds: seconds(), error: describeError(err) });
        failure = `${step}: ${describeError(err)}`;
        stepLog.error({ err }, 'step failed');
        break;
      }
      stepLog.info({ seconds: seconds().toFixed(2) }, 'step finished');
    }
    const status = failure ? 'failed' : 'succeeded';
    await finishRun(wh, runId, status, { steps }, failure);
    log.info({ status }, 'run finished');
    return { runId, pipeline: name, status, steps, error: failure };
  } finally {
    await lock.release();
  }
}

/** Extracts every source; a failed source is recorded and the others carry on. */
async function extractAll(wh: Warehouse, loaded: LoadedConfig, name: string, runId: number, logger: Logger): Promise<StepOutcome> {
  const sources = loaded.config.pipelines[name]?.sources ?? [];
  const results: Array<SourceResult | { source: string; error: string }> = [];
  const failed: string[] = [];
  for (const src of sources) {
    try {
      results.push(await extractSource(src, { wh, runId, baseDir: loaded.dir, defaultRegion: loaded.config.defaultRegion, logger }));
    } catch (err) {
      const error = describeError(err);
      results.push({ source: src.name, error });
      failed.push(`${src.name}: ${error}`);
      logger.error({ source: src.name, err }, 'source failed');
    }
  }
  return { detail: results, failed: failed.length ? failed.join('; ') : undefined };
}
