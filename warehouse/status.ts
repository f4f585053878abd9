import type { Warehouse } from './connection.js';
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations/index.js';
import { CONTRACT_TABLES } from './tables.js';
import { martsStatus, type MartsStatus } from './marts/incremental/state.js';

export interface WarehouseStatus {
  warehouse: string;
  engine: string;
  /** The last migration applied, and whether this version of crm-etl has newer ones. */
  schema: { applied: string | null; latest: string; pending: number };
  /** Rows per contract table (null: the table is missing). */
  tables: Array<{ table: string; rows: number | null }>;
  /** The newest run of each pipeline, and its newest successful one. */
  pipelines: Array<{
    pipeline: string;
    last_run: number;
    status: string;
    started_at: string;
    finished_at: string | null;
    error: string | null;
    last_success_at: string | null;
  }>;
  /** Quarantined rows per source, with the newest one's time. */
  quarantine: Array<{ source: string; rows: number; latest: string | null }>;
  /** The last marts build (full or incremental) and the CLV models in use (marts/incremental/). */
  marts: MartsStatus | null;
}

const iso = (v: unknown) =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);

/** What an operator asks first: which warehouse, which schema, how full, how the runs went. */
export async function warehouseStatus(wh: Warehouse): Promise<WarehouseStatus> {
  const { knex } = wh;
  let applied: string[] = [];
  if (await knex.schema.hasTable(MIGRATIONS_TABLE)) {
    applied = ((await knex(MIGRATIONS_TABLE).select('name')) as Array<{ name: string }>).map((r) => r.name);
  }
  const known = MIGRATIONS.map((m) => m.name);
  const tables: WarehouseStatus['tables'] = [];
  for (const table of [...CONTRACT_TABLES, 'scoreboard_target']) {
    if (!(await knex.schema.hasTable(table))) {
      tables.push({ table, rows: null });
      continue;
    }
    const [row] = (await knex(table).count({ n: '*' })) as Array<{ n: number | string }>;
    tables.push({ table, rows: Number(row?.n ?? 0) });
  }
  const hasRuns = await knex.schema.hasTable('etl_run');
  const pipelines: WarehouseStatus['pipelines'] = [];
  if (hasRuns) {
    const latest = (await knex('etl_run as r')
      .join(
        knex('etl_run').select('pipeline').max({ id: 'run_id' }).groupBy('pipeline').as('m'),
        'm.id',
        'r.run_id',
      )
      .select('r.run_id', 'r.pipeline', 'r.status', 'r.started_at', 'r.finished_at', 'r.error')
      .orderBy('r.pipeline')) as Array<Record<string, unknown>>;
    const success = (await knex('etl_run')
      .where('status', 'succeeded')
      .select('pipeline')
      .max({ at: 'started_at' })
      .groupBy('pipeline')) as Array<{ pipeline: string; at: unknown }>;
    const okAt = new Map(success.map((s) => [s.pipeline, iso(s.at)]));
    for (const r of latest) {
      pipelines.push({
        pipeline: String(r.pipeline),
        last_run: Number(r.run_id),
        status: String(r.status),
        started_at: iso(r.started_at)!,
        finished_at: iso(r.finished_at),
        error: r.error === null || r.error === undefined ? null : String(r.error),
        last_success_at: okAt.get(String(r.pipeline)) ?? null,
      });
    }
  }
  const quarantine = (await knex.schema.hasTable('stg_quarantine'))
    ? (
        (await knex('stg_quarantine')
          .select('source')
          .count({ n: '*' })
          .max({ latest: 'created_at' })
          .groupBy('source')
          .orderBy('source')) as Array<Record<string, unknown>>
      ).map((r) => ({ source: String(r.source), rows: Number(r.n), latest: iso(r.latest) }))
    : [];
  return {
    warehouse: wh.url.display,
    engine: wh.adapter.label,
    schema: {
      applied: applied.length > 0 ? applied[applied.length - 1]! : null,
      latest: known[known.length - 1]!,
      pending: known.filter((k) => !applied.includes(k)).length,
    },
    tables,
    pipelines,
    quarantine,
    marts: await martsStatus(wh),
  };
}
