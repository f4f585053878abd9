import type { EngineErrors } from '../engine.js';

// SQLite's result codes as better-sqlite3 names them in `code`.

export const sqliteErrors: EngineErrors = Object.freeze({
  // Another writer held the database past busy_timeout.
  retryable: ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED'],
  retryableMessages: [],
  unknownDatabase: [],
  accessDenied: [],
  cannotOpen: ['SQLITE_CANTOPEN'],
});
