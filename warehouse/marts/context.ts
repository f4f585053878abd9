import type { Logger } from '../../lib/logger.js';
import type { Warehouse } from '../connection.js';
import { createScratch, type ScratchSpec } from './build-tables.js';
import type { ClvSettings } from './options.js';
import type { PeriodGrain } from './periods.js';
import type { ScoreboardConfig } from './scoreboard-config.js';
import { Sql } from './sql.js';

/** What every mart step needs: the warehouse, the as-of date and the settings, and a notes list. */
export interface MartContext {
  readonly wh: Warehouse;
  readonly sql: Sql;
  /** The day the marts describe, 'YYYY-MM-DD': later orders are ignored. */
  readonly asOf: string;
  readonly grain: PeriodGrain;
  readonly scoreboard: ScoreboardConfig;
  readonly clv: ClvSettings;
  readonly logger: Logger | undefined;
  /** Plain-language remarks for the caller (too little data for a model, unallocated spend…). */
  readonly notes: string[];
  /** Scratch tables created during this build, dropped at the end. */
  readonly scratch: Set<string>;
}

export function createContext(
  wh: Warehouse,
  settings: Pick<MartContext, 'asOf' | 'grain' | 'scoreboard' | 'clv' | 'logger'>,
): MartContext {
  return { wh, sql: new Sql(wh.adapter), ...settings, notes: [], scratch: new Set() };
}

export async function scratchTable(ctx: MartContext, spec: ScratchSpec): Promise<string> {
  ctx.scratch.add(spec.name);
  await createScratch(ctx.wh, spec);
  return spec.name;
}

export async function dropScratch(ctx: MartContext): Promise<void> {
  for (const name of ctx.scratch) await ctx.wh.knex.schema.dropTableIfExists(name);
  ctx.scratch.clear();
}

/** Fills a scratch table by one set-based INSERT, then refreshes its planner statistics for the joins that read it. */
export async function fill(ctx: MartContext, table: string, insertSql: string): Promise<void> {
  await ctx.wh.knex.raw(insertSql);
  await ctx.wh.adapter.analyze(ctx.wh.knex, table);
}

/** The orders that count: revenue (not cancelled or returned), dated, not after the as-of day. */
export function revenueFilter(ctx: MartContext, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `${a}is_revenue = 1 AND ${a}order_date IS NOT NULL AND ${a}order_date <= '${ctx.asOf}'`;
}
