import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl } from '../support/cli.js';
import { engineTargets, freshDatabase } from '../support/engines.js';

const targets = await engineTargets();

const LINK = '=HYPERLINK("http://evil.example","click")';

/**
 * A formula in a CSV cell and in XLSX cells (a text cell, and a formula cell never calculated,
 * which the reader gives as its formula text) followed to the golden record, the quarantine's raw
 * row and the rejects report.
 */
describe.each(targets)('formulas from a CSV and an XLSX on $engine', (target) => {
  let db: { url: string; drop(): Promise<void> };
  let dir: string;

  beforeAll(async () => {
    if (target.unavailable) return;
    db = await freshDatabase(target);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-formulas-'));
    fs.writeFileSync(
      path.join(dir, 'clients.csv'),
      [
        'Note,Client ID,Name,Email,Company,Phone,Manager',
        `x,C1,Ivan Petrov,ivan@example.com,"${LINK.replace(/"/g, '""')}",+7 916 111-22-33,@SUM(A1:A9)`,
        // Data, not formulas: a signed number and a phone in text columns.
        'y,C2,Anna Smirnova,anna@example.com,-5,+7 916 222-33-44,+7 916 222-33-44',
        // No identity: rejected. The first row's raw text starts with a quote (no formula to a
        // spreadsheet), the second's with a formula.
        `"${LINK.replace(/"/g, '""')}",C3,,,,,`,
        "=cmd|' /C calc'!A0,C4,,,,,",
      ].join('\n') + '\n',
    );
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('Clients');
    sheet.addRow(['Client ID', 'Name', 'Email', 'Company']);
    sheet.addRow(['X1', 'Petr Sidorov', 'petr@example.com', LINK]);
    sheet.addRow([
      'X2',
      'Olga Popova',
      'olga@example.com',
      { formula: 'HYPERLINK("http://evil.example","go")' },
    ]);
    await wb.xlsx.writeFile(path.join(dir, 'clients.xlsx'));
    expect(crmEtl(['migrate', '--db', db.url]).code).toBe(0);
  });
  afterAll(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it.skipIf(target.unavailable)(
    'are inert in dim_customer and the rejects file, verbatim in the raw lineage',
    async () => {
      for (const [file, source] of [
        ['clients.csv', 'csv'],
        ['clients.xlsx', 'xlsx'],
      ] as const) {
        const res = crmEtl(['import', path.join(dir, file), '--source', source, '--db', db.url, '--json']);
        expect(res.code, res.stderr).toBe(0);
      }
      const resolved = crmEtl(['resolve', '--db', db.url]);
      expect(resolved.code, resolved.stderr).toBe(0);

      const wh = await openWarehouse(db.url);
      try {
        const golden = (await wh
          .knex('dim_customer')
          .orderBy('email')
          .select('email', 'company', 'owner')) as Array<Record<string, string | null>>;
        expect(golden).toEqual([
          { email: 'anna@example.com', company: '-5', owner: '+7 916 222-33-44' },
          { email: 'ivan@example.com', company: `'${LINK}`, owner: "'@SUM(A1:A9)" },
          { email: 'olga@example.com', company: `'=HYPERLINK("http://evil.example","go")`, owner: null },
          { email: 'petr@example.com', company: `'${LINK}`, owner: null },
        ]);
        const raw = (await wh.knex('stg_quarantine').orderBy('line').select('source', 'raw')) as Array<
          Record<string, string>
        >;
        expect(raw).toEqual([
          { source: 'csv', raw: `"${LINK.replace(/"/g, '""')}",C3,,,,,` },
          { source: 'csv', raw: "=cmd|' /C calc'!A0,C4,,,,," },
        ]);
      } finally {
        await wh.close();
      }
      const rejects = fs.readFileSync(path.join(dir, 'clients.rejects.csv'), 'utf8');
      // Each raw row is one cell of the report; the one a spreadsheet would run is led by an apostrophe.
      const rows = rejects.split('\n').slice(1, -1);
      expect(rows).toHaveLength(2);
      expect(rows[0]!.endsWith(',"""=HYPERLINK(""""http://evil.example"""",""""click"""")"",C3,,,,,"')).toBe(
        true,
      );
      expect(rows[1]!.endsWith(`,"'=cmd|' /C calc'!A0,C4,,,,,"`)).toBe(true);
    },
  );
});
