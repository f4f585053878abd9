import type { Knex } from 'knex';
import {
  build,
  createBuildTables,
  finishBuildTable,
  keepScratch,
  noteLeftovers,
  retired,
  type MartTable,
} from '../build-tables.js';
import { BUYER, BUYER_NEW, buildBuyers, CUSTOMER_MONTH, CUSTOMER_MONTH_NEW } from '../buyers.js';
import { buildClv, type FittedClv } from '../clv.js';
import { addCohortDelta, buildCohortsFromLive } from '../cohort.js';
import type { MartContext } from '../context.js';
import { buildFirstOrders, FIRST_ORDER, FIRST_ORDER_NEW } from '../first-order.js';
import { buildLeadFunnel, LEAD, LEAD_NEW } from '../lead-funnel.js';
import { FIRST_ORDER_CHANGED, findLeadCustomers, LEAD_AFFECTED, LEAD_FOUND_AGAIN } from './lead-scope.js';
import { ORDER_MONTH, ORDER_MONTH_COLUMNS, orderMonthSource } from '../currency.js';
import { orderMonthDeltaSql } from './order-months.js';
import { buildManagerActivity, REPLY, REPLY_NEW } from '../manager-activity.js';
import { findChangedInteractions, INTERACTION_CELLS, INTERACTION_CUSTOMERS } from './interaction-scope.js';
import {
  buildProfitability,
  CUSTOMER_GROUP,
  CUSTOMER_GROUP_NEW,
  SPEND,
  SPEND_MATCH,
  SPEND_MATCH_NEW,
} from '../profitability.js';
import { asOfShift, buildRfmChanges, commitRfm, readLiveSegments } from './rfm-changes.js';
import { buildScoreboard } from '../scoreboard.js';
import { buildFirstResponses, FIRST_RESPONSE, FIRST_RESPONSE_NEW } from '../first-response.js';
import {
  AFFECTED,
  AFFECTED_FACTS,
  buildAffectedFacts,
  factsToWrite,
  NEW_FACTS,
  type Changes,
} from './detect.js';
import { buildChangedInteractions, commitInteractions, INTERACTIONS_VIEW } from './interactions.js';
import {
  commitMarks,
  forgetBase,
  KEPT_BUYER,
  KEPT_CUSTOMER_GROUP,
  KEPT_SPEND,
  KEPT_SPEND_MATCH,
  KEPT_FIRST_ORDER,
  KEPT_LEAD,
  KEPT_MONTH,
  KEPT_REPLY,
  KEPT_FIRST_RESPONSE,
  KEPT_ORDER_MONTH,
  markSql,
  readState,
  STATE,
  writeState,
  type BuildBase,
  type StoredFit,
} from './state.js';

/** fct_order as the refresh will leave it: the live rows of unaffected customers and the new rows. */
const FACTS_VIEW = 'etl_incr_fct_order';
/** mart_customer_clv as the refresh will leave it, when only the affected customers are predicted. */
const CLV_VIEW = 'etl_incr_clv';

/**
 * Small marts (months × groups) whose every row a refresh's commit replaces: computed from the
 * per-customer tables, but cohorts as the live mart plus the affected customers' change of counts
 * (cohort.ts buildCohortsFromLive).
 */
const GLOBAL_MARTS: readonly MartTable[] = [
  'mart_cohort_retention',
  'mart_segment_profitability',
  'mart_manager_activity',
  'mart_lead_funnel',
  'mart_scoreboard',
];

/** A step of the build (index.ts): timed; `table` is counted, and finished as a mart unless `finish` is false. */
export type Step = <T>(name: string, fn: () => Promise<T>, table?: MartTable, finish?: boolean) => Promise<T>;

/**
 * The small global marts' build tables are read by no later step in a join (at most scanned,
 * grouped), and a refresh copies their rows out in its commit, never swaps them in: their keys,
 * indexes, foreign keys (validated against dim_customer), grants and statistics — a dozen
 * statements per mart on PostgreSQL — would serve nothing.
 */
const UNFINISHED = false;

