/**
 * Staging's offer to a reader with a thread of its own (the CSV reader): this module, imported in
 * that thread, makes the very staging rows staging would make of its records (RowEncoder), encoded
 * for the engine's bulk path. Connectors see only the contract's StagingEncoding and RecordEncoder.
 */
import type { CreateRecordEncoder, StagingEncoding } from '../../connectors/contract.js';
import type { EngineAdapter } from '../engines/adapter.js';
import { RowEncoder, stagingTarget, type StagingTarget } from './staging-row.js';

export const createRecordEncoder: CreateRecordEncoder = (stream, params) =>
  new RowEncoder(stream, params as StagingTarget);

/** How records of `file` staged under `source` in run `runId` can be encoded by their reader. */
export function stagingEncoding(
  adapter: EngineAdapter,
  where: { source: string; runId: number | null; file: string },
): StagingEncoding {
  const target = stagingTarget(adapter, where);
  return Object.freeze({
    module: new URL('./record-encoder.js', import.meta.url).href,
    params: target,
    batchRows: target.batchRows,
  });
}
