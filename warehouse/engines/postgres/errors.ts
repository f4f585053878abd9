import type { EngineErrors } from '../engine.js';

// PostgreSQL's error codes are SQLSTATEs; node-postgres puts them on the error as `code`.

export const UNIQUE_VIOLATION = '23505';
/** lock_not_available (lock_timeout ran out) and deadlock_detected: another try may get the locks. */
export const LOCK_CONFLICTS: readonly string[] = ['55P03', '40P01'];

export const postgresErrors: EngineErrors = Object.freeze({
  retryable: [
    '40001', // serialization_failure
    '40P01', // deadlock_detected
    '55P03', // lock_not_available (lock_timeout)
    '57P01', // admin_shutdown
    '57P02', // crash_shutdown
    '57P03', // cannot_connect_now (starting up)
    '53300', // too_many_connections
    '08000', // connection_exception
    '08001', // sqlclient_unable_to_establish_sqlconnection
    '08003', // connection_does_not_exist
    '08004', // sqlserver_rejected_establishment_of_sqlconnection
    '08006', // connection_failure
  ],
  // node-postgres's and the server's words for a dropped connection, which carry no code.
  retryableMessages: [/Connection terminated unexpectedly/i, /server closed the connection unexpectedly/i],
  unknownDatabase: ['3D000'], // invalid_catalog_name
  accessDenied: [
    '28P01', // invalid_password
    '28000', // invalid_authorization_specification
  ],
  cannotOpen: [],
  createDatabase: (name: string) => `createdb ${name}`,
});
