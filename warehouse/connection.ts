import knexFactory, { type Knex } from 'knex';
import type { Logger } from 'pino';
import { knexLog } from '../lib/knex-log.js';
import type { EngineAdapter } from './engines/adapter.js';
import { explainConnectError } from './engines/errors.js';
import { createAdapter } from './engines/index.js';
import { WAREHOUSE_ROLE, parseWarehouseUrl, type WarehouseUrl } from './url.js';

/** An open warehouse: the query builder, the engine adapter and where it lives. */
export interface Warehouse {
  readonly knex: Knex;
  readonly adapter: EngineAdapter;
  readonly url: WarehouseUrl;
  close(): Promise<void>;
}

/** Opens and checks a warehouse from a URL (`postgres://…`, `mysql://…`, `sqlite:<path>`). */
export async function openWarehouse(rawUrl: string, logger?: Logger): Promise<Warehouse> {
  const url = parseWarehouseUrl(rawUrl);
  const adapter = createAdapter(url.engine);
  const config = adapter.knexConfig(url);
  const knex = knexFactory({
    ...config,
    acquireConnectionTimeout: 15_000,
    log: knexLog(logger),
    pool: {
      ...config.pool,
      // Session setup on every pooled connection, not just the first.
      afterCreate: (conn: unknown, done: (err: Error | null, conn: unknown) => void) => {
        adapter.afterCreate(conn).then(
          () => done(null, conn),
          (err: Error) => done(err, conn),
        );
      },
    },
  });
  try {
    await adapter.prepare(knex);
  } catch (err) {
    await knex.destroy().catch(() => undefined);
    throw explainConnectError(err, url, adapter.label, WAREHOUSE_ROLE);
  }
  logger?.debug({ engine: url.engine, db: url.display }, 'warehouse opened');
  return {
    knex,
    adapter,
    url,
    close: () => knex.destroy(),
  };
}
