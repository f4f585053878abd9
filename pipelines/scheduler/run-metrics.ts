import type { RunReport } from '../runner.js';
import { Counter, Gauge, Histogram, Registry } from './metrics.js';

/** Seconds: a step of a tiny source up to a night-long ERP extraction. */
const DURATION_BUCKETS = [0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];

export type SkipReason = 'busy' | 'locked';

/**
 * The scheduler's metrics (names are crm_etl_*) and how a run's report feeds them. Alerting
 * rules usually want crm_etl_seconds_since_last_success > the pipeline's period.
 */
export class RunMetrics {
  readonly registry = new Registry();
  private readonly lastSuccess = new Map<string, number>();

  private readonly runs = this.registry.register(
    new Counter(
      'crm_etl_runs_total',
      'Runs finished by this scheduler, by pipeline and status (succeeded|failed).',
    ),
  );
  private readonly stepFailures = this.registry.register(
    new Counter('crm_etl_step_failures_total', 'Steps that failed, by pipeline and step.'),
  );
  private readonly retries = this.registry.register(
    new Counter(
      'crm_etl_retries_total',
      'Attempts repeated after a transient failure, by pipeline and step.',
    ),
  );
  private readonly skipped = this.registry.register(
    new Counter(
      'crm_etl_skipped_ticks_total',
      'Scheduled ticks not run because the pipeline was still running: busy (here) or locked (another process).',
    ),
  );
  private readonly rows = this.registry.register(
    new Counter(
      'crm_etl_rows_staged_total',
      'Input rows staged by extract, by pipeline, source, stream and outcome (loaded|skipped|quarantined|duplicate).',
    ),
  );
  private readonly stepSeconds = this.registry.register(
    new Histogram(
      'crm_etl_step_duration_seconds',
      'Duration of steps, by pipeline and step.',
      DURATION_BUCKETS,
    ),
  );
  private readonly inProgress = this.registry.register(
    new Gauge('crm_etl_run_in_progress', '1 while a run of the pipeline started by this scheduler is going.'),
  );

  constructor(
    pipelines: readonly string[],
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.registry.register(
      new Gauge(
        'crm_etl_last_success_timestamp_seconds',
        'When the last successful run finished (any process).',
        () => [...this.lastSuccess].map(([pipeline, at]) => ({ labels: { pipeline }, value: at })),
      ),
    );
    this.registry.register(
      new Gauge(
        'crm_etl_seconds_since_last_success',
        'Seconds since the last successful run of the pipeline (by any process); +Inf if none is recorded.',
        () => pipelines.map((pipeline) => ({ labels: { pipeline }, value: this.sinceLastSuccess(pipeline) })),
      ),
    );
    this.registry
      .register(new Gauge('crm_etl_scheduler_start_time_seconds', 'When this scheduler started.'))
      .set({}, Math.floor(this.now()));
    for (const pipeline of pipelines) this.inProgress.set({ pipeline }, 0);
  }

  setRunning(pipeline: string, running: boolean): void {
    this.inProgress.set({ pipeline }, running ? 1 : 0);
  }

  skip(pipeline: string, reason: SkipReason): void {
    this.skipped.inc({ pipeline, reason });
  }

  /** A run that ended without a report (could not start, or its worker died). */
  failedWithoutReport(pipeline: string): void {
    this.runs.inc({ pipeline, status: 'failed' });
  }

  record(report: RunReport): void {
    const pipeline = report.pipeline;
    this.runs.inc({ pipeline, status: report.status });
    for (const step of report.steps) {
      if (step.status !== 'skipped') this.stepSeconds.observe({ pipeline, step: step.step }, step.seconds);
      if (step.status === 'failed') this.stepFailures.inc({ pipeline, step: step.step });
      if (step.retries) this.retries.inc({ pipeline, step: step.step }, step.retries);
      if (step.step === 'extract') this.recordRows(pipeline, step.detail);
    }
    if (report.status === 'succeeded') this.setLastSuccess(pipeline, this.now());
  }

  /** From etl_run, so a success by another scheduler or a manual run counts too. */
  setLastSuccess(pipeline: string, epochSeconds: number): void {
    const known = this.lastSuccess.get(pipeline) ?? -Infinity;
    if (epochSeconds > known) this.lastSuccess.set(pipeline, epochSeconds);
  }

  sinceLastSuccess(pipeline: string): number {
    const at = this.lastSuccess.get(pipeline);
    return at === undefined ? Infinity : Math.max(0, Math.round(this.now() - at));
  }

  render(): string {
    return this.registry.render();
  }

  private recordRows(pipeline: string, detail: unknown): void {
    if (!Array.isArray(detail)) return;
    for (const src of detail as Array<{ source?: string; inputs?: unknown }>) {
      if (!Array.isArray(src.inputs)) continue;
      for (const input of src.inputs as Array<Record<string, unknown>>) {
        const labels = { pipeline, source: String(src.source), stream: String(input.stream) };
        this.rows.inc({ ...labels, outcome: 'loaded' }, Number(input.loaded) || 0);
        this.rows.inc({ ...labels, outcome: 'quarantined' }, Number(input.quarantined) || 0);
        this.rows.inc({ ...labels, outcome: 'skipped' }, Number(input.skipped) || 0);
        this.rows.inc({ ...labels, outcome: 'duplicate' }, Number(input.duplicates) || 0);
      }
    }
  }
}
