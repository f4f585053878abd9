/**
 * Where each incremental stream of a source stopped (connector_state). Saved in the same
 * transaction as the batch it follows, so the position never runs ahead of what is staged.
 */
import type { Knex } from 'knex';
import type { Warehouse } from './connection.js';

export async function readConnectorState<T>(
  wh: Warehouse,
  source: string,
  stream: string,
): Promise<T | null> {
  const row = (await wh.knex('connector_state').where({ source, stream }).first('state')) as
    { state: unknown } | undefined;
  return row ? ((wh.adapter.parseJson(row.state) as T | null) ?? null) : null;
}

export async function saveConnectorState(
  wh: Warehouse,
  trx: Knex.Transaction,
  source: string,
  stream: string,
  state: unknown,
): Promise<void> {
  await wh.adapter.upsert(
    trx,
    'connector_state',
    [{ source, stream, state: JSON.stringify(state), updated_at: wh.adapter.timestamp(new Date()) }],
    ['source', 'stream'],
  );
}

/** Every saved position of a source, for `check` and `--full` reports. */
export async function listConnectorState(
  wh: Warehouse,
  source: string,
): Promise<Array<{ stream: string; state: unknown; updatedAt: string }>> {
  const rows = (await wh.knex('connector_state').where({ source }).orderBy('stream')) as Array<{
    stream: string;
    state: unknown;
    updated_at: unknown;
  }>;
  return rows.map((r) => ({
    stream: r.stream,
    state: wh.adapter.parseJson(r.state),
    updatedAt: r.updated_at instanceof Date ? r.updated_at.toISOString() : String(r.updated_at),
  }));
}
