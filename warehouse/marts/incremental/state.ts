import { DERIVED_REF_PREFIXES } from '../../identity/customer-ref.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { Warehouse } from '../../connection.js';
import { MIGRATIONS } from '../../migrations/index.js';
import type { FittedClv } from '../clv.js';
import type { MartContext } from '../context.js';

/** What the refresh keeps between builds (migration 0015): one row per name. */
export const STATE = 'etl_marts_state';
/** The per-customer aggregates of the last build, kept so a refresh recomputes only some customers. */
export const KEPT_BUYER = 'etl_marts_buyer';
export const KEPT_MONTH = 'etl_marts_customer_month';
/** Each customer's first order (first-order.ts), for the lead funnel. */
export const KEPT_FIRST_ORDER = 'etl_marts_first_order';
/** Each answered inbound interaction and its reply (manager-activity.ts REPLY), by customer. */
export const KEPT_REPLY = 'etl_marts_reply';
/** Each answered customer's first inbound interaction and time to answer (first-response.ts). */
export const KEPT_FIRST_RESPONSE = 'etl_marts_first_response';
/** Each customer's lead, first contact and conversion (lead-funnel.ts LEAD). */
export const KEPT_LEAD = 'etl_marts_lead';
/** Each buyer's profitability group with revenue and cost (profitability.ts CUSTOMER_GROUP). */
export const KEPT_CUSTOMER_GROUP = 'etl_marts_customer_group';
/** The spend rows of the last build and the customers each matched (profitability.ts SPEND, SPEND_MATCH). */
export const KEPT_SPEND = 'etl_marts_spend';
export const KEPT_SPEND_MATCH = 'etl_marts_spend_match';
/** Orders per currency and month (currency.ts ORDER_MONTH), for the rates and the scoreboard. */
export const KEPT_ORDER_MONTH = 'etl_marts_order_month';

/** Which full build the live marts descend from; absent while a full build runs (or was killed). */
export interface BuildBase {
  /** Hash of the code that defines the marts (definitionHash). */
  definition: string;
  /** Hash of the settings that shape per-customer rows (configHash). */
  config: string;
  asOf: string;
  calibrationEnd: string;
  /** stg_order rows when the marts were built: fewer now means staged orders were deleted. */
  stagedOrders: number;
  /** stg_interaction rows then, likewise (a refresh reads the interactions stamped since only). */
  stagedInteractions: number;
  /** stg_contact rows then, likewise (a refresh reads the records stamped since only). */
  stagedContacts: number;
  builtAt: string;
  mode: 'full' | 'incremental';
}

/** The CLV models in use and what decides when they are fitted again (clv-rule.ts). */
export interface StoredFit extends FittedClv {
  /** Wall-clock instant of the fit (ISO). */
  fittedAt: string;
  /** The calibration end (by default the as-of day) the models were fitted at. */
  calibrationEnd: string;
  /** Staged orders when fitted, and staged orders new or changed since. */
  ordersAtFit: number;
  changedSinceFit: number;
  definition: string;
  config: string;
}

/**
 * The inputs' high-water marks: their latest change stamp, or for the merge log its last id.
 * Copied from the tables into etl_marts_state by SQL, and compared there, so no engine's
 * timestamp type passes through Node (MySQL DATETIME has no zone; SQLite stores ISO text).
 */
export const MARKS: Readonly<Record<string, { sql: string; number?: boolean }>> = Object.freeze({
  stg_order: { sql: 'SELECT MAX(updated_at) FROM stg_order' },
  stg_interaction: { sql: 'SELECT MAX(updated_at) FROM stg_interaction' },
  // Records whose created date or manager changed: their customers' leads (incremental/lead-scope.ts).
  stg_contact: { sql: 'SELECT MAX(updated_at) FROM stg_contact' },
  crosswalk_linked: { sql: 'SELECT MAX(linked_at) FROM customer_crosswalk' },
  crosswalk_updated: { sql: 'SELECT MAX(updated_at) FROM customer_crosswalk' },
  dim_customer: { sql: 'SELECT MAX(updated_at) FROM dim_customer' },
  customer_merge: { sql: 'SELECT MAX(merge_id) FROM customer_merge', number: true },
  // With crosswalk_linked, whether a crosswalk row went since (incremental/link-scope.ts).
  crosswalk_rows: { sql: 'SELECT COUNT(*) FROM customer_crosswalk', number: true },
  // Whether a customer went since, and facts with it (incremental/refresh.ts factsKept).
  dim_customer_created: { sql: 'SELECT MAX(created_at) FROM dim_customer' },
  dim_customer_rows: { sql: 'SELECT COUNT(*) FROM dim_customer', number: true },
});

