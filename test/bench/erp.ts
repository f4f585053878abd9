import { ErpSourceSchema } from '../../connectors/erp/config.js';
import { ERPNEXT } from '../../connectors/erp/presets/erpnext.js';
import { createLogger } from '../../lib/logger.js';
import { extractSource } from '../../pipelines/extract.js';
import { createErpnextSchema } from '../../samples/erp/erpnext-schema.js';
import { erpKnex } from '../erp/erpnext-db.js';
import { engineTargets, freshDatabase, migratedWarehouse } from '../support/engines.js';
import { mariadb } from './engine-clients.js';
import { peakRss, rate, timed } from './measure.js';

/**
 * `npm run bench -- erp [invoices]`: an ERPNext-shaped MariaDB database with `invoices` submitted
 * sales invoices (two items each; one in 50 cancelled; three invoices per `modified` value, so
 * ties cross batch boundaries) and a tenth as many customers, extracted with the erpnext preset
 * into a SQLite warehouse. Baseline in the same run: the `mariadb` client reading the same
 * invoice query once, unpaginated, to /dev/null. Then 1% of the invoices change and the
 * incremental run is timed against the full one.
 */
export async function benchErp(args: string[]): Promise<void> {
  const invoices = Number(args[0] ?? 200_000);
  const customers = Math.max(1, Math.floor(invoices / 10));
  const mysql = (await engineTargets()).find((t) => t.engine === 'mysql')!;
  if (mysql.unavailable) throw new Error(`MariaDB is needed: ${mysql.unavailable}`);
  const source = await freshDatabase(mysql);
  const erp = erpKnex(source.url);
  const logger = createLogger({ level: 'silent' });
  const warehouse = await migratedWarehouse({ engine: 'sqlite', unavailable: null, serverUrl: 'sqlite:' });
  try {
    const seeded = await timed(() => seed(erp, customers, invoices));
    console.log(
      `seeded ${invoices.toLocaleString('en-US')} invoices, ${customers.toLocaleString('en-US')} customers in ${seeded.seconds.toFixed(1)} s`,
    );

    const invoiceSql = ERPNEXT.streams.find((s) => s.name === 'invoices')!.sql!;
    const raw = await timed(async () =>
      mariadb(source.url, invoiceSql, ['--batch', '--quick'], ['ignore', 'ignore', 'inherit']),
    );

    const src = ErpSourceSchema.parse({
      name: 'erpnext',
      connector: 'erp',
      url: source.url,
      preset: 'erpnext',
    });
    const ctx = { wh: warehouse.wh, runId: 1, baseDir: '.', defaultRegion: 'RU', logger };
    const memory = peakRss();
    const full = await timed(() => extractSource(src, ctx));
    const fullRss = memory.stop();
    const rows = full.value.inputs.reduce((n, i) => n + i.rows, 0);
    const invoiceInput = full.value.inputs.find((i) => i.file === 'invoices')! as {
      rows: number;
      batches?: number;
    };
    if (invoiceInput.rows !== invoices)
      throw new Error(`staged ${invoiceInput.rows} invoices of ${invoices}`);

    await erp.raw(
      "UPDATE `tabSales Invoice` SET `modified` = TIMESTAMP('2026-11-01') + INTERVAL CAST(SUBSTRING(`name`, 6) AS UNSIGNED) SECOND WHERE CAST(SUBSTRING(`name`, 6) AS UNSIGNED) % 100 = 0",
    );
    const incremental = await timed(() => extractSource(src, { ...ctx, runId: 2 }));
    const changed = incremental.value.inputs.reduce((n, i) => n + i.rows, 0);

    console.log(
      [
        `full extract:        ${full.seconds.toFixed(2)} s for ${rows.toLocaleString('en-US')} rows (${rate(rows, full.seconds)}), peak RSS ${Math.round(fullRss)} MB`,
        `  invoices:          ${invoiceInput.rows.toLocaleString('en-US')} rows, ${String(invoiceInput.batches ?? '?')} batches of ≤ ${src.batchSize}`,
        `mariadb client, same invoice query unpaginated to /dev/null: ${raw.seconds.toFixed(2)} s`,
        `  ratio (full extract of invoices + customers + contacts) / raw invoice read: ${(full.seconds / raw.seconds).toFixed(2)}×`,
        `incremental after 1% of invoices changed: ${incremental.seconds.toFixed(2)} s for ${changed.toLocaleString('en-US')} rows = ${((100 * incremental.seconds) / full.seconds).toFixed(1)}% of the full run`,
      ].join('\n'),
    );
  } finally {
    await erp.destroy();
    await warehouse.drop();
    await source.drop();
  }
}

