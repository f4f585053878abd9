import type { Engine } from '../engine.js';
import { SqliteAdapter, SQLITE_LABEL } from './adapter.js';
import { sourceConnection } from './connection.js';
import { sqliteErrors } from './errors.js';

export const sqlite: Engine = Object.freeze({
  name: 'sqlite',
  label: SQLITE_LABEL,
  createAdapter: () => new SqliteAdapter(),
  errors: sqliteErrors,
  sourceConnection,
});

export { SqliteAdapter };
