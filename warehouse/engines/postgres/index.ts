import type { Engine } from '../engine.js';
import { PostgresAdapter, POSTGRES_LABEL } from './adapter.js';
import { sourceConnection } from './connection.js';
import { postgresErrors } from './errors.js';

export const postgres: Engine = Object.freeze({
  name: 'postgres',
  label: POSTGRES_LABEL,
  createAdapter: () => new PostgresAdapter(),
  errors: postgresErrors,
  sourceConnection,
});

export { PostgresAdapter };
