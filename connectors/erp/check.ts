/**
 * `crm-etl check <source>` for an ERP: connects read-only, then runs each stream's first page
 * (one row) and compares the columns it returns with the stream's key, cursor and mapping.
 */
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { erpStreams, type ErpSourceConfig } from './config.js';
import { batchSql, countNullCursor } from './reader.js';
import { openSourceDb, type SourceDb } from './source-db.js';
import type { ErpStreamSpec } from './spec.js';

export interface StreamCheck {
  name: string;
  stream: string;
  ok: boolean;
  /** What is wrong, or what the first row showed. */
  note: string;
  /** Rows never read incrementally because their cursor column is empty. */
  nullCursor?: number;
}

export interface ErpCheck {
  source: string;
  server: string;
  /** The server confirms the connector's session refuses writes. */
  readOnly: boolean;
  ok: boolean;
  streams: StreamCheck[];
}

export async function checkErp(src: ErpSourceConfig, logger?: Logger): Promise<ErpCheck> {
  const streams = erpStreams(src);
  const db = await openSourceDb(src.url, src.name, logger, { statementTimeout: src.statementTimeout });
  try {
    const server = await db.version();
    const readOnly = await db.readOnly();
    const checks: StreamCheck[] = [];
    for (const spec of streams) checks.push(await checkStream(db, spec));
    return { source: src.name, server, readOnly, ok: readOnly && checks.every((c) => c.ok), streams: checks };
  } finally {
    await db.close();
  }
}

async function checkStream(db: SourceDb, spec: ErpStreamSpec): Promise<StreamCheck> {
  const base = { name: spec.name, stream: spec.stream };
  if (spec.engines && !spec.engines.includes(db.engine)) {
    return {
      ...base,
      ok: false,
      note: `written for ${spec.engines.join('/')}, the source is ${db.engine}: its SQL may not run`,
    };
  }
  try {
    const { sql, bindings } = batchSql(db, spec, {}, 1);
    const rows = await db.select(sql, bindings);
    const nullCursor = await countNullCursor(db, spec);
    const first = rows[0];
    if (!first) return { ...base, ok: true, note: 'query runs; no rows yet', nullCursor };
    const wanted = [spec.key, spec.cursor, ...Object.keys(spec.columns)];
    const missing = wanted.filter((c) => !(c in first));
    if (missing.length > 0) {
      return { ...base, ok: false, note: `the query returns no column ${missing.join(', ')}`, nullCursor };
    }
    return {
      ...base,
      ok: true,
      note: `query runs; first ${spec.key} ${String(first[spec.key])}`,
      nullCursor,
    };
  } catch (err) {
    return { ...base, ok: false, note: describeError(err).split('\n')[0]! };
  }
}
