import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crmEtl } from '../support/cli.js';

interface CheckJson {
  source: string;
  ok: boolean;
  server: string;
  streams: Array<{ name: string; stream: string; ok: boolean; note: string }>;
}

describe('crm-etl check <source>', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-check-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs each stream of the demo's ERP (built on first use) and reports them", () => {
    const res = crmEtl(['check', 'erp', '--json'], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    const report = res.json<CheckJson>();
    expect(report).toMatchObject({ source: 'erp', ok: true, server: expect.stringMatching(/^SQLite 3\./) });
    expect(report.streams.map((s) => [s.name, s.stream, s.ok])).toEqual([
      ['customers', 'contact', true],
      ['contacts', 'contact', true],
      ['invoices', 'order', true],
    ]);
  });

  it('names the stream whose query fails, and exits 4', () => {
    const erp = path.join(dir, 'data', 'demo-erp.db');
    const config = path.join(dir, 'broken.yaml');
    fs.writeFileSync(
      config,
      [
        'pipelines:',
        '  p:',
        '    sources:',
        `      - name: shop`,
        '        connector: erp',
        `        url: "sqlite:${erp}"`,
        '        preset: erpnext',
        '        streams:',
        '          contacts: false',
        '          leads: { stream: contact, table: tabLead, key: name, cursor: modified, columns: { email_id: email } }',
      ].join('\n'),
    );
    const res = crmEtl(['check', 'shop', '--config', config]);
    expect(res.code).toBe(4);
    expect(res.stdout).toMatch(/customers\s+stg_contact\s+ok/);
    expect(res.stdout).not.toMatch(/^contacts/m);
    expect(res.stdout).toMatch(/leads\s+stg_contact\s+FAILED\s+.*tabLead/);
    expect(res.stderr).toContain("Source 'shop' failed its check");
  });

  it('says when the ERP database cannot be reached, and exits 3', () => {
    const config = path.join(dir, 'down.yaml');
    fs.writeFileSync(
      config,
      [
        'pipelines:',
        '  p:',
        '    sources:',
        '      - { name: odoo, connector: erp, url: "postgres://odoo:s3cret-pw@127.0.0.1:1/odoo", preset: odoo }',
      ].join('\n'),
    );
    const res = crmEtl(['check', 'odoo', '--config', config]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(
      /Cannot open the PostgreSQL source 'odoo' at 127\.0\.0\.1:1: connection refused/,
    );
    expect(res.stderr).not.toContain('s3cret-pw');
  });
});