export interface RefreshPlan {
  /** Models to score with; absent: fit now (the refit rule said so). */
  stored?: FittedClv;
  /** Score every customer: the models were refitted or the calibration end moved. */
  rescoreAll: boolean;
  base: BuildBase;
  /** The as-of day of the build refreshed (the live marts'). */
  previousAsOf: string;
  /** Whether a crosswalk row went or was re-linked since the last build (link-scope.ts). */
  crosswalkWent: boolean;
  /** The changes found (detect.ts); customers who lost orders to an affected one are added. */
  changes: Changes;
  /** The CLV state to keep after the commit. */
  fitState: (fitted: FittedClv) => StoredFit;
}

/**
 * The nightly refresh. The affected customers (detect.ts) get their fct_order rows and their
 * per-customer aggregates recomputed, put in place of their old rows in the kept tables of the
 * last build, which the steps read for every customer (keep-in-place.ts). RFM scores come from
 * one grouped pass per measure over those tables, and only the rows that change are built
 * (rfm-changes.ts); CLV scores the affected customers (every customer when the models were
 * refitted or the calibration end moved — by default every night, as the as-of day is today);
 * cohorts (the live mart plus the affected customers' change of counts), profitability (from
 * the kept customer groups, updated in place), the interaction marts and the scoreboard go into
 * build tables. No live mart is touched until the end: ONE transaction
 * deletes and inserts the affected customers' fact and CLV rows and the RFM rows whose scores
 * moved, replaces every row of the small global marts, the kept orders per month, the base and
 * the marks. A per-customer mart whose every row changes (CLV rescoring everyone, RFM when the
 * as-of day moved) is built whole and swapped in by the same transaction where the engine's DDL
 * is transactional (writeWhole); on MySQL, where DDL would commit, the transaction stays plain
 * DML and rewrites those rows in place (the RFM rows' recency by one UPDATE). Readers see the
 * old marts or the new ones (MVCC on PostgreSQL and InnoDB, WAL snapshots on SQLite) — but a
 * rename is not MVCC-safe: on PostgreSQL a REPEATABLE READ snapshot older than the commit that
 * first reads a mart swapped in after it finds that mart empty (README, the swap).
 */
