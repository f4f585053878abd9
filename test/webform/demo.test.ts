/**
 * The demo's web forms (npm start): the bundled submissions are posted to the receiver over HTTP
 * and staged as leads before the pipeline runs — the probe and the honeypot hit stage nothing, the
 * Tilda retry is a duplicate, the one with nobody to reach is quarantined — and a second demo run
 * adds no lead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { crmEtl } from '../support/cli.js';

describe('the demo posts its web-form samples', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-demo-web-'));
  const db = `sqlite:${path.join(dir, 'warehouse.db')}`;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stages four leads, quarantines one, skips the bot, and stays the same on a second run', async () => {
    const counts = async () => {
      const wh = await openWarehouse(db);
      try {
        const leads = (await wh
          .knex('stg_interaction')
          .where({ channel: 'web' })
          .orderBy('source_key')
          .select('source', 'source_key', 'email', 'phone')) as Array<Record<string, string | null>>;
        const quarantined = (await wh
          .knex('stg_quarantine')
          .whereIn('source', ['site', 'contact', 'landing'])
          .select('reason')) as Array<{ reason: string }>;
        return { leads, quarantined };
      } finally {
        await wh.close();
      }
    };
    const first = crmEtl(['run', 'demo', '--db', db], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/8 sample submissions posted/);
    expect(first.stdout).toMatch(/\/forms\/contact\s+303/);
    const once = await counts();
    expect(once.leads.map((l) => l.source_key)).toEqual([
      'id:c-20260301-001',
      'tilda:5120431:7730911',
      'tilda:5120431:7730958',
      'wh:msg_2Lh7Ad1',
    ]);
    expect(once.leads.map((l) => l.email)).not.toContain('seo@spam.example');
    expect(once.quarantined).toHaveLength(1);
    expect(once.quarantined[0]!.reason).toMatch(/no e-mail or phone/);

    const second = crmEtl(['run', 'demo', '--db', db], { cwd: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(await counts()).toEqual(once);
  }, 300_000);
});
