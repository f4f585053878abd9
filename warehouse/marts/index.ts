import { CrmEtlError } from '../../lib/errors.js';
import type { Warehouse } from '../connection.js';
import {
  build,
  countRows,
  createBuildTables,
  dropBuildTables,
  noteLeftovers,
  finishBuildTable,
  MART_TABLES,
  swapBuildTables,
  type MartTable,
} from './build-tables.js';
import { buildBuyers } from './buyers.js';
import { buildClv, type FittedClv } from './clv.js';
import { detectChanges, type Changes } from './incremental/detect.js';
import { decideClv } from './incremental/clv-rule.js';
import { crosswalkRowsWent, linkScope } from './incremental/link-scope.js';
import { dropRefreshView, keepFullBuild, refreshMarts } from './incremental/refresh.js';
import {
  commitMarks,
  configHash,
  definitionHash,
  forgetBase,
  readState,
  takeMarks,
  writeState,
  type BuildBase,
  type StoredFit,
} from './incremental/state.js';
import type { ClvFitReport } from './clv-fit.js';
import { buildCohorts } from './cohort.js';
import { createContext, dropScratch, type MartContext } from './context.js';
import { buildInteractionFacts, buildOrderFacts } from './facts.js';
import { linkCustomers, type LinkStats } from '../identity/link-customers.js';
import { prepareRefs, refSource } from '../identity/customer-ref.js';
import { resolveOptions, type BuildMartsOptions, type MartProgress } from './options.js';
import type { ScoreboardConfig } from './scoreboard-config.js';
import { buildLeadFunnel } from './lead-funnel.js';
import { buildManagerActivity } from './manager-activity.js';
import { buildProfitability } from './profitability.js';
import { buildRfm } from './rfm.js';
import { buildScoreboard } from './scoreboard.js';
import { buildFirstResponses } from './first-response.js';
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
  /** 'incremental': only what changed was recomputed (incremental/); 'full': everything. */
  mode: 'full' | 'incremental';
  /** Why this mode: asked for, no earlier build, definitions or settings changed, too many changes… */
  reason: string;
  /** What changed since the last build, found by a refresh (null for a full build). */
  changes: Changes | null;
  /** Customers and crosswalk links created for staged orders and interactions. */
  links: LinkStats;
  /** Staged interactions left out of fct_interaction: no known customer. */
  unlinkedInteractions: number;
  /** The CLV models in use: fitted by this build or kept from an earlier one (clvFit says which). */
  clv: ClvFitReport;
  clvFit: {
    refitted: boolean;
    reason: string;
    fittedAt: string;
    calibrationEnd: string;
    ordersAtFit: number;
    changedSinceFit: number;
  };
  steps: MartStep[];
  notes: string[];
  /** The targets this build judged against, and where they came from. */
  scoreboard: { origin: ScoreboardOrigin; targets: ScoreboardConfig['indicators'] };
}

/** Above this share of customers affected, a refresh rebuilds everything instead (it would be slower). */
export const FULL_REBUILD_SHARE = 0.2;

