import { CrmEtlError } from '../../lib/errors.js';
import type { Warehouse } from '../connection.js';
import {
  build,
  countRows,
  createBuildTables,
  dropBuildTables,
  finishBuildTable,
  MART_TABLES,
  swapBuildTables,
  type MartTable,
} from './build-tables.js';
import { buildBuyers } from './buyers.js';
import { buildClv } from './clv.js';
import type { ClvFitReport } from './clv-fit.js';
import { buildCohorts } from './cohort.js';
import { createContext, dropScratch, type MartContext } from './context.js';
import { buildInteractionFacts, buildOrderFacts } from './facts.js';
import { linkCustomers, type LinkStats } from '../identity/link-customers.js';
import { refSource } from '../identity/customer-ref.js';
import { resolveOptions, type BuildMartsOptions, type MartProgress } from './options.js';
import type { ScoreboardConfig } from './scoreboard-config.js';
import { buildLeadFunnel } from './lead-funnel.js';
import { buildManagerActivity } from './manager-activity.js';
import { buildProfitability } from './profitability.js';
import { buildRfm } from './rfm.js';
import { buildScoreboard } from './scoreboard.js';
import { recordScoreboard, scoreboardInUse, type ScoreboardOrigin } from './scoreboard-targets.js';

/** What the marts read. */
const INPUT_TABLES = ['stg_order', 'stg_interaction', 'stg_spend', 'dim_customer', 'customer_crosswalk'];

export interface MartStep {
  /** A mart table, or 'link customers' / 'customer aggregates' / 'swap'. */
  name: string;
  /** Rows in the mart after the step (0 for steps that are not marts). */
  rows: number;
  seconds: number;
}

export interface BuildMartsResult {
  asOf: string;
  /** Customers and crosswalk links created for staged orders and interactions. */
  links: LinkStats;
  /** Staged interactions left out of fct_interaction: no known customer. */
  unlinkedInteractions: number;
  clv: ClvFitReport;
  steps: MartStep[];
  notes: string[];
  /** The targets this build judged against, and where they came from. */
  scoreboard: { origin: ScoreboardOrigin; targets: ScoreboardConfig['indicators'] };
}

/**
 * Rebuilds fct_order, fct_interaction and every mart from the warehouse's own tables, as
 * set-based SQL run in the engine. Each table is built aside (`<table>__build`) and all are
 * swapped in by one transaction at the end, so a reader sees the previous marts or the new ones,
 * never a mix or a half-built table. One build at a time (a named lock).
 */
