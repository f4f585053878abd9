import { ConfigError } from '../../lib/errors.js';
import type { EngineName } from '../url.js';
import type { EngineAdapter } from './adapter.js';
import { MysqlAdapter } from './mysql/index.js';
import { PostgresAdapter } from './postgres/index.js';
import { SqliteAdapter } from './sqlite/index.js';

/** Every engine the warehouse runs on. An adapter instance belongs to one connection. */
const ENGINES: Readonly<Record<EngineName, () => EngineAdapter>> = Object.freeze({
  sqlite: () => new SqliteAdapter(),
  postgres: () => new PostgresAdapter(),
  mysql: () => new MysqlAdapter(),
});

export function createAdapter(engine: EngineName): EngineAdapter {
  const make = ENGINES[engine];
  if (!make)
    throw new ConfigError(`Invalid engine '${engine}'`, {
      hint: `Use one of ${Object.keys(ENGINES).join(', ')}`,
    });
  return make();
}

export type { EngineAdapter, NamedLock, StageRow, TruncUnit } from './adapter.js';