export async function refreshMarts(ctx: MartContext, step: Step, plan: RefreshPlan): Promise<FittedClv> {
  const { wh } = ctx;
  noteLeftovers(ctx.notes, await createBuildTables(wh));
  const columns = await factColumns(ctx);
  await step('fct_order (affected customers)', async () => {
    plan.changes.affectedCustomers += await buildAffectedFacts(ctx, columns.split(', '));
    await wh.knex.raw(`DROP VIEW IF EXISTS ${FACTS_VIEW}`);
    // Later steps read fct_order as the commit will leave it (context.ts factsOf).
    await wh.knex.raw(
      `CREATE VIEW ${FACTS_VIEW} AS SELECT ${columns} FROM fct_order f
       WHERE NOT EXISTS (SELECT 1 FROM ${NEW_FACTS} n WHERE n.order_id = f.order_id)
       UNION ALL SELECT ${columns} FROM ${NEW_FACTS}`,
    );
    ctx.readFrom.set('fct_order', FACTS_VIEW);
  });
  const interactions = await step('fct_interaction (changed)', async () => {
    await buildChangedInteractions(ctx, plan.crosswalkWent);
    return findChangedInteractions(ctx, plan.previousAsOf, plan.crosswalkWent);
  });
  // The orders per month: the last build's, with the affected customers' taken away and added back.
  const previous = await readState<BuildBase>(wh, 'base');
  if (previous && (await factsKept(ctx))) orderMonthSource.set(ctx, orderMonthDeltaSql(ctx, previous.asOf));
  // The kept per-customer tables are updated in place from here on (keep-in-place.ts), ahead of
  // the live marts until the commit, which writes the base again: a refresh that dies in between
  // leaves no base, and the next build is full.
  await forgetBase(wh);
  await step('customer aggregates', async () => {
    // The recomputed customers' old cohort cells, read before their kept rows are replaced.
    await addCohortDelta(ctx, { buyers: KEPT_BUYER, months: KEPT_MONTH, only: AFFECTED, sign: -1 });
    await buildBuyers(ctx, {
      facts: AFFECTED_FACTS,
      except: AFFECTED,
      keptBuyers: KEPT_BUYER,
      keptMonths: KEPT_MONTH,
    });
  });
  const shift = asOfShift(plan.previousAsOf, ctx.asOf);
  const rfmWhole = await writeWhole(ctx, 'mart_customer_rfm', shift !== 0, 'the as-of day moved');
  await step('mart_customer_rfm', async () => {
    if (rfmWhole) {
      await buildRfmChanges(ctx, shift, true);
      await finishWhole(ctx, 'mart_customer_rfm');
    } else {
      await perCustomer(ctx, 'mart_customer_rfm', () => buildRfmChanges(ctx, shift));
      readLiveSegments(ctx);
    }
  });
  await step(
    'mart_cohort_retention',
    async () => {
      await addCohortDelta(ctx, { buyers: BUYER_NEW, months: CUSTOMER_MONTH_NEW, sign: 1 });
      await buildCohortsFromLive(ctx);
    },
    'mart_cohort_retention',
    UNFINISHED,
  );
  const clvWhole = await writeWhole(
    ctx,
    'mart_customer_clv',
    plan.rescoreAll,
    'every customer is scored again',
  );
  const clv = await step('mart_customer_clv', async () => {
    if (clvWhole) {
      const fitted = await buildClv(ctx, { stored: plan.stored });
      await finishWhole(ctx, 'mart_customer_clv');
      return fitted;
    }
    const only = plan.rescoreAll ? undefined : AFFECTED;
    const fitted = await perCustomer(ctx, 'mart_customer_clv', () =>
      buildClv(ctx, { stored: plan.stored, only }),
    );
    if (only) await createClvView(ctx);
    return fitted;
  });
  await step(
    'mart_segment_profitability',
    () =>
      buildProfitability(ctx, {
        kept: KEPT_CUSTOMER_GROUP,
        affected: AFFECTED,
        changedCustomers: `SELECT customer_id FROM dim_customer WHERE updated_at > ${markSql('dim_customer')}`,
        keptSpend: KEPT_SPEND,
        keptMatch: KEPT_SPEND_MATCH,
      }),
    'mart_segment_profitability',
    UNFINISHED,
  );
  await step(
    'mart_manager_activity',
    () =>
      buildManagerActivity(ctx, {
        customers: INTERACTION_CUSTOMERS,
        kept: KEPT_REPLY,
        cells: interactions.cells ? INTERACTION_CELLS : undefined,
      }),
    'mart_manager_activity',
    UNFINISHED,
  );
  await step(
    'mart_lead_funnel',
    async () => {
      await buildFirstOrders(ctx, {
        facts: AFFECTED_FACTS,
        except: AFFECTED,
        kept: KEPT_FIRST_ORDER,
        changed: FIRST_ORDER_CHANGED,
      });
      await findLeadCustomers(ctx, plan.previousAsOf, plan.crosswalkWent);
      await buildLeadFunnel(ctx, { only: LEAD_AFFECTED, found: LEAD_FOUND_AGAIN, kept: KEPT_LEAD });
    },
    'mart_lead_funnel',
    UNFINISHED,
  );
  await step(
    'mart_scoreboard',
    async () => {
      await buildFirstResponses(ctx, { customers: INTERACTION_CUSTOMERS, kept: KEPT_FIRST_RESPONSE });
      await buildScoreboard(ctx);
    },
    'mart_scoreboard',
    UNFINISHED,
  );
  const whole: MartTable[] = [
    ...(rfmWhole ? (['mart_customer_rfm'] as const) : []),
    ...(clvWhole ? (['mart_customer_clv'] as const) : []),
  ];
  let retiredTables: string[] = [];
  await step('commit', async () => {
    await wh.knex.transaction(async (trx) => {
      await commitFacts(ctx, trx);
      await commitInteractions(ctx, trx);
      if (!rfmWhole) await commitRfm(ctx, trx, shift);
      if (!clvWhole) {
        if (plan.rescoreAll) await replaceAll(trx, 'mart_customer_clv');
        else await replaceAffected(ctx, trx, 'mart_customer_clv');
      }
      for (const table of GLOBAL_MARTS) await replaceAll(trx, table);
      await keepAggregates(trx);
      await writeState(wh, trx, 'base', plan.base);
      await writeState(wh, trx, 'clv-fit', plan.fitState(clv));
      await commitMarks(trx);
      // Last: on PostgreSQL the swap locks the marts against their readers until the commit.
      if (whole.length > 0) retiredTables = await swapWhole(ctx, trx, whole);
    });
    noteLeftovers(ctx.notes, await wh.adapter.dropLeftovers(wh.knex, retiredTables));
  });
  await dropRefreshView(ctx);
  ctx.readFrom.clear();
  return clv;
}

