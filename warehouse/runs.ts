import os from 'node:os';
import type { Warehouse } from './connection.js';

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface RunRecord {
  run_id: number;
  pipeline: string;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  stats: Record<string, unknown> | null;
}

/** Records the start of a run; returns its id. */
export async function startRun(wh: Warehouse, pipeline: string): Promise<number> {
  const row = {
    pipeline,
    status: 'running',
    started_at: wh.adapter.timestamp(new Date()),
    host: os.hostname(),
    pid: process.pid,
  };
  return wh.adapter.insertReturningId(wh.knex, 'etl_run', row, 'run_id');
}

export async function finishRun(
  wh: Warehouse,
  runId: number,
  status: Exclude<RunStatus, 'running'>,
  stats: Record<string, unknown>,
  error?: string,
): Promise<void> {
  await wh
    .knex('etl_run')
    .where({ run_id: runId })
    .update({
      status,
      finished_at: wh.adapter.timestamp(new Date()),
      error: error ?? null,
      stats: JSON.stringify(stats),
    });
}

export async function listRuns(
  wh: Warehouse,
  options: { limit?: number; pipeline?: string } = {},
): Promise<RunRecord[]> {
  const query = wh
    .knex('etl_run')
    .select('run_id', 'pipeline', 'status', 'started_at', 'finished_at', 'error', 'stats')
    .orderBy('run_id', 'desc')
    .limit(options.limit ?? 20);
  if (options.pipeline) query.where({ pipeline: options.pipeline });
  const rows = (await query) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    run_id: Number(r.run_id),
    pipeline: String(r.pipeline),
    status: r.status as RunStatus,
    started_at: isoOf(r.started_at)!,
    finished_at: isoOf(r.finished_at),
    error: (r.error as string | null) ?? null,
    stats: r.stats == null ? null : (wh.adapter.parseJson(r.stats) as Record<string, unknown>),
  }));
}

function isoOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** What a run left 'running' by a dead process is recorded as. */
export const DEAD_RUN_ERROR = 'process died before the run finished';

/**
 * Marks the pipeline's 'running' runs failed. Only with the pipeline's lock held (lockPipeline):
 * holding it proves no run of the pipeline is alive, so those rows are dead processes'.
 */
export async function failDeadRuns(wh: Warehouse, pipeline: string): Promise<number> {
  return wh
    .knex('etl_run')
    .where({ pipeline, status: 'running' })
    .update({ status: 'failed', finished_at: wh.adapter.timestamp(new Date()), error: DEAD_RUN_ERROR });
}

/** Records a run failed whose process was killed or died, unless the run recorded its own end. */
export async function failAbandonedRun(wh: Warehouse, runId: number, error: string): Promise<void> {
  await wh
    .knex('etl_run')
    .where({ run_id: runId, status: 'running' })
    .update({ status: 'failed', finished_at: wh.adapter.timestamp(new Date()), error });
}

/** When the pipeline last finished a run that succeeded (any process's), in epoch seconds. */
export async function lastSuccessAt(wh: Warehouse, pipeline: string): Promise<number | undefined> {
  const row = (await wh
    .knex('etl_run')
    .where({ pipeline, status: 'succeeded' })
    .max({ at: 'finished_at' })
    .first()) as { at: unknown } | undefined;
  return epochSeconds(row?.at);
}

/** Datetimes read back as Date (PostgreSQL, MySQL) or ISO text (SQLite). */
function epochSeconds(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(String(value));
  const ms = date.getTime();
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
