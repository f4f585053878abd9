import type { Warehouse } from '../../warehouse/connection.js';
import { buildCpuClock } from './marts-cpu.js';
import { timed } from './measure.js';

/** What the engine itself needs for a full rebuild of the marts: the work no build can skip. */
export interface MartsFloor {
  /** One pass building the order facts: staged orders joined to the crosswalk, written to a new table. */
  facts: number;
  /** One grouped pass over those facts per customer, written to a new table. */
  customers: number;
  /** CPU seconds of both (buildCpuClock: what the machine's other work does not inflate). */
  cpu: number;
}

/** The columns of the floor's order facts: those of a staged order, with its customer. */
export const FLOOR_FACT_COLUMNS =
  'o.source, o.source_key, x.customer_id, o.order_date, o.amount, o.cost, o.currency, o.channel, o.status, o.owner';

/** The floor's one grouped pass per customer over `facts`, written to a new table `into`. */
export function customerPassSql(into: string, facts: string): string {
  return `CREATE TABLE ${into} AS
    SELECT customer_id, MIN(order_date) AS first_date, MAX(order_date) AS last_date, COUNT(*) AS orders,
      SUM(amount) AS revenue, SUM(cost) AS cost
    FROM ${facts} GROUP BY customer_id`;
}

const FACTS = 'bench_floor_order';
const CUSTOMERS = 'bench_floor_customer';

/**
 * Measures the floor in the warehouse the build runs in, with the build's own settings for heavy
 * statements (adapter.runBulk): CREATE TABLE … AS SELECT of the staged orders joined to the
 * crosswalk on their reference column (the bench's orders all carry customer_source_key, so this
 * is a plain column join), then CREATE TABLE … AS SELECT of one GROUP BY customer over it.
 * No indexes, no keys, no computed columns: anything the build does beyond this is its overhead.
 */
export async function measureFloor(wh: Warehouse): Promise<MartsFloor> {
  const { knex, adapter } = wh;
  await drop(wh);
  const clock = buildCpuClock(wh);
  const start = await clock.read();
  try {
    const facts = await timed(() =>
      adapter.runBulk(
        knex,
        `CREATE TABLE ${FACTS} AS
        SELECT ${FLOOR_FACT_COLUMNS}
        FROM stg_order o JOIN customer_crosswalk x ON x.source = o.source AND x.source_key = o.customer_source_key`,
      ),
    );
    const customers = await timed(() => adapter.runBulk(knex, customerPassSql(CUSTOMERS, FACTS)));
    return { facts: facts.seconds, customers: customers.seconds, cpu: (await clock.read()) - start };
  } finally {
    await drop(wh);
  }
}

async function drop(wh: Warehouse): Promise<void> {
  await wh.knex.schema.dropTableIfExists(CUSTOMERS);
  await wh.knex.schema.dropTableIfExists(FACTS);
}

/** The smaller of two measurements, per part: a floor is what the engine can do, noise aside. */
export function lowerFloor(a: MartsFloor, b: MartsFloor): MartsFloor {
  return {
    facts: Math.min(a.facts, b.facts),
    customers: Math.min(a.customers, b.customers),
    cpu: Math.min(a.cpu, b.cpu),
  };
}