/** SQL for a mark of the last build: a stamp (no mark: before everything) or the merge log's last id. */
export function markSql(name: keyof typeof MARKS): string {
  const spec = MARKS[name]!;
  return spec.number
    ? `COALESCE((SELECT number FROM ${STATE} WHERE name = 'mark:${name}'), 0)`
    : `COALESCE((SELECT mark FROM ${STATE} WHERE name = 'mark:${name}'), '1900-01-01')`;
}

/**
 * SQL true for a crosswalk row (alias x) whose key is a reference derived from the customer
 * written on a staged row (`email:…`, `phone:…`, …; not an order's own key): no index finds the
 * rows it is the reference of.
 */
export const derivedRefSql = (): string =>
  `(${DERIVED_REF_PREFIXES.filter((p) => p !== 'order')
    .map((p) => `x.source_key LIKE '${p}:%'`)
    .join(' OR ')})`;

/** SQL true for a crosswalk row (alias x) linked or re-linked since the last build. */
export const linkChanged = (): string =>
  `(x.linked_at > ${markSql('crosswalk_linked')} OR x.updated_at > ${markSql('crosswalk_updated')})`;

/**
 * Notes the inputs' marks as they are now ('next:…'): taken before the build reads its inputs,
 * they become the marks ('mark:…') only when the build that read them commits (commitMarks).
 * A change landing while the build runs is then seen again by the next one (harmless: a
 * customer's rows are rewritten from what is staged, whatever made them change).
 */
export async function takeMarks(wh: Warehouse): Promise<void> {
  await wh.knex(STATE).where('name', 'like', 'next:%').delete();
  for (const [name, spec] of Object.entries(MARKS)) {
    const column = spec.number ? 'number' : 'mark';
    await wh.knex.raw(`INSERT INTO ${STATE} (name, ${column}) SELECT 'next:${name}', (${spec.sql})`);
  }
}

export async function commitMarks(trx: Knex): Promise<void> {
  await trx(STATE).where('name', 'like', 'mark:%').delete();
  const rename = Object.keys(MARKS)
    .map((name) => `WHEN 'next:${name}' THEN 'mark:${name}'`)
    .join(' ');
  // INSERT … SELECT from the same table: MySQL allows it there (not in an UPDATE's subquery).
  await trx.raw(
    `INSERT INTO ${STATE} (name, mark, number) SELECT CASE name ${rename} END, mark, number FROM ${STATE} WHERE name LIKE 'next:%'`,
  );
}

export async function readState<T>(wh: Warehouse, name: string): Promise<T | null> {
  const row = (await wh.knex(STATE).where({ name }).first('value')) as { value: unknown } | undefined;
  return row?.value === undefined || row.value === null ? null : (wh.adapter.parseJson(row.value) as T);
}

export async function writeState(wh: Warehouse, trx: Knex, name: string, value: unknown): Promise<void> {
  await trx(STATE).where({ name }).delete();
  await trx(STATE).insert({ name, value: JSON.stringify(value) });
}

export async function forgetBase(wh: Warehouse): Promise<void> {
  await wh.knex(STATE).where({ name: 'base' }).delete();
}

let definition: string | undefined;

/**
 * A hash of the code that defines the marts: this folder, the customer links and references
 * (identity/link-customers.ts, customer-ref.ts) and the CLV models (transforms/clv). Any change
 * to them — a new column, a different rule, a fix — makes the next `crm-etl marts` a full
 * rebuild, since rows kept from the last build were computed by the old code. Runs from the
 * sources (tests) and from dist/ differ in hash: switching costs one full rebuild.
 */
