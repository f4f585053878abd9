import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crmEtl } from '../support/cli.js';

describe('crm-etl grant-bi', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-grant-'));
  const db = `sqlite:${path.join(dir, 'warehouse.db')}`;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('on SQLite: says there are no roles and what to do instead (exit 2)', () => {
    const res = crmEtl(['grant-bi', 'metabase', '--db', db]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/SQLite has no roles or grants\. Give BI tools a copy of the file/);
  });

  it('refuses a password variable that is not set, and odd role names (exit 2)', () => {
    const unset = crmEtl(['grant-bi', 'metabase', '--db', db, '--password-env', 'CRM_TEST_NO_SUCH_VAR']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain(
      '--password-env CRM_TEST_NO_SUCH_VAR: that environment variable is not set',
    );
    const odd = crmEtl(['grant-bi', 'Robert"; DROP TABLE x', '--db', db]);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toContain('is not a usable role name');
  });
});