/**
 * Whether a per-customer mart is written whole: built for every customer into its build table,
 * finished as a mart (keys, indexes, foreign keys, grants, statistics: finishWhole) and swapped in
 * inside the commit, instead of its rows rewritten in place. The rule: when the refresh changes
 * EVERY row of it — CLV when every customer is scored again (the models were refitted or the
 * calibration end moved), RFM when the as-of day moved (every recency and as_of). Otherwise it
 * changes the affected customers' rows (at most FULL_REBUILD_SHARE of them, index.ts) and those a
 * moved cut point rescored, and those are written in place. Rewriting every row in place cost the
 * commit most of its time (1M customers, PostgreSQL: DELETE and INSERT of 955,000 CLV rows under
 * the mart's key, indexes and foreign key 13.4 s, the recency UPDATE of every RFM row 4.4 s).
 * Only where the engine can swap inside the commit's transaction (adapter.swapWithinBlockers):
 * PostgreSQL and SQLite, whose DDL is transactional, unless something attached to the live mart
 * would be left behind by a rename (a view, on PostgreSQL); not MySQL, whose DDL commits the
 * transaction (its multi-table RENAME TABLE is atomic by itself, not with the commit's other
 * writes), which rewrites every row in place as before. The note says which way and why.
 */
async function writeWhole(
  ctx: MartContext,
  table: MartTable,
  everyRow: boolean,
  why: string,
): Promise<boolean> {
  if (!everyRow) return false;
  const blockers = await ctx.wh.adapter.swapWithinBlockers(ctx.wh.knex, table);
  if (blockers.length > 0) {
    ctx.notes.push(`Refresh: ${table} rewritten in place (${why}; not swapped: ${blockers.join('; ')})`);
    return false;
  }
  ctx.notes.push(`Refresh: ${table} written whole and swapped in (${why})`);
  return true;
}

/** A mart written whole gets what a full build's step gives it before its swap (index.ts). */
async function finishWhole(ctx: MartContext, table: MartTable): Promise<void> {
  await finishBuildTable(ctx.wh, table);
  await ctx.wh.adapter.analyze(ctx.wh.knex, build(table));
}

/**
 * The marts written whole go in by the engine's swap inside the commit; when readers held them
 * too long (PostgreSQL's lock timeout), their rows are copied instead, in the same transaction.
 */
async function swapWhole(
  ctx: MartContext,
  trx: Knex.Transaction,
  tables: readonly MartTable[],
): Promise<string[]> {
  const pairs = tables.map((table) => ({ table, build: build(table), old: retired(table) }));
  const result = await ctx.wh.adapter.swapWithin(trx, pairs);
  if (result.swapped) return pairs.map((p) => p.old);
  for (const table of tables) await replaceAll(trx, table);
  ctx.notes.push(`Refresh: ${tables.join(', ')} copied, not swapped: ${result.why}`);
  return [];
}

/**
 * The CLV of every customer as the commit leaves the mart, for the scoreboard's mean: the live
 * rows of the customers not predicted again (as the commit keeps them) and the new rows — instead
 * of copying the others' rows into the build table (a row per customer every night).
 */
async function createClvView(ctx: MartContext): Promise<void> {
  const { wh } = ctx;
  await wh.knex.raw(`DROP VIEW IF EXISTS ${CLV_VIEW}`);
  await wh.knex.raw(
    `CREATE VIEW ${CLV_VIEW} AS SELECT m.customer_id, m.clv FROM mart_customer_clv m
     WHERE NOT EXISTS (SELECT 1 FROM ${AFFECTED} a WHERE a.customer_id = m.customer_id)
     UNION ALL SELECT customer_id, clv FROM ${build('mart_customer_clv')}`,
  );
  ctx.readFrom.set('mart_customer_clv', CLV_VIEW);
}

