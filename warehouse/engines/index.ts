import { ConfigError } from '../../lib/errors.js';
import type { EngineName } from '../url.js';
import type { EngineAdapter } from './adapter.js';
import type { Engine } from './engine.js';
import { mysql } from './mysql/index.js';
import { postgres } from './postgres/index.js';
import { sqlite } from './sqlite/index.js';

/** Every engine the warehouse runs on (and a source may live on), each from its folder. */
export const ENGINES: Readonly<Record<EngineName, Engine>> = Object.freeze({ sqlite, postgres, mysql });

export function getEngine(engine: EngineName): Engine {
  const found = ENGINES[engine];
  if (!found)
    throw new ConfigError(`Invalid engine '${engine}'`, {
      hint: `Use one of ${Object.keys(ENGINES).join(', ')}`,
    });
  return found;
}

/** A new adapter: an instance belongs to one connection. */
export function createAdapter(engine: EngineName): EngineAdapter {
  return getEngine(engine).createAdapter();
}

export type { EngineAdapter, NamedLock, StageRow, TruncUnit } from './adapter.js';
export type { Engine, EngineErrors, SourceSession } from './engine.js';
