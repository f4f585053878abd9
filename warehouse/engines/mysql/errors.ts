import type { EngineErrors } from '../engine.js';

// MySQL's and MariaDB's errors as mysql2 names them in `code`.

export const mysqlErrors: EngineErrors = Object.freeze({
  retryable: [
    'ER_LOCK_DEADLOCK',
    'ER_LOCK_WAIT_TIMEOUT',
    'ER_CON_COUNT_ERROR',
    'ER_SERVER_SHUTDOWN',
    'ER_CLIENT_INTERACTION_TIMEOUT',
    'PROTOCOL_CONNECTION_LOST',
    'PROTOCOL_SEQUENCE_TIMEOUT',
  ],
  retryableMessages: [],
  unknownDatabase: ['ER_BAD_DB_ERROR'],
  accessDenied: ['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR'],
  cannotOpen: [],
  createDatabase: (name: string) => `CREATE DATABASE \`${name}\``,
});
