/**
 * Extracts an ERP source: every stream read after its saved position, batch by batch, each
 * batch staged in one warehouse transaction together with the position after it. A run killed
 * or disconnected mid-stream resumes at the last committed batch: nothing lost, nothing staged
 * twice (a batch read again is an exact repeat, counted as duplicates).
 */
import { hash } from 'node:crypto';
import { erpStreams, type ErpSourceConfig } from '../connectors/erp/config.js';
import { buildErpItem, streamLabel } from '../connectors/erp/record.js';
import {
  countNullCursor,
  readBatches,
  type ReadStart,
  type StreamPosition,
} from '../connectors/erp/reader.js';
import { openSourceDb, type SourceDb } from '../connectors/erp/source-db.js';
import type { ErpStreamSpec } from '../connectors/erp/spec.js';
import type { ConnectorItem } from '../connectors/contract.js';
import { readConnectorState, saveConnectorState } from '../warehouse/connector-state.js';
import type { ExtractContext, SourceResult } from './sources.js';
import { stageItems, type StageCounts } from './stage.js';

/** What connector_state holds for an ERP stream. */
interface ErpStreamState {
  position: StreamPosition;
  /** Hash of what decides the stream's rows and their staged values: a change starts it over. */
  query: string;
}

export interface ErpStreamResult extends StageCounts {
  /** The stream's name in its source (`invoices`). */
  name: string;
  from: StreamPosition | null;
  to: StreamPosition | null;
  batches: number;
}

/**
 * What earlier attempts of the same run did, kept by the runner across retries: which streams
 * began their full read (a retry resumes them from what they committed instead of starting
 * over) and what they committed (so the run's report counts every row once).
 */
export interface ErpAttempts {
  fullStarted: Set<string>;
  committed: Map<string, ErpStreamResult>;
}

function newErpAttempts(): ErpAttempts {
  return { fullStarted: new Set(), committed: new Map() };
}

export async function extractErp(src: ErpSourceConfig, ctx: ExtractContext): Promise<SourceResult> {
  const streams = erpStreams(src);
  let attempts = ctx.attempts?.get('erp') as ErpAttempts | undefined;
  if (!attempts) {
    attempts = newErpAttempts();
    ctx.attempts?.set('erp', attempts);
  }
  const db = await openSourceDb(src.url, src.name, ctx.logger, { statementTimeout: src.statementTimeout });
  const result: SourceResult = { source: src.name, inputs: [] };
  try {
    for (const spec of streams) {
      if (ctx.signal?.aborted) break;
      const counts = await extractStream(db, src, spec, ctx, attempts);
      result.inputs.push({
        file: streamLabel(spec),
        sheet: null,
        stream: spec.stream,
        rejectsFile: null,
        ...counts,
      });
    }
  } finally {
    await db.close();
  }
  return result;
}

async function extractStream(
  db: SourceDb,
  src: ErpSourceConfig,
  spec: ErpStreamSpec,
  ctx: ExtractContext,
  attempts: ErpAttempts,
): Promise<ErpStreamResult> {
  const log = ctx.logger.child({ source: src.name, stream: spec.name });
  const query = fingerprint(spec);
  const full = ctx.full === true && !attempts.fullStarted.has(spec.name);
  if (full) attempts.fullStarted.add(spec.name);
  const saved = full ? null : await readConnectorState<ErpStreamState>(ctx.wh, src.name, spec.name);
  let from = saved?.position ?? null;
  if (saved && saved.query !== query) {
    log.warn("the stream's query or mapping changed since its position was saved: reading it from the start");
    from = null;
  }
  const start: ReadStart = from === null ? null : { after: from, lookback: spec.lookback ?? src.lookback };
  if (start === null) {
    const nullCursor = await countNullCursor(db, spec);
    if (nullCursor > 0) {
      log.warn(
        { rows: nullCursor, cursor: spec.cursor },
        'rows with an empty cursor column are read now, but later changes to them only once they have a cursor value',
      );
    }
  }
  const earlier = attempts.committed.get(spec.name);
  const total: ErpStreamResult = earlier ?? {
    name: spec.name,
    from,
    to: from,
    batches: 0,
    rows: 0,
    loaded: 0,
    inserted: 0,
    updated: 0,
    quarantined: 0,
    duplicates: 0,
    withWarnings: 0,
  };
  for await (const batch of readBatches(db, spec, start, src.batchSize)) {
    const items: ConnectorItem[] = batch.rows.map((row) => buildErpItem(row, spec, ctx.defaultRegion));
    const counts = await ctx.wh.knex.transaction(async (trx) => {
      const staged = await stageItems(ctx.wh, iterate(items), {
        source: src.name,
        stream: spec.stream,
        runId: ctx.runId,
        file: streamLabel(spec),
        trx,
        quarantineBy: 'record',
      });
      const state: ErpStreamState = { position: batch.position, query };
      await saveConnectorState(ctx.wh, trx, src.name, spec.name, state);
      return staged;
    });
    total.batches++;
    total.to = batch.position;
    for (const k of [
      'rows',
      'loaded',
      'inserted',
      'updated',
      'quarantined',
      'duplicates',
      'withWarnings',
    ] as const)
      total[k] += counts[k];
    attempts.committed.set(spec.name, total);
    log.debug({ batch: total.batches, rows: counts.rows, position: batch.position }, 'batch staged');
    if (ctx.signal?.aborted) break;
  }
  log.info(
    { rows: total.rows, loaded: total.loaded, quarantined: total.quarantined, duplicates: total.duplicates },
    'staged',
  );
  return total;
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

/** A hash of what decides which rows a stream reads, in what order, and the values it stages. */
function fingerprint(spec: ErpStreamSpec): string {
  const what = JSON.stringify([
    spec.table ?? null,
    spec.sql ?? null,
    spec.where ?? null,
    spec.key,
    spec.cursor,
    spec.keyPrefix ?? '',
    Object.entries(spec.columns).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    [...(spec.ignore ?? [])].sort(),
    spec.stream,
  ]);
  return hash('sha1', what);
}