/** Set-based inserts from MariaDB's sequence tables: seconds for hundreds of thousands of rows. */
async function seed(erp: ReturnType<typeof erpKnex>, customers: number, invoices: number): Promise<void> {
  await createErpnextSchema(erp);
  await erp.raw(
    `INSERT INTO \`tabItem\` (\`name\`, \`item_code\`, \`item_name\`, \`valuation_rate\`, \`standard_rate\`, \`is_stock_item\`, \`modified\`, \`creation\`)
     SELECT CONCAT('ITEM-', seq), CONCAT('ITEM-', seq), CONCAT('Товар ', seq), 10 + seq, 20 + 2 * seq, 1,
            TIMESTAMP('2025-01-01'), TIMESTAMP('2025-01-01') FROM seq_1_to_100`,
  );
  await erp.raw(
    `INSERT INTO \`tabCustomer\` (\`name\`, \`customer_name\`, \`customer_type\`, \`customer_group\`, \`territory\`, \`email_id\`, \`mobile_no\`, \`modified\`, \`creation\`)
     SELECT CONCAT('CUST-', LPAD(seq, 8, '0')), CONCAT('ООО Компания ', seq), 'Company', 'Commercial', 'Россия',
            CONCAT('info', seq, '@company', seq, '.ru'), CONCAT('+7 916 ', LPAD(seq, 7, '0')),
            TIMESTAMP('2025-01-01') + INTERVAL seq SECOND, TIMESTAMP('2025-01-01')
       FROM seq_1_to_${customers}`,
  );
  await erp.raw(
    `INSERT INTO \`tabSales Invoice\` (\`name\`, \`customer\`, \`customer_name\`, \`posting_date\`, \`grand_total\`, \`base_grand_total\`, \`net_total\`,
            \`currency\`, \`conversion_rate\`, \`docstatus\`, \`is_return\`, \`status\`, \`is_internal_customer\`, \`modified\`, \`creation\`)
     SELECT CONCAT('SINV-', LPAD(seq, 9, '0')), CONCAT('CUST-', LPAD(1 + seq % ${customers}, 8, '0')), CONCAT('ООО Компания ', 1 + seq % ${customers}),
            DATE('2025-01-01') + INTERVAL (seq % 690) DAY, 100 + seq % 900, 100 + seq % 900, 100 + seq % 900,
            'RUB', 1, CASE WHEN seq % 50 = 0 THEN 2 ELSE 1 END, 0, CASE WHEN seq % 50 = 0 THEN 'Cancelled' ELSE 'Paid' END, 0,
            TIMESTAMP('2025-01-01') + INTERVAL (seq DIV 3) SECOND + INTERVAL 123456 MICROSECOND, TIMESTAMP('2025-01-01')
       FROM seq_1_to_${invoices}`,
  );
  await erp.raw(
    `INSERT INTO \`tabSales Invoice Item\` (\`name\`, \`parent\`, \`parenttype\`, \`parentfield\`, \`idx\`, \`item_code\`, \`qty\`, \`stock_qty\`, \`rate\`, \`amount\`, \`incoming_rate\`, \`modified\`)
     SELECT CONCAT('SII-', s.seq, '-', k.n), CONCAT('SINV-', LPAD(s.seq, 9, '0')), 'Sales Invoice', 'items', k.n,
            CONCAT('ITEM-', 1 + (s.seq + k.n) % 100), k.n, k.n, 50, 50 * k.n, 0, TIMESTAMP('2025-01-01')
       FROM seq_1_to_${invoices} s CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) k`,
  );
  await erp.raw('ANALYZE TABLE `tabSales Invoice`, `tabSales Invoice Item`, `tabCustomer`, `tabItem`');
}
