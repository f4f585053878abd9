/**
 * The one extract loop every pull connector goes through: a source's streams are opened one at a
 * time, each read after its saved position, batch by batch, each batch staged in one transaction
 * together with the position after it. A run killed or disconnected mid-stream resumes at the
 * last committed batch: nothing lost, nothing staged twice (a batch read again is an exact
 * repeat, counted as duplicates). A stream that fails for good is recorded with its error and the
 * others go on; a transient failure (a dropped connection) is thrown, for the runner to retry the
 * source, and a retry resumes every stream from what it committed.
 */
import { connectorFor } from '../connectors/index.js';
import type { ConnectorContext, SourceConfigBase, SourceStream, StreamName } from '../connectors/contract.js';
import { describeError, ConfigError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Warehouse } from '../warehouse/connection.js';
import {
  readStreamState,
  stageBatch,
  stagingEncoding,
  type StageCounts,
} from '../warehouse/staging/index.js';
import { RejectsFile } from './rejects-file.js';
import { classifyFailure } from './retry.js';

export interface ExtractContext {
  wh: Warehouse;
  runId: number;
  /** Relative paths in the source's config are relative to this folder. */
  baseDir: string;
  defaultRegion: string;
  logger: Logger;
  /** Incremental streams read everything again instead of what changed since their saved position. */
  full?: boolean;
  /** Streams stop after the batch in flight when this aborts. */
  signal?: AbortSignal;
  /**
   * Kept by the runner across the retries of one source within a run: which streams began a
   * full read (a retry resumes them from what they committed) and what they committed (so the
   * run's report counts every row once).
   */
  attempts?: Map<string, unknown>;
  /** `--rejects`: where rejects reports of files go (a file or a folder); beside each file by default. */
  rejects?: string;
  /** Called as a stream's rows are staged (a progress bar). */
  progress?: (stream: SourceStream) => { update(rows: number): void; stop(): void };
}

/** One stream's line in the report: rows = loaded + skipped + quarantined + duplicates. */
export interface StreamResult extends StageCounts {
  /** The stream's name in its source: a file (and sheet), a table's stream. */
  name: string;
  /** Its input as lineage names it. */
  file: string;
  sheet: string | null;
  stream: string;
  rejectsFile: string | null;
  batches: number;
  /** Saved positions before and after (incremental streams). */
  from?: unknown;
  to?: unknown;
  /** What the reader found out about its input (spreadsheets: encoding, header row…). */
  detail?: Record<string, unknown>;
}

export interface SourceResult {
  source: string;
  inputs: StreamResult[];
  /** Streams that failed for good, each with its error: the source then fails, naming them. */
  failed: Array<{ name: string; error: string }>;
  /** Inputs left out on purpose, with the reason. */
  skipped: Array<{ file: string; reason: string }>;
}

interface StreamAttempts {
  fullStarted: Set<string>;
  committed: Map<string, StreamResult>;
}

export async function extractSource(src: SourceConfigBase, ctx: ExtractContext): Promise<SourceResult> {
  const connector = await connectorFor(src.connector);
  if (connector.mode !== 'pull') {
    throw new ConfigError(
      `Source '${src.name}': a ${src.connector} source sends its data; it is not extracted`,
      {
        hint: 'Run crm-etl serve (or schedule) to receive it',
      },
    );
  }
  let attempts = ctx.attempts?.get('streams') as StreamAttempts | undefined;
  if (!attempts) {
    attempts = { fullStarted: new Set(), committed: new Map() };
    ctx.attempts?.set('streams', attempts);
  }
  const cctx: ConnectorContext = {
    baseDir: ctx.baseDir,
    defaultRegion: ctx.defaultRegion,
    logger: ctx.logger,
    signal: ctx.signal,
    stagingEncoding: (input) =>
      stagingEncoding(ctx.wh.adapter, { source: src.name, runId: ctx.runId, file: input }),
  };
  const result: SourceResult = { source: src.name, inputs: [], failed: [], skipped: [] };
  for await (const opened of connector.streams(src, cctx)) {
    if ('skipped' in opened) {
      result.skipped.push({ file: opened.name, reason: opened.skipped });
      ctx.logger.warn({ source: src.name, file: opened.name, reason: opened.skipped }, 'input skipped');
      continue;
    }
    try {
      if ('error' in opened) throw opened.error;
      result.inputs.push(await extractStream(src.name, opened, ctx, attempts));
    } catch (err) {
      if (classifyFailure(err) === 'transient') throw err;
      const error = describeError(err);
      result.failed.push({ name: opened.name, error });
      ctx.logger.error({ source: src.name, stream: opened.name, err }, 'stream failed');
    }
    if (ctx.signal?.aborted) break;
  }
  return result;
}