/** The views a refresh reads its per-customer tables through, by the table of new rows each adds. */
const KEPT_VIEWS: ReadonlyArray<readonly [view: string, fresh: string]> = [
  [FIRST_ORDER, FIRST_ORDER_NEW],
  [BUYER, BUYER_NEW],
  [CUSTOMER_MONTH, CUSTOMER_MONTH_NEW],
  [CUSTOMER_GROUP, CUSTOMER_GROUP_NEW],
  [SPEND_MATCH, SPEND_MATCH_NEW],
  [LEAD, LEAD_NEW],
  [REPLY, REPLY_NEW],
  [FIRST_RESPONSE, FIRST_RESPONSE_NEW],
];

/**
 * A per-customer mart of a refresh (a row per customer it recomputes). Its build table is never swapped in —
 * the commit copies rows out of it — so it is not finished as one (keys, foreign keys validated
 * against dim_customer, grants: a pass or more over every customer's row for nothing); it gets
 * the one index the commit and later steps look customers up by (without it SQLite scans the
 * build table for each live row), and statistics.
 */
async function perCustomer<T>(ctx: MartContext, table: MartTable, fn: () => Promise<T>): Promise<T> {
  const { wh } = ctx;
  const value = await fn();
  await wh.adapter.scratchWork(wh.knex, async (db) => {
    await db.raw(`CREATE INDEX ${build(table)}_incr ON ${build(table)} (customer_id)`);
    await wh.adapter.analyze(db, build(table));
  });
  return value;
}

/**
 * Drops the views of a refresh (also of one that failed before its end), before the tables they
 * read. With `leftovers`, before a build: those a killed refresh left, whose names a full build
 * gives its scratch tables — a name that is a table there (a full build killed before its end)
 * is left to the build, which drops its scratch tables itself.
 */
export async function dropRefreshView(ctx: MartContext, leftovers = false): Promise<void> {
  const { wh } = ctx;
  for (const view of [FACTS_VIEW, INTERACTIONS_VIEW, CLV_VIEW])
    await wh.knex.raw(`DROP VIEW IF EXISTS ${view}`);
  const tables = leftovers ? new Set(await wh.adapter.listTables(wh.knex)) : null;
  for (const [view, fresh] of KEPT_VIEWS) {
    const left = tables ? !tables.has(view) : ctx.scratch.has(fresh);
    if (left) await wh.knex.raw(`DROP VIEW IF EXISTS ${view}`);
  }
}

/**
 * Whether fct_order still holds every row the last build counted per month. A customer deleted
 * since (resolve deletes the absorbed side of a merge) takes its facts with it by the foreign
 * key's cascade, and those can no longer be taken away from the kept months: the refresh then
 * counts them in a pass over the orders (currency.ts), as before. Facts go no other way (only
 * builds write them), so the customers are counted, not the facts: every customer created up to
 * the last build's marks still there means none went (a tenth of the rows; MariaDB took 13.8 s
 * to count fct_order at 100k customers). Any customer gone falls back, with facts or not, and so
 * do missing marks: every build of this definition writes them, and a build of another one is
 * never refreshed (definitionHash), so there is no older build's state to count facts for.
 */
async function factsKept(ctx: MartContext): Promise<boolean> {
  const { wh } = ctx;
  const mark = (name: string, column: 'mark' | 'number') =>
    `(SELECT ${column} FROM ${STATE} WHERE name = 'mark:${name}')`;
  const [row] = wh.adapter.rows(
    await wh.knex.raw(
      `SELECT ${mark('dim_customer_rows', 'number')} AS marked,
         (SELECT COUNT(*) FROM dim_customer WHERE created_at <= ${mark('dim_customer_created', 'mark')}) AS still`,
    ),
  );
  return row?.marked !== null && row?.marked !== undefined && Number(row.still) === Number(row.marked);
}

async function factColumns(ctx: MartContext): Promise<string> {
  const info = await ctx.wh.knex('fct_order').columnInfo();
  return Object.keys(info).join(', ');
}

/**
 * The facts of the orders changed or re-linked (NEW_FACTS), writing only rows that differ
 * (detect.ts factsToWrite): a live row with no identical new one goes, then the new rows not in
 * fct_order go in. The other facts stay as they are: rewriting every fact of the affected
 * customers (and fct_order's indexes and foreign key with them) made the commit cost like those
 * customers' whole history.
 */
