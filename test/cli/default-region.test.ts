import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl } from '../support/cli.js';

/**
 * A phone without a country code is read in the config's defaultRegion when --region is not given
 * (it used to be RU whatever the config said); --region still wins. Engine-independent: SQLite.
 */
describe('defaultRegion from the config', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-region-'));
    fs.writeFileSync(path.join(dir, 'clients.csv'), 'Name,Phone\nHans Müller,0664 1234567\n');
    fs.writeFileSync(path.join(dir, 'crm-etl.yaml'), 'defaultRegion: DE\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function stagedPhone(db: string): Promise<unknown> {
    const wh = await openWarehouse(db);
    try {
      return (await wh.knex('stg_contact').first('phone'))?.phone;
    } finally {
      await wh.close();
    }
  }

  it('import reads local numbers in the configured region, and --region overrides it', async () => {
    const db = `sqlite:${path.join(dir, 'de.db')}`;
    const cfg = path.join(dir, 'crm-etl.yaml');
    const args = ['import', path.join(dir, 'clients.csv'), '--source', 'sheet', '--db', db, '--json'];
    const res = crmEtl([...args, '--config', cfg]);
    expect(res.code, res.stderr).toBe(0);
    expect(await stagedPhone(db)).toBe('+496641234567');

    const other = `sqlite:${path.join(dir, 'at.db')}`;
    const res2 = crmEtl([...args.slice(0, -3), '--db', other, '--json', '--config', cfg, '--region', 'at']);
    expect(res2.code, res2.stderr).toBe(0);
    expect(await stagedPhone(other)).toBe('+436641234567');
  });
});