/**
 * Builds fct_order, fct_interaction and every mart from the warehouse's own tables, as
 * set-based SQL run in the engine. A full build writes each table aside (`<table>__build`) and
 * swaps all in by one transaction at the end; a refresh (incremental/refresh.ts) recomputes the
 * customers whose inputs changed and the global marts, and writes them in one transaction. Either
 * way a reader sees the previous marts or the new ones, never a mix or a half-built table. One
 * build at a time (a named lock).
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
    finish = true,
    written?: (value: T) => number,
  ) => {
    const started = performance.now();
    const value = await fn();
    // Keys and indexes the engine builds after the fill, then statistics: later steps join what
    // this one built and must be planned with its real size (both part of the step's cost).
    // Without `finish` (a refresh's small marts, copied out, never swapped in) the table is only counted.
    if (table && finish) {
      await finishBuildTable(wh, table);
      await wh.adapter.analyze(wh.knex, build(table));
    }
    const seconds = (performance.now() - started) / 1000;
    // A step that says how many rows it wrote is not counted again: COUNT(*) of fct_order is one
    // more pass over every fact (PostgreSQL has no row count but a scan; 0.1–0.3 s at 1M orders).
    const rows = table ? (written ? written(value) : await countRows(wh, build(table))) : 0;
    steps.push({ name, rows, seconds });
    options.logger?.debug({ step: name, seconds }, 'mart step done');
    await options.onProgress?.({ phase, step: name, seconds });
    return value;
  };
  try {
    await dropRefreshView(ctx, true);
    const definition = definitionHash();
    const config = configHash(ctx);
    const base = await readState<BuildBase>(wh, 'base');
    const stored = await readState<StoredFit>(wh, 'clv-fit');
    let mode = chooseMode(options, base, definition, config);
    // Staging was probably just bulk-loaded; the planner must know how big it is now. A refresh
    // reads few rows of it and skips this (SQLite's ANALYZE reads whole tables).
    if (mode.mode === 'full') {
      await step('link', 'statistics', async () => {
        for (const table of INPUT_TABLES) await wh.adapter.analyze(wh.knex, table);
      });
    }
    // Whether a crosswalk row went since the last build: the link step, the interaction facts and
    // the leads of a refresh all depend on it (incremental/link-scope.ts).
    const crosswalkWent = mode.mode === 'incremental' ? await crosswalkRowsWent(ctx) : true;
    const links = await step('link', 'link customers', async () =>
      linkCustomers(ctx, mode.mode === 'incremental' ? linkScope(crosswalkWent) : {}),
    );
    await takeMarks(wh);
    let changes: Changes | null = null;
    if (base) {
      // A full build needs the counts only (the CLV refit rule); a refresh, who is affected.
      const what = mode.mode === 'incremental' ? 'affected' : 'counts';
      changes = await step('link', 'detect changes', () => detectChanges(ctx, base, what));
      if (mode.mode === 'incremental') mode = fallBack(changes, base) ?? mode;
    }
    const changedOrders = changes ? changes.newOrders + changes.changedOrders : 0;
    const decision = decideClv(ctx, stored, {
      definition,
      config,
      changedOrders,
      refit: options.refit === true,
    });
    const keptFit = decision.refit ? undefined : (stored ?? undefined);
    const fitState = (fitted: FittedClv): StoredFit =>
      keptFit
        ? { ...keptFit, changedSinceFit: keptFit.changedSinceFit + changedOrders }
        : {
            ...fitted,
            fittedAt: new Date().toISOString(),
            calibrationEnd: ctx.clv.calibrationEnd,
            ordersAtFit: changes?.stagedOrders ?? 0,
            changedSinceFit: 0,
            definition,
            config,
          };
    const nextBase = (
      kind: BuildBase['mode'],
      counts: Pick<BuildBase, 'stagedOrders' | 'stagedInteractions' | 'stagedContacts'>,
    ): BuildBase => ({
      definition,
      config,
      asOf: ctx.asOf,
      calibrationEnd: ctx.clv.calibrationEnd,
      stagedOrders: counts.stagedOrders,
      stagedInteractions: counts.stagedInteractions,
      stagedContacts: counts.stagedContacts,
      builtAt: new Date().toISOString(),
      mode: kind,
    });
    let fitted: FittedClv;
    if (mode.mode === 'incremental' && base && changes) {
      fitted = await refreshMarts(ctx, (name, fn, table, finish) => step('build', name, fn, table, finish), {
        stored: keptFit,
        rescoreAll: !keptFit || base.calibrationEnd !== ctx.clv.calibrationEnd,
        base: nextBase('incremental', changes),
        previousAsOf: base.asOf,
        crosswalkWent,
        changes,
        fitState,
      });
    } else {
      // A build killed from here on leaves no base: the next one is full again.
      await forgetBase(wh);
      // Counted once: detectChanges counted them after the marks were taken (a pass over the orders).
      const stagedOrders = changes?.stagedOrders ?? (await countRows(wh, 'stg_order'));
      const stagedInteractions = changes?.stagedInteractions ?? (await countRows(wh, 'stg_interaction'));
      const stagedContacts = changes?.stagedContacts ?? (await countRows(wh, 'stg_contact'));
      noteLeftovers(ctx.notes, await createBuildTables(wh));
      await step(
        'build',
        'fct_order',
        async () => {
          // A refresh turned full links the new orders only, without the references of all.
          await prepareRefs(ctx, 'order');
          return buildOrderFacts(ctx);
        },
        'fct_order',
        true,
        (facts) => facts,
      );
      await step('build', 'fct_interaction', () => buildInteractionFacts(ctx), 'fct_interaction');
      await step('build', 'customer aggregates', () => buildBuyers(ctx));
      await step('build', 'mart_customer_rfm', () => buildRfm(ctx), 'mart_customer_rfm');
      await step('build', 'mart_cohort_retention', () => buildCohorts(ctx), 'mart_cohort_retention');
      fitted = await step(
        'build',
        'mart_customer_clv',
        () => buildClv(ctx, { stored: keptFit }),
        'mart_customer_clv',
      );
      await step(
        'build',
        'mart_segment_profitability',
        () => buildProfitability(ctx),
        'mart_segment_profitability',
      );
      await step('build', 'mart_manager_activity', () => buildManagerActivity(ctx), 'mart_manager_activity');
      await step('build', 'mart_lead_funnel', () => buildLeadFunnel(ctx), 'mart_lead_funnel');
      await step(
        'build',
        'mart_scoreboard',
        async () => {
          await buildFirstResponses(ctx);
          await buildScoreboard(ctx);
        },
        'mart_scoreboard',
      );
      const swapped = await step('commit', 'swap', () =>
        swapBuildTables(wh, (table) => options.onProgress?.({ phase: 'swap', step: table, seconds: 0 })),
      );
      if (swapped.note) ctx.notes.push(`Swap: ${swapped.note}`);
      await step('commit', 'keep for the next refresh', async () => {
        await keepFullBuild(ctx);
        const state = fitState({ ...fitted, report: fitted.report });
        if (!keptFit) state.ordersAtFit = stagedOrders;
        await wh.knex.transaction(async (trx) => {
          await writeState(
            wh,
            trx,
            'base',
            nextBase('full', { stagedOrders, stagedInteractions, stagedContacts }),
          );
          await writeState(wh, trx, 'clv-fit', state);
          await commitMarks(trx);
        });
      });
    }
    const fit = keptFit ?? (await readState<StoredFit>(wh, 'clv-fit'));
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
      mode: mode.mode,
      reason: mode.reason,
      changes: mode.mode === 'incremental' ? changes : null,
      links,
      unlinkedInteractions,
      clv: fitted.report,
      clvFit: {
        refitted: decision.refit,
        reason: decision.reason,
        fittedAt: fit?.fittedAt ?? new Date().toISOString(),
        calibrationEnd: fit?.calibrationEnd ?? ctx.clv.calibrationEnd,
        ordersAtFit: fit?.ordersAtFit ?? 0,
        changedSinceFit: (fit?.changedSinceFit ?? 0) + (keptFit ? changedOrders : 0),
      },
      steps,
      notes: ctx.notes,
      scoreboard: { origin: inUse.origin, targets: inUse.config.indicators },
    };
  } finally {
    await dropRefreshView(ctx).catch(() => undefined);
    await cleanUp(ctx);
    await lock.release();
  }
}

/** Full or incremental, by what is known before anything is read. */
function chooseMode(
  options: BuildMartsOptions,
  base: BuildBase | null,
  definition: string,
  config: string,
): { mode: 'full' | 'incremental'; reason: string } {
  if (options.full) return { mode: 'full', reason: 'full rebuild asked for (--full)' };
  if (!base) return { mode: 'full', reason: 'no complete earlier build to refresh' };
  if (base.definition !== definition)
    return { mode: 'full', reason: 'the mart definitions changed since the last build' };
  if (base.config !== config)
    return { mode: 'full', reason: 'the currency, CLV settings or schema changed since the last build' };
  return {
    mode: 'incremental',
    reason: `refresh of what changed since the ${base.mode} build of ${base.builtAt}`,
  };
}

