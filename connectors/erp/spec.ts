/**
 * What one ERP stream reads: a table or a SELECT, its key and cursor, and how its columns become
 * canonical fields. Presets (presets/*.ts) are lists of these; a config file writes the same
 * shape by hand for any other database.
 */
import type { FieldName } from '../canonical/fields.js';
import type { StreamName } from '../contract.js';

export type ErpEngine = 'mysql' | 'postgres' | 'sqlite';

export interface ErpStreamSpec {
  /** The stream's name within its source (`customers`, `invoices`): the key of its saved cursor. */
  name: string;
  /** The staging stream it fills. */
  stream: StreamName;
  /**
   * Either a table name or a SELECT. A SELECT is wrapped as a derived table
   * (`SELECT * FROM (<sql>) AS q WHERE <after cursor> ORDER BY cursor, key LIMIT n`), so it must
   * not end in ORDER BY / LIMIT, and its filter on the cursor should be left to the wrapper.
   * Prefer correlated subqueries to GROUP BY, so the engine can push the cursor predicate into
   * the base table's index instead of materializing the whole query per batch.
   */
  table?: string;
  sql?: string;
  /** Result column that is the row's primary key: the staged source_key and the cursor's tie-breaker. */
  key: string;
  /** Prefix for the staged source_key, where two streams of one source share a staging table. */
  keyPrefix?: string;
  /** Result column that grows when a row changes: a modified timestamp or an increasing id. */
  cursor: string;
  /** Result column → canonical field. Other columns (but key and cursor) go to `attributes`. */
  columns: Partial<Record<string, FieldName>>;
  /** Result columns neither mapped nor kept in attributes (internal flags the query needs). */
  ignore?: readonly string[];
  /** With `table`: a filter, e.g. `docstatus IN (1, 2)` to skip drafts. */
  where?: string;
  /**
   * How far before its saved cursor each run starts again, to catch rows committed after rows
   * stamped later (see reader.ts): seconds for a timestamp cursor, units for a numeric one.
   * Default: the source's `lookback`.
   */
  lookback?: number;
  /** Engines this SQL is written for; `check` says so when the source is another engine. */
  engines?: readonly ErpEngine[];
}

export interface ErpPreset {
  name: string;
  /** What the preset reads, for `check` and the docs. */
  description: string;
  streams: readonly ErpStreamSpec[];
}
