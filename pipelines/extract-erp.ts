/**
 * Extracts an ERP source: every stream read after its saved position, batch by batch, each
 * batch staged in one warehouse transaction together with the position after it. A run killed
 * or disconnected mid-stream resumes at the last committed batch: nothing lost, nothing staged
 * twice (a batch read again is an exact repeat, counted as duplicates).
 */
import { hash } from 'node:crypto';
import { erpStreams, type ErpSourceConfig } from '../connectors/erp/config.js';
import { buildErpItem, streamLabel } from '../connectors/erp/record.js';
import { countNullCursor, readBatches, type StreamPosition } from '../connectors/erp/reader.js';
import { openSourceDb, type SourceDb } from '../connectors/erp/source-db.js';
import type { ErpStreamSpec } from '../connectors/erp/spec.js';
import type { ConnectorItem } from '../connectors/contract.js';
import { readConnectorState, saveConnectorState } from '../warehouse/connector-state.js';
import type { ExtractContext, SourceResult } from './sources.js';
import { stageItems, type StageCounts } from './stage.js';

/** What connector_state holds for an ERP stream. */
interface ErpStreamState {
  position: StreamPosition;
  /** Hash of the stream's query when the position was saved: a changed query starts over. */
  query: string;
}

export interface ErpStreamResult extends StageCounts {
  /** The stream's name in its source (`invoices`). */
  name: string;
  from: StreamPosition | null;
  to: StreamPosition | null;
  batches: number;
}

export async function extractErp(src: ErpSourceConfig, ctx: ExtractContext): Promise<SourceResult> {
  const streams = erpStreams(src);
  const db = await openSourceDb(src.url, src.name, ctx.logger);
  const result: SourceResult = { source: src.name, inputs: [] };
  try {
    for (const spec of streams) {
      if (ctx.signal?.aborted) break;
      const counts = await extractStream(db, src, spec, ctx);
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
): Promise<ErpStreamResult> {
  const log = ctx.logger.child({ source: src.name, stream: spec.name });
  const query = fingerprint(spec);
  const saved = ctx.full ? null : await readConnectorState<ErpStreamState>(ctx.wh, src.name, spec.name);
  let from = saved?.position ?? null;
  if (saved && saved.query !== query) {
    log.warn("the stream's query changed since its position was saved: reading it from the start");
    from = null;
  }
  const nullCursor = await countNullCursor(db, spec);
  if (nullCursor > 0) {
    log.warn(
      { rows: nullCursor, cursor: spec.cursor },
      'rows with an empty cursor column are not read incrementally; give them a value or use another cursor',
    );
  }
  const total: ErpStreamResult = {
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
  for await (const batch of readBatches(db, spec, from, src.batchSize)) {
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

/** A hash of what decides which rows a stream reads and in what order. */
function fingerprint(spec: ErpStreamSpec): string {
  const what = JSON.stringify([
    spec.table ?? null,
    spec.sql ?? null,
    spec.where ?? null,
    spec.key,
    spec.cursor,
  ]);
  return hash('sha1', what);
}
