/**
 * A push batch (web-form submissions) in ONE statement, committed on its own: data-modifying
 * CTEs append the rows whose keys are new (INSERT … ON CONFLICT DO NOTHING RETURNING), append
 * their companions only with them, replace the rejects the batch names, and count what was
 * appended. Rows travel as one JSON parameter per table (json_populate_recordset with the table's
 * own row type, so every value is read as its column's type). One round trip and one WAL flush
 * per group commit, where the general path (a key look-up, then savepoint + COPY per table, the
 * quarantine statements, BEGIN and COMMIT) took some ten.
 *
 * ON CONFLICT DO NOTHING waits for another transaction inserting the same key and then does
 * nothing, so two commits in flight with the same retry stage it once. Rows go in key order, so
 * two such commits take their key locks in the same order (no deadlock between them).
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { AbsentBatch, AbsentResult, StageRow } from '../adapter.js';
import { quoteIdent as q } from '../base.js';
import type { StagingTableSpec } from '../../tables.js';

type RowJson = (row: StageRow) => string;
const rowJsons = new WeakMap<StagingTableSpec, RowJson>();

/**
 * A row as a JSON object: its json columns hold JSON text already (attributes) and go in as
 * they are, not as a string (which json_populate_recordset would keep as a JSON string). Null
 * columns are left out: json_populate_recordset over a NULL base makes a missing key NULL, and a
 * lead's rows are mostly nulls (half the text, and half of what the server parses).
 */
function rowJson(spec: StagingTableSpec): RowJson {
  let encode = rowJsons.get(spec);
  if (encode === undefined) {
    const parts = spec.columns.map((c) => ({
      key: `${JSON.stringify(c.name)}:`,
      name: c.name,
      json: c.type === 'json',
    }));
    encode = (row) => {
      let text = '';
      for (const p of parts) {
        const v = row[p.name];
        if (v === null || v === undefined) continue;
        text += (text === '' ? '{' : ',') + p.key + (p.json && typeof v === 'string' ? v : JSON.stringify(v));
      }
      return text === '' ? '{}' : `${text}}`;
    };
    rowJsons.set(spec, encode);
  }
  return encode;
}

const rowsJson = (spec: StagingTableSpec, rows: readonly StageRow[]): string => {
  const encode = rowJson(spec);
  return `[${rows.map(encode).join(',')}]`;
};

const statementNames = new Map<string, string>();

/**
 * A named (prepared) statement per shape of batch: a connection parses and plans it once, later
 * commits send only their parameters (the text is some 3 KB, and its parse and plan were a good
 * part of the server's work per commit). Named for its text, so two shapes never share a name.
 */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `crm_append_absent_${crypto.hash('sha1', sql, 'hex').slice(0, 16)}`;
    statementNames.set(sql, name);
  }
  return name;
}

export async function appendAbsent(knex: Knex, batch: AbsentBatch): Promise<AbsentResult> {
  const params: unknown[] = [];
  const param = (value: unknown, cast: string): string => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const source = param(batch.source, 'text');
  const ctes: string[] = [];
  const insert = (name: string, spec: StagingTableSpec, rows: readonly StageRow[], where: string | null) => {
    const cols = spec.columns.map((c) => q(c.name)).join(', ');
    ctes.push(
      `${name} AS (INSERT INTO ${q(spec.name)} (${cols})
        SELECT ${cols} FROM json_populate_recordset(NULL::${q(spec.name)}, ${param(rowsJson(spec, rows), 'json')}) r
        WHERE r.source = ${source}${where === null ? '' : ` AND ${where}`}
        ORDER BY r.source_key
        ON CONFLICT (source, source_key) DO NOTHING
        RETURNING source_key)`,
    );
  };
  const main = batch.main;
  insert(
    'm',
    main.spec,
    main.rows,
    main.sameAs.length === 0
      ? null
      : `NOT EXISTS (SELECT 1 FROM json_to_recordset(${param(JSON.stringify(main.sameAs.map(([k, s]) => ({ k, s }))), 'json')}) a(k text, s text)
          JOIN ${q(main.spec.name)} x ON x.source = ${source} AND x.source_key = a.s
          WHERE a.k = r.source_key)`,
  );
  batch.companions.forEach((c, i) =>
    insert(`c${i}`, c.spec, c.rows, 'r.source_key IN (SELECT source_key FROM m)'),
  );
  const cleared: string[] = [];
  if (batch.clearFiles.length > 0)
    cleared.push(`SELECT json_array_elements_text(${param(JSON.stringify(batch.clearFiles), 'json')})`);
  if (main.rejectFiles.length > 0)
    cleared.push(
      `SELECT f.f FROM json_to_recordset(${param(JSON.stringify(main.rejectFiles.map(([k, f]) => ({ k, f }))), 'json')}) f(k text, f text)
        JOIN m ON m.source_key = f.k`,
    );
  if (cleared.length > 0)
    ctes.push(
      `cleared AS (DELETE FROM stg_quarantine WHERE source = ${source} AND file IN (${cleared.join(' UNION ALL ')}))`,
    );
  if (batch.rejects.length > 0) {
    const cols = 'source, stream, run_id, file, line, reason, raw';
    // Sub-statements see the table as it was before the statement: the DELETE above never
    // takes the rejects inserted here.
    ctes.push(
      `rejected AS (INSERT INTO stg_quarantine (${cols})
        SELECT ${cols} FROM json_populate_recordset(NULL::stg_quarantine, ${param(JSON.stringify(batch.rejects), 'json')}))`,
    );
  }
  const counts = [
    '(SELECT count(*) FROM m) AS m',
    ...batch.companions.map((_, i) => `(SELECT count(*) FROM c${i}) AS c${i}`),
  ];
  const sql = `WITH ${ctes.join(',\n')}\nSELECT ${counts.join(', ')}`;
  const conn = (await knex.client.acquireConnection()) as pg.Client;
  try {
    const res = await conn.query<Record<string, string>>({
      name: statementName(sql),
      text: sql,
      values: params,
    });
    const row = res.rows[0]!;
    return {
      inserted: Number(row.m),
      companions: batch.companions.map((_, i) => Number(row[`c${i}`])),
    };
  } finally {
    await knex.client.releaseConnection(conn);
  }
}