async function extractStream(
  source: string,
  s: SourceStream,
  ctx: ExtractContext,
  attempts: StreamAttempts,
): Promise<StreamResult> {
  const log = ctx.logger.child({ source, stream: s.name });
  const incremental = s.cursorField !== undefined;
  const full = ctx.full === true && !attempts.fullStarted.has(s.name);
  if (full) attempts.fullStarted.add(s.name);
  const saved = incremental && !full ? await readStreamState(ctx.wh, source, s.name) : null;
  const sheet = typeof s.detail?.sheet === 'string' ? s.detail.sheet : null;
  const total: StreamResult = attempts.committed.get(s.name) ?? {
    name: s.name,
    file: s.input,
    sheet,
    stream: s.stream,
    rejectsFile: null,
    batches: 0,
    ...emptyCounts(),
    ...(incremental ? { from: positionOf(saved), to: positionOf(saved) } : {}),
    ...(s.detail ? { detail: s.detail } : {}),
  };
  const rejects = s.rejectsReport
    ? RejectsFile.forInput(s.rejectsReport.file, s.rejectsReport.sheet, ctx.rejects)
    : null;
  const progress = ctx.progress?.(s);
  try {
    for await (const batch of s.read(saved)) {
      const counts = await stageBatch(
        ctx.wh,
        iterate(batch.items),
        {
          source,
          stream: s.stream,
          runId: ctx.runId,
          file: s.input,
          quarantineBy: s.quarantineBy,
          onReject: rejects ? (r) => rejects.add(r) : undefined,
          onProgress: progress ? (rows) => progress.update(total.rows + rows) : undefined,
        },
        batch.state === undefined ? undefined : { stream: s.name, state: batch.state },
      );
      total.batches++;
      if (batch.state !== undefined) total.to = positionOf(batch.state);
      addCounts(total, counts);
      attempts.committed.set(s.name, total);
      log.debug({ batch: total.batches, rows: counts.rows }, 'batch staged');
      if (ctx.signal?.aborted) break;
    }
  } finally {
    progress?.stop();
  }
  if (rejects) total.rejectsFile = await rejects.close();
  log.info(
    {
      rows: total.rows,
      loaded: total.loaded,
      skipped: total.skipped,
      quarantined: total.quarantined,
      duplicates: total.duplicates,
    },
    'staged',
  );
  return total;
}

const COUNTS = [
  'rows',
  'loaded',
  'inserted',
  'updated',
  'skipped',
  'quarantined',
  'duplicates',
  'withWarnings',
] as const;

/** Adds one batch's counts to a stream's total, with its skips by reason and its companion streams. */
function addCounts(total: StageCounts, counts: StageCounts): void {
  for (const k of COUNTS) total[k] += counts[k];
  for (const [reason, n] of Object.entries(counts.skippedBy ?? {})) {
    total.skippedBy ??= {};
    total.skippedBy[reason] = (total.skippedBy[reason] ?? 0) + n;
  }
  for (const [stream, c] of Object.entries(counts.companions ?? {}) as Array<[StreamName, StageCounts]>) {
    total.companions ??= {};
    const into = (total.companions[stream] ??= emptyCounts());
    addCounts(into, c);
  }
}

function emptyCounts(): StageCounts {
  return {
    rows: 0,
    loaded: 0,
    inserted: 0,
    updated: 0,
    skipped: 0,
    quarantined: 0,
    duplicates: 0,
    withWarnings: 0,
  };
}

/** A saved state's position, when it has one (the ERP's `{ position, query }`), else the state. */
function positionOf(state: unknown): unknown {
  if (state === null || state === undefined) return null;
  return typeof state === 'object' && 'position' in state ? (state as { position: unknown }).position : state;
}

async function* iterate<T>(items: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
