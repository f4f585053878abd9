/**
 * One daemon for both: crm-etl schedule serves the forms when the config has a receiver: section,
 * and stops them in order on SIGTERM.
 */
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { configDir, postForm, startServe } from '../support/receiver.js';

describe('crm-etl schedule with a receiver', () => {
  it('serves the forms beside the schedule and stops cleanly on SIGTERM', async () => {
    const d = configDir(`
scheduler: { port: 0 }
receiver:
  port: 0
  forms: [{ name: site, path: /forms/site, preset: tilda }]
pipelines:
  nightly:
    schedule: "0 3 * * *"
    steps: [marts]
`);
    const db = `sqlite:${d.dir}/w.db`;
    try {
      const s = await startServe(d.file, db, {}, ['schedule']);
      const res = await postForm(`${s.url}/forms/site`, {
        Name: 'Ким Виктор',
        Phone: '+7 912 555-44-33',
        tranid: 's1',
      });
      expect(res.status).toBe(200);
      expect(await s.stop()).toBe(0);
      expect(s.logs()).toMatch(/scheduler started/);
      const wh = await openWarehouse(db);
      try {
        const rows = (await wh.knex('stg_interaction').select('source', 'source_key', 'phone')) as unknown[];
        expect(rows).toEqual([{ source: 'site', source_key: 'tilda:s1', phone: '+79125554433' }]);
      } finally {
        await wh.close();
      }
    } finally {
      d.remove();
    }
  });
});
