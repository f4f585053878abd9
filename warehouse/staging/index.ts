/**
 * Staging: everything that writes stg_* (the loader, staging rows and their encoding, quarantine)
 * and the positions saved with each batch. Pipelines stage through these functions only.
 */
import type { ConnectorItem } from '../../connectors/contract.js';
import type { Warehouse } from '../connection.js';
import { readConnectorState, saveConnectorState } from '../connector-state.js';
import { stageItems, type StageCounts, type StageOptions } from './stage.js';

export { stageItems, type StageCounts, type StageOptions } from './stage.js';
export { stagingEncoding } from './record-encoder.js';

/** Where a source's stream stopped, as its connector saved it; null before its first batch. */
export function readStreamState<T>(wh: Warehouse, source: string, stream: string): Promise<T | null> {
  return readConnectorState<T>(wh, source, stream);
}

/**
 * Stages one batch, and with it the position after it when there is one, in one transaction:
 * the position never runs ahead of what is staged, and a batch is never staged twice.
 */
export async function stageBatch(
  wh: Warehouse,
  items: AsyncIterable<ConnectorItem>,
  options: Omit<StageOptions, 'trx'>,
  position?: { stream: string; state: unknown },
): Promise<StageCounts> {
  if (position === undefined || position.state === undefined) return stageItems(wh, items, options);
  return wh.knex.transaction(async (trx) => {
    const counts = await stageItems(wh, items, { ...options, trx });
    await saveConnectorState(wh, trx, options.source, position.stream, position.state);
    return counts;
  });
}
export { stageReceived } from './received.js';