export async function buildMarts(wh: Warehouse, options: BuildMartsOptions = {}): Promise<BuildMartsResult> {
  const resolved = resolveOptions(options);
  const inUse = await scoreboardInUse(wh, options.scoreboard);
  resolved.scoreboard = inUse.config;
  const ctx = createContext(wh, { ...resolved, grain: resolved.scoreboard.period, logger: options.logger });
  const lock = await wh.adapter.tryLock(wh.knex, 'crm-etl:marts');
  if (!lock) {
    throw new CrmEtlError('The marts are being rebuilt by another run', {
      hint: 'Wait for it to finish (see crm-etl runs), then run crm-etl marts again',
    });
  }
  const steps: MartStep[] = [];
  const step = async <T>(
    phase: MartProgress['phase'],
    name: string,
    fn: () => Promise<T>,
    table?: MartTable,
  ) => {
    const started = performance.now();
    const value = await fn();
    // Keys and indexes the engine builds after the fill, then statistics: later steps join what
    // this one built and must be planned with its real size (both part of the step's cost).
    if (table) {
      await finishBuildTable(wh, table);
      await wh.adapter.analyze(wh.knex, build(table));
    }
    const seconds = (performance.now() - started) / 1000;
    steps.push({ name, rows: table ? await countRows(wh, build(table)) : 0, seconds });
    options.logger?.debug({ step: name, seconds }, 'mart step done');
    await options.onProgress?.({ phase, step: name, seconds });
    return value;
  };
  try {
    // Staging was probably just bulk-loaded; the planner must know how big it is now.
    await step('link', 'statistics', async () => {
      for (const table of INPUT_TABLES) await wh.adapter.analyze(wh.knex, table);
    });
    const links = await step('link', 'link customers', () => linkCustomers(ctx));
    await createBuildTables(wh);
    await step('build', 'fct_order', () => buildOrderFacts(ctx), 'fct_order');
    await step('build', 'fct_interaction', () => buildInteractionFacts(ctx), 'fct_interaction');
    await step('build', 'customer aggregates', () => buildBuyers(ctx));
    await step('build', 'mart_customer_rfm', () => buildRfm(ctx), 'mart_customer_rfm');
    await step('build', 'mart_cohort_retention', () => buildCohorts(ctx), 'mart_cohort_retention');
    const clv = await step('build', 'mart_customer_clv', () => buildClv(ctx), 'mart_customer_clv');
    await step(
      'build',
      'mart_segment_profitability',
      () => buildProfitability(ctx),
      'mart_segment_profitability',
    );
    await step('build', 'mart_manager_activity', () => buildManagerActivity(ctx), 'mart_manager_activity');
    await step('build', 'mart_lead_funnel', () => buildLeadFunnel(ctx), 'mart_lead_funnel');
    await step('build', 'mart_scoreboard', () => buildScoreboard(ctx), 'mart_scoreboard');
    const swapped = await step('commit', 'swap', () =>
      swapBuildTables(wh, (table) => options.onProgress?.({ phase: 'swap', step: table, seconds: 0 })),
    );
    if (swapped.note) ctx.notes.push(`Swap: ${swapped.note}`);
    // Targets are recorded once the marts judged against them are in, still under the lock.
    if (inUse.origin === 'config') await recordScoreboard(wh, inUse.config);
    const unlinkedInteractions = await unlinked(ctx);
    if (unlinkedInteractions > 0) {
      ctx.notes.push(
        `${unlinkedInteractions} staged interactions name no known customer and are not in fct_interaction`,
      );
    }
    if (inUse.origin === 'warehouse') {
      ctx.notes.push(
        `Targets: the ${inUse.config.indicators.length} recorded in the warehouse (no scoreboard section given)`,
      );
    }
    return {
      asOf: ctx.asOf,
      links,
      unlinkedInteractions,
      clv,
      steps,
      notes: ctx.notes,
      scoreboard: { origin: inUse.origin, targets: inUse.config.indicators },
    };
  } finally {
    await cleanUp(ctx);
    await lock.release();
  }
}

/**
 * Staged interactions whose reference links to no customer. Not staged minus fct_interaction: a
 * letter held by two mailboxes is one fact (buildInteractionFacts), and its second copy is no
 * unknown customer.
 */
async function unlinked(ctx: MartContext): Promise<number> {
  const { wh } = ctx;
  const staged = await countRows(wh, 'stg_interaction');
  const { from, ref } = refSource(ctx, 'interaction', 'i');
  const [row] = wh.adapter.rows(
    await wh.knex.raw(
      `SELECT COUNT(*) AS n FROM ${from} JOIN customer_crosswalk x ON x.source = i.source AND x.source_key = ${ref}`,
    ),
  );
  return staged - Number(row?.n ?? 0);
}

/** Build and scratch tables go whether the build succeeded or not; a failure here must not hide the first one. */
async function cleanUp(ctx: MartContext): Promise<void> {
  try {
    await dropScratch(ctx);
    await dropBuildTables(ctx.wh);
  } catch (err) {
    ctx.logger?.warn({ err }, 'could not drop the marts build tables; the next build replaces them');
  }
}

export { MART_TABLES };
export type { BuildMartsOptions, ClvSettings, MartProgress } from './options.js';
export type { ClvFitReport } from './clv-fit.js';
export type { LinkStats } from '../identity/link-customers.js';
export type { ScoreboardRow } from './scoreboard.js';
export { INDICATORS, indicatorSpec, type IndicatorSpec } from './indicators.js';
export {
  parseScoreboardConfig,
  PROGRAM_COST_CATEGORIES,
  scoreboardConfigSchema,
  type ScoreboardConfig,
  type ScoreboardConfigInput,
} from './scoreboard-config.js';