export function definitionHash(): string {
  if (definition) return definition;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = crypto.createHash('sha256');
  const folders = [
    path.join(here, '..'),
    here,
    path.join(here, '../../identity'),
    path.join(here, '../../../transforms/clv'),
  ];
  for (const folder of folders) {
    if (!fs.existsSync(folder)) continue;
    for (const file of fs.readdirSync(folder).sort()) {
      if (!/\.(ts|js)$/.test(file) || file.endsWith('.d.ts')) continue;
      if (folder.endsWith('identity') && !/^(link-customers|customer-ref)\./.test(file)) continue;
      hash
        .update(file)
        .update('\0')
        .update(fs.readFileSync(path.join(folder, file)))
        .update('\0');
    }
  }
  return (definition = hash.digest('hex').slice(0, 16));
}

/**
 * A hash of the settings that shape per-customer rows kept between builds: currency rates
 * (revenue in the base currency), the CLV settings (with the calibration end as "the as-of
 * day" when it follows it, the default), the funnel's settings (each customer's kept lead says
 * whether it converted) and the schema version. A change makes the next build full. Settings only
 * global marts read (scoreboard indicators and targets, period) do not: those marts are
 * recomputed on every refresh.
 */
export function configHash(ctx: MartContext): string {
  const { calibrationEnd, ...clv } = ctx.clv;
  const shape = {
    currency: ctx.scoreboard.currency ?? null,
    clv: { ...clv, calibrationEnd: calibrationEnd === ctx.asOf ? 'as-of day' : calibrationEnd },
    funnel: ctx.funnel,
    schema: MIGRATIONS[MIGRATIONS.length - 1]!.name,
  };
  return crypto.createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}

/** What `crm-etl status` shows of the marts: the last build and the CLV models in use. */
export interface MartsStatus {
  lastBuild: { mode: BuildBase['mode']; builtAt: string; asOf: string } | null;
  clv: {
    status: FittedClv['report']['status'];
    fittedAt: string;
    calibrationEnd: string;
    bgNbd: FittedClv['report']['bgNbd'] | null;
    gammaGamma: FittedClv['report']['gammaGamma'] | null;
    ordersAtFit: number;
    changedSinceFit: number;
  } | null;
}

export async function martsStatus(wh: Warehouse): Promise<MartsStatus | null> {
  if (!(await wh.knex.schema.hasTable(STATE))) return null;
  const base = await readState<BuildBase>(wh, 'base');
  const fit = await readState<StoredFit>(wh, 'clv-fit');
  return {
    lastBuild: base ? { mode: base.mode, builtAt: base.builtAt, asOf: base.asOf } : null,
    clv: fit
      ? {
          status: fit.report.status,
          fittedAt: fit.fittedAt,
          calibrationEnd: fit.calibrationEnd,
          bgNbd: fit.report.bgNbd ?? null,
          gammaGamma: fit.report.gammaGamma ?? null,
          ordersAtFit: fit.ordersAtFit,
          changedSinceFit: fit.changedSinceFit,
        }
      : null,
  };
}

/** One line per fact of the CLV models in use, for `crm-etl status` and the marts summary. */
export function describeFit(clv: NonNullable<MartsStatus['clv']>): string {
  const n = (v: number) => v.toFixed(4);
  const bg = clv.bgNbd
    ? `BG/NBD r=${n(clv.bgNbd.r)} α=${n(clv.bgNbd.alpha)} a=${n(clv.bgNbd.a)} b=${n(clv.bgNbd.b)}`
    : 'no purchase model (historical value only)';
  const gg = clv.gammaGamma
    ? `, Gamma–Gamma p=${n(clv.gammaGamma.p)} q=${n(clv.gammaGamma.q)} γ=${n(clv.gammaGamma.gamma)}`
    : '';
  return (
    `${bg}${gg}; fitted ${clv.fittedAt.replace('T', ' ').slice(0, 16)} UTC at calibration end ${clv.calibrationEnd}; ` +
    `${clv.changedSinceFit} of ${clv.ordersAtFit} staged orders new or changed since`
  );
}