/** A refresh that would be wrong or slower than rebuilding falls back to a full build. */
function fallBack(changes: Changes, base: BuildBase): { mode: 'full'; reason: string } | null {
  // A deleted staged row has no stamp to find it by: fewer rows than the last build counted plus
  // the new ones says one went.
  for (const [what, staged, counted, added] of [
    ['orders', changes.stagedOrders, base.stagedOrders, changes.newOrders],
    ['interactions', changes.stagedInteractions, base.stagedInteractions, changes.newInteractions],
    ['records', changes.stagedContacts, base.stagedContacts, changes.newContacts],
  ] as const) {
    if (staged < counted + added)
      return {
        mode: 'full',
        reason: `staged ${what} were deleted since the last build (${staged} staged, ${counted} + ${added} new expected)`,
      };
  }
  const share = changes.affectedCustomers / Math.max(1, changes.customers);
  if (share > FULL_REBUILD_SHARE)
    return {
      mode: 'full',
      reason: `${changes.affectedCustomers} of ${changes.customers} customers affected (${(share * 100).toFixed(1)} % > ${FULL_REBUILD_SHARE * 100} %)`,
    };
  return null;
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
    noteLeftovers(ctx.notes, await dropBuildTables(ctx.wh));
  } catch (err) {
    ctx.logger?.warn({ err }, 'could not drop the marts build tables; the next build replaces them');
  }
}

export { MART_TABLES };
export type { BuildMartsOptions, ClvSettings, MartProgress } from './options.js';
export type { ClvFitReport } from './clv-fit.js';
export type { LinkStats } from '../identity/link-customers.js';
export type { Changes } from './incremental/detect.js';
export type { ScoreboardRow } from './scoreboard.js';
export { INDICATORS, indicatorSpec, type IndicatorSpec } from './indicators.js';
export {
  parseScoreboardConfig,
  PROGRAM_COST_CATEGORIES,
  scoreboardConfigSchema,
  type ScoreboardConfig,
  type ScoreboardConfigInput,
} from './scoreboard-config.js';
