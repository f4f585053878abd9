import type { Warehouse } from './connection.js';

export interface QuarantineRow {
  id: number;
  source: string;
  stream: string | null;
  run_id: number | null;
  file: string | null;
  line: number | null;
  reason: string;
  raw: string | null;
  created_at: string | null;
}

export interface QuarantineFilter {
  source?: string;
  /** A part of the reason, case-insensitive ("not a date", "email"). */
  reason?: string;
  limit?: number;
}

/** What was rejected, from where and why: stg_quarantine, newest first. */
export async function listQuarantine(wh: Warehouse, filter: QuarantineFilter = {}): Promise<QuarantineRow[]> {
  if (!(await wh.knex.schema.hasTable('stg_quarantine'))) return [];
  const q = wh.knex('stg_quarantine').select('*').orderBy('id', 'desc');
  if (filter.source) q.where('source', filter.source);
  if (filter.reason) q.whereRaw('LOWER(reason) LIKE ?', [`%${filter.reason.toLowerCase()}%`]);
  if (filter.limit) q.limit(filter.limit);
  const rows = (await q) as Array<Record<string, unknown>>;
  const int = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const str = (v: unknown) =>
    v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);
  return rows.map((r) => ({
    id: Number(r.id),
    source: String(r.source),
    stream: str(r.stream),
    run_id: int(r.run_id),
    file: str(r.file),
    line: int(r.line),
    reason: String(r.reason),
    raw: str(r.raw),
    created_at: str(r.created_at),
  }));
}
