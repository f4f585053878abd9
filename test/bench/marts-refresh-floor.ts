import type { Warehouse } from '../../warehouse/connection.js';
import { buildCpuClock } from './marts-cpu.js';
import { customerPassSql, FLOOR_FACT_COLUMNS } from './marts-floor.js';
import { timed } from './measure.js';

/** What the engine itself needs for a nightly refresh: the work no refresh can skip. */
export interface RefreshFloor {
  /** The affected customers' order facts: their staged orders joined to the crosswalk, written to a new table. */
  facts: number;
  /** One grouped pass over those facts per customer, written to a new table. */
  customers: number;
  /** One grouped pass over every customer's kept row (the global quintile cut points need it). */
  pass: number;
  /** CPU seconds of the three (buildCpuClock). */
  cpu: number;
  /** Customers in the affected set. */
  affected: number;
}

const AFFECTED = 'bench_floor_affected';
const FACTS = 'bench_floor_refresh_order';
const CUSTOMERS = 'bench_floor_refresh_customer';
const PASS = 'bench_floor_refresh_pass';

/**
 * The affected set of the floor: the customers the night's orders (`orders`: a WHERE condition on
 * stg_order alias o) link to. Written once before the floor is timed (finding who changed is the
 * refresh's own work, and not part of the floor; nor are merges, which the bench has none of).
 */
export async function prepareRefreshFloor(wh: Warehouse, orders: string): Promise<void> {
  await dropRefreshFloor(wh);
  await wh.knex.schema.createTable(AFFECTED, (t) => t.bigInteger('customer_id').primary());
  await wh.knex.raw(
    `INSERT INTO ${AFFECTED} (customer_id)
     SELECT DISTINCT x.customer_id FROM stg_order o
     JOIN customer_crosswalk x ON x.source = o.source AND x.source_key = o.customer_source_key
     WHERE ${orders}`,
  );
  await wh.adapter.analyze(wh.knex, AFFECTED);
}

/**
 * The refresh's floor, in the warehouse the refresh runs in and with its settings for heavy
 * statements (adapter.runBulk), of the same kind as the full build's (marts-floor.ts) but for the
 * affected customers only: CREATE TABLE … AS SELECT of their staged orders joined to the
 * crosswalk (from the customer through the crosswalk's customer index to the orders through
 * `stg_order_customer`: index probes, as the refresh reads them), CREATE TABLE … AS SELECT of one
 * GROUP BY customer over them, and CREATE TABLE … AS SELECT of one GROUP BY over the kept
 * per-customer table (etl_marts_buyer), a row per customer: the global cut points read every
 * customer once. No indexes, no keys: anything the refresh does beyond this is its overhead.
 */
export async function measureRefreshFloor(wh: Warehouse): Promise<RefreshFloor> {
  const { knex, adapter } = wh;
  await dropTables(wh);
  const clock = buildCpuClock(wh);
  const start = await clock.read();
  try {
    const facts = await timed(() =>
      adapter.runBulk(
        knex,
        `CREATE TABLE ${FACTS} AS
        SELECT ${FLOOR_FACT_COLUMNS}
        FROM ${AFFECTED} a JOIN customer_crosswalk x ON x.customer_id = a.customer_id
        JOIN stg_order o ON o.source = x.source AND o.customer_source_key = x.source_key`,
      ),
    );
    const customers = await timed(() => adapter.runBulk(knex, customerPassSql(CUSTOMERS, FACTS)));
    const pass = await timed(() =>
      adapter.runBulk(
        knex,
        `CREATE TABLE ${PASS} AS SELECT orders, COUNT(*) AS customers FROM etl_marts_buyer GROUP BY orders`,
      ),
    );
    const [row] = adapter.rows(await knex.raw(`SELECT COUNT(*) AS n FROM ${AFFECTED}`));
    return {
      facts: facts.seconds,
      customers: customers.seconds,
      pass: pass.seconds,
      cpu: (await clock.read()) - start,
      affected: Number(row?.n ?? 0),
    };
  } finally {
    await dropTables(wh);
  }
}

async function dropTables(wh: Warehouse): Promise<void> {
  for (const table of [PASS, CUSTOMERS, FACTS]) await wh.knex.schema.dropTableIfExists(table);
}

/** Drops the floor's tables and its affected set. */
export async function dropRefreshFloor(wh: Warehouse): Promise<void> {
  await dropTables(wh);
  await wh.knex.schema.dropTableIfExists(AFFECTED);
}

/** The smaller of two measurements, per part: a floor is what the engine can do, noise aside. */
export function lowerRefreshFloor(a: RefreshFloor, b: RefreshFloor): RefreshFloor {
  return {
    facts: Math.min(a.facts, b.facts),
    customers: Math.min(a.customers, b.customers),
    pass: Math.min(a.pass, b.pass),
    cpu: Math.min(a.cpu, b.cpu),
    affected: a.affected,
  };
}
