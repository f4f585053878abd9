import { it } from 'vitest';
import { seedBench } from '../bench/marts.js';
import { createContext } from '../../warehouse/marts/context.js';
import { createBuildTables } from '../../warehouse/marts/build-tables.js';
import { linkCustomers } from '../../warehouse/marts/link-customers.js';
import { buildOrderFacts } from '../../warehouse/marts/facts.js';
import { resolveOptions } from '../../warehouse/marts/options.js';
import { engineTargets, migratedWarehouse } from '../support/engines.js';
const targets = (await engineTargets()).filter((t) => t.engine === 'mysql');
it('explain', async () => {
  const t = await migratedWarehouse(targets[0]!);
  const lap = (() => { let s = performance.now(); return (what: string) => { const n = performance.now(); console.error(what, ((n - s) / 1000).toFixed(2)); s = n; }; })();
  try {
    await seedBench(t.wh, Number(process.env.BENCH_N ?? 20000)); lap('seed');
    const o = resolveOptions({ asOf: '2025-12-31' });
    const ctx = createContext(t.wh, { ...o, grain: 'month', logger: undefined });
    for (const tb of ['stg_order', 'customer_crosswalk', 'dim_customer']) await t.wh.adapter.analyze(t.wh.knex, tb);
    await linkCustomers(ctx); lap('link');
    await createBuildTables(t.wh);
    const q = `SELECT o.source_key, x.customer_id FROM stg_order o JOIN etl_build_order_ref r ON r.source = o.source AND r.source_key = o.source_key JOIN customer_crosswalk x ON x.source = r.source AND x.source_key = r.ref`;
    console.error(JSON.stringify(t.wh.adapter.rows(await t.wh.knex.raw('EXPLAIN ' + q)).map((x) => [x.table, x.type, x.key, x.ref, x.rows, x.Extra])));
    await t.wh.knex.raw(`CREATE TEMPORARY TABLE zz AS ${q}`); lap('plain join');
    await buildOrderFacts(ctx); lap('facts');
  } finally { await t.drop(); }
}, 1200000);