async function commitFacts(ctx: MartContext, trx: Knex.Transaction): Promise<void> {
  const { deleted, inserted } = factsToWrite();
  await trx.raw(ctx.wh.adapter.deleteByKeys('fct_order', 'f', 'order_id', deleted));
  await trx.raw(`INSERT INTO fct_order ${inserted}`);
}

async function replaceAffected(ctx: MartContext, trx: Knex.Transaction, table: MartTable): Promise<void> {
  await trx.raw(
    ctx.wh.adapter.deleteByKeys(table, 'm', 'customer_id', `SELECT customer_id AS k FROM ${AFFECTED}`),
  );
  await trx.raw(
    `INSERT INTO ${table} SELECT b.* FROM ${build(table)} b WHERE b.customer_id IN (SELECT customer_id FROM ${AFFECTED})`,
  );
}

async function replaceAll(trx: Knex.Transaction, table: MartTable): Promise<void> {
  await trx(table).delete();
  await trx.raw(`INSERT INTO ${table} SELECT * FROM ${build(table)}`);
}

/**
 * The kept orders per month follow the marts, in the same transaction (a few rows per month:
 * replaced whole). The kept per-customer rows were updated in place by the build (keep-in-place.ts).
 */
async function keepAggregates(trx: Knex.Transaction): Promise<void> {
  await trx(KEPT_ORDER_MONTH).delete();
  await trx.raw(
    `INSERT INTO ${KEPT_ORDER_MONTH} (${ORDER_MONTH_COLUMNS}) SELECT ${ORDER_MONTH_COLUMNS} FROM ${ORDER_MONTH}`,
  );
}

/**
 * After a full build's swap: its per-customer aggregates become the kept tables the next refresh
 * starts from, renamed rather than copied (keepScratch; copying them cost 1.8 s of a 62 s
 * PostgreSQL build at 100k customers). They keep the scratch tables' keys (by customer, and
 * month), which a refresh's steps join on as they join the scratch tables (keep-in-place.ts); of
 * the secondary indexes only the buyers' acquisition channel, for the spend, and the spend
 * matches' customer are built again.
 */
export async function keepFullBuild(ctx: MartContext): Promise<void> {
  const { wh } = ctx;
  for (const [kept, scratch] of [
    [KEPT_BUYER, BUYER],
    [KEPT_MONTH, CUSTOMER_MONTH],
    [KEPT_FIRST_ORDER, FIRST_ORDER],
    [KEPT_CUSTOMER_GROUP, CUSTOMER_GROUP],
    [KEPT_ORDER_MONTH, ORDER_MONTH],
    [KEPT_SPEND, SPEND],
    [KEPT_SPEND_MATCH, SPEND_MATCH],
    [KEPT_LEAD, LEAD],
    [KEPT_REPLY, REPLY],
    [KEPT_FIRST_RESPONSE, FIRST_RESPONSE],
  ] as const) {
    await keepScratch(wh, scratch, kept);
    ctx.scratch.delete(scratch);
    if (kept === KEPT_BUYER) {
      await wh.knex.schema.alterTable(kept, (t) => t.index(['channel', 'first_month'], `${kept}_channel`));
    }
    // A refresh replaces the recomputed customers' matches (keep-in-place.ts).
    if (kept === KEPT_SPEND_MATCH) {
      await wh.knex.schema.alterTable(kept, (t) => t.index(['customer_id'], `${kept}_customer`));
    }
    // A refresh looks up the customer whose lead came from a record whose link moved (lead-scope.ts).
    if (kept === KEPT_LEAD) {
      await wh.knex.schema.alterTable(kept, (t) => t.index(['lead_source', 'lead_key'], `${kept}_record`));
    }
    // A refresh replaces the customers' replies, and reads the changed months' (manager-activity.ts).
    if (kept === KEPT_REPLY) {
      await wh.knex.schema.alterTable(kept, (t) => {
        t.index(['customer_id'], `${kept}_customer`);
        t.index(['reply_month', 'reply_owner'], `${kept}_reply`);
        t.index(['in_month', 'in_owner'], `${kept}_in`);
      });
    }
    // The refresh joins these at once; without statistics PostgreSQL planned blind (JIT-compiling
    // a cohort query for 0.6 s).
    await wh.adapter.analyze(wh.knex, kept);
  }
}
