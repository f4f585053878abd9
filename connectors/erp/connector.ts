/**
 * The ERP connector: every stream (a preset's or the config's) read after its saved position,
 * batch by batch, each batch with the position after it, so the pipeline commits the two together
 * and a run killed or disconnected mid-stream resumes at the last committed batch.
 */
import { hash } from 'node:crypto';
import type { ConnectorContext, PullConnector, SourceBatch, SourceStream } from '../contract.js';
import { erpStreams, ErpSourceSchema, type ErpSourceConfig } from './config.js';
import { checkText } from './check-text.js';
import { buildErpItem, streamLabel } from './record.js';
import type { ReadStart, StreamPosition } from './reader.js';
import type { ErpStreamSpec } from './spec.js';

/** What a stream's saved state holds. */
export interface ErpStreamState {
  position: StreamPosition;
  /** Hash of what decides the stream's rows and their staged values: a change starts it over. */
  query: string;
}

export const erpConnector: PullConnector<ErpSourceConfig> = Object.freeze({
  kind: 'erp',
  mode: 'pull',
  configSchema: ErpSourceSchema,

  async check(src: ErpSourceConfig, ctx: ConnectorContext) {
    const { checkErp } = await import('./check.js');
    const result = await checkErp(src, ctx.logger);
    const json = { connector: 'erp', ...result };
    return { ok: result.ok, json, text: checkText(result) };
  },

  async *streams(src: ErpSourceConfig, ctx: ConnectorContext) {
    const specs = erpStreams(src);
    const { openSourceDb } = await import('./source-db.js');
    const { countNullCursor, readBatches } = await import('./reader.js');
    const db = await openSourceDb(src.url, src.name, ctx.logger, { statementTimeout: src.statementTimeout });
    try {
      for (const spec of specs) {
        const log = ctx.logger.child({ source: src.name, stream: spec.name });
        const query = fingerprint(spec);
        const stream: SourceStream<ErpStreamState> = {
          name: spec.name,
          stream: spec.stream,
          primaryKey: spec.key,
          cursorField: spec.cursor,
          input: streamLabel(spec),
          quarantineBy: 'record',
          read: async function* (saved): AsyncGenerator<SourceBatch<ErpStreamState>> {
            let from = saved?.position ?? null;
            if (saved && saved.query !== query) {
              log.warn(
                "the stream's query or mapping changed since its position was saved: reading it from the start",
              );
              from = null;
            }
            const start: ReadStart =
              from === null ? null : { after: from, lookback: spec.lookback ?? src.lookback };
            if (start === null) {
              const nullCursor = await countNullCursor(db, spec);
              if (nullCursor > 0) {
                log.warn(
                  { rows: nullCursor, cursor: spec.cursor },
                  'rows with an empty cursor column are read now, but later changes to them only once they have a cursor value',
                );
              }
            }
            for await (const batch of readBatches(db, spec, start, src.batchSize)) {
              yield {
                items: batch.rows.map((row) => buildErpItem(row, spec, ctx.defaultRegion)),
                state: { position: batch.position, query },
              };
              if (ctx.signal?.aborted) return;
            }
          },
        };
        yield stream;
      }
    } finally {
      await db.close();
    }
  },
});

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
