/**
 * Starts the web-form receiver (connectors/webform) on an open warehouse: its sink stages each
 * group of submissions in one transaction (stageReceived: a retry is a duplicate) and calls a
 * failure the warehouse being out of reach when the engines list it as transient (a dropped
 * connection, a server starting up), which sends the group to the spool instead.
 */
import type { PushHandle, PushSink } from '../../connectors/contract.js';
import type { ReceiverConfig } from '../../connectors/webform/config.js';
import { startReceiver, type StartOptions } from '../../connectors/webform/connector.js';
import { rejectFile } from '../../connectors/webform/lead.js';
import type { Logger } from '../../lib/logger.js';
import type { Warehouse } from '../../warehouse/connection.js';
import { stageReceived } from '../../warehouse/staging/index.js';
import { warehouseIdentity } from '../../warehouse/url.js';
import { classifyFailure } from '../retry.js';

export interface ReceiverStart {
  wh: Warehouse;
  receiver: ReceiverConfig;
  /** Relative paths (the spool) are relative to this folder: the config file's. */
  baseDir: string;
  defaultRegion: string;
  logger: Logger;
  /** --host / --port over the config's. */
  host?: string;
  port?: number;
}

/** More commits at once than this wait on the server's WAL flush in turn anyway. */
const MAX_COMMITS_IN_FLIGHT = 4;

function poolSize(wh: Warehouse): number {
  const max = (wh.knex.client as { config?: { pool?: { max?: number } } }).config?.pool?.max;
  return typeof max === 'number' && max > 0 ? max : 1;
}

export function warehouseSink(wh: Warehouse): PushSink {
  return {
    stage: (stream, items) =>
      stageReceived(wh, items, {
        source: stream.name,
        stream: stream.stream,
        runId: null,
        file: stream.input,
        quarantineBy: stream.quarantineBy,
        rejectFileOf: (key) => rejectFile(stream.input, key),
      }),
    unreachable: (err) => classifyFailure(err) === 'transient',
    // One connection of the pool is left for everything else (the drain, the health of the pool).
    concurrency: Math.max(1, Math.min(MAX_COMMITS_IN_FLIGHT, poolSize(wh) - 1)),
    warehouse: warehouseIdentity(wh.url),
  };
}

export function startWebforms(s: ReceiverStart, options: StartOptions = {}): Promise<PushHandle> {
  return startReceiver(
    {
      ...s.receiver,
      ...(s.host !== undefined ? { host: s.host } : {}),
      ...(s.port !== undefined ? { port: s.port } : {}),
      connector: 'webform',
      name: 'receiver',
    },
    warehouseSink(s.wh),
    { baseDir: s.baseDir, defaultRegion: s.defaultRegion, logger: s.logger },
    options,
  );
}
