import type { Logger } from '../../lib/logger.js';
import type { Warehouse } from '../connection.js';
import { build, createScratch, finishScratch, type ScratchSpec } from './build-tables.js';
import type { ClvSettings, FunnelSettings } from './options.js';
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
  /** The lead funnel's settings (config `funnel:`). */
  readonly funnel: FunnelSettings;
  readonly logger: Logger | undefined;
  /** Plain-language remarks for the caller (too little data for a model, unallocated spend…). */
  readonly notes: string[];
  /** Scratch tables created during this build, dropped at the end. */
  readonly scratch: Set<string>;
  /** Scratch tables whose indexes (and, where the engine adds it later, key) wait for their fill to finish. */
  readonly unindexed: Map<string, ScratchSpec>;
  /**
   * Where a step reads a fact table the build does not write whole: the nightly refresh
   * (incremental/) leaves fct_order and fct_interaction in place and reads them through views with
   * the new rows; for mart_customer_rfm it names the live mart, whose rows the build table's
   * changed ones override (rfm.ts rfmSegmentJoin).
   */
  readonly readFrom: Map<string, string>;
}

export function createContext(
  wh: Warehouse,
  settings: Pick<MartContext, 'asOf' | 'grain' | 'scoreboard' | 'clv' | 'funnel' | 'logger'>,
): MartContext {
  return {
    wh,
    sql: new Sql(wh.adapter),
    ...settings,
    notes: [],
    scratch: new Set(),
    unindexed: new Map(),
    readFrom: new Map(),
  };
}

/** A scratch table for this build; its indexes are built by the `fill` that completes it (completeScratch). */
export async function scratchTable(ctx: MartContext, spec: ScratchSpec): Promise<string> {
  ctx.scratch.add(spec.name);
  await createScratch(ctx.wh, spec, false);
  ctx.unindexed.set(spec.name, spec);
  return spec.name;
}

export async function dropScratch(ctx: MartContext): Promise<void> {
  await ctx.wh.adapter.scratchWork(ctx.wh.knex, async (db) => {
    for (const name of ctx.scratch) await db.schema.dropTableIfExists(name);
  });
  ctx.scratch.clear();
  ctx.unindexed.clear();
}

/**
 * Runs one heavy set-based statement of the build (adapter.runBulk: memory for sorts, no fsync
 * wait); returns the rows it wrote.
 */
export async function bulk(ctx: MartContext, sql: string): Promise<number> {
  return ctx.wh.adapter.runBulk(ctx.wh.knex, sql);
}

/** A statement of the nightly refresh joining a few keys to big tables by their indexes (adapter.runProbes). */
export async function probe(ctx: MartContext, sql: string): Promise<number> {
  return ctx.wh.adapter.runProbes(ctx.wh.knex, sql);
}

/**
 * Fills a scratch table by one set-based INSERT (its last one), then completes it (completeScratch).
 */
export async function fill(ctx: MartContext, table: string, insertSql: string): Promise<void> {
  await bulk(ctx, insertSql);
  await completeScratch(ctx, table);
}

/**
 * A scratch table is filled: its indexes (and its key where the engine adds it after the fill,
 * adapter.keysAfterFill) are built, then its planner statistics refreshed for the joins that read
 * it — as one piece of scratch work (adapter.scratchWork: on PostgreSQL one commit, not waited for).
 */
export async function completeScratch(ctx: MartContext, table: string): Promise<void> {
  const { wh } = ctx;
  const spec = ctx.unindexed.get(table);
  ctx.unindexed.delete(table);
  await wh.adapter.scratchWork(wh.knex, async (db) => {
    if (spec) await finishScratch(wh, spec, db);
    await wh.adapter.analyze(db, table);
  });
}

/** The table a later step reads a fact from: the one being built, or what the refresh set instead. */
export function factsOf(ctx: MartContext, table: 'fct_order' | 'fct_interaction'): string {
  return ctx.readFrom.get(table) ?? build(table);
}

/**
 * The table a later step reads a per-customer mart from: the one being built, or (a refresh, whose
 * build table holds the changed rows only) a view of the mart as the commit will leave it.
 */
export function martOf(ctx: MartContext, table: 'mart_customer_clv'): string {
  return ctx.readFrom.get(table) ?? build(table);
}

/** The orders that count: revenue (not cancelled or returned), dated, not after the as-of day. */
export function revenueFilter(ctx: MartContext, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `${a}is_revenue = 1 AND ${a}order_date IS NOT NULL AND ${a}order_date <= '${ctx.asOf}'`;
}
