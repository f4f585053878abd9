import type { Knex } from 'knex';
import type { DatabaseUrl } from '../../lib/db-url.js';
import type { EngineName } from '../url.js';
import type { EngineAdapter } from './adapter.js';

/**
 * One engine the warehouse runs on and sources may live on, as its folder exports it
 * (warehouse/engines/<engine>/index.ts): its adapter, what its drivers' error codes mean, and how
 * to connect to a source database on it. Adding an engine is a folder and a line in index.ts.
 */
export interface Engine {
  readonly name: EngineName;
  /** Human name for messages: 'PostgreSQL'. */
  readonly label: string;
  /** A new adapter: an instance belongs to one connection. */
  createAdapter(): EngineAdapter;
  readonly errors: EngineErrors;
  /**
   * knex settings (driver, pool, timeouts, session settings, how values arrive) for a read-only
   * connection to a source database on this engine (connectors/erp/source-db.ts).
   */
  sourceConnection(url: DatabaseUrl, session: SourceSession): Knex.Config;
}

/** The driver error codes (and code-less messages) of an engine, by what they mean. */
export interface EngineErrors {
  /**
   * The same work may succeed if tried again: the connection dropped, the server is restarting,
   * or the engine chose this transaction as a victim (pipelines/retry.ts).
   */
  readonly retryable: readonly string[];
  /** Failures that carry no code but are a dropped connection. */
  readonly retryableMessages: readonly RegExp[];
  /** On connecting: the database the URL names does not exist. */
  readonly unknownDatabase: readonly string[];
  /** On connecting: the user or the password was refused. */
  readonly accessDenied: readonly string[];
  /** On connecting: the database file cannot be created or opened. */
  readonly cannotOpen: readonly string[];
  /** How a user creates database `name`, for the hint when it does not exist (engines with unknownDatabase codes). */
  createDatabase?(name: string): string;
}

/** What keeps a source session from disturbing the source's own users. */
export interface SourceSession {
  /** Seconds a statement may wait for a lock before it gives up. */
  lockWaitSeconds: number;
  /** Seconds one statement may run before the server cancels it (0: no limit). */
  statementTimeout: number;
}
