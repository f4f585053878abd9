/**
 * A submission first quarantined (nobody to reach) and later sent again under the same id with an
 * e-mail is staged, and its earlier reject goes in the same transaction; the rejects of other
 * keys stay. On every engine: the look-up of earlier rejects is a UNION with the staged-key check.
 */
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { engineTargets, type EngineTarget } from '../support/engines.js';
import { configDir, postForm, startServe } from '../support/receiver.js';
import { siteConfig, warehouseForServe } from './serve-setup.js';

describe.each(await engineTargets())(
  'a re-sent quarantined submission on $engine',
  (target: EngineTarget) => {
    const db = warehouseForServe(target);

    it.skipIf(target.unavailable !== null)('is staged and its earlier reject removed', async () => {
      const d = configDir(siteConfig());
      const s = await startServe(d.file, db.url);
      try {
        const post = (fields: Record<string, string>) => postForm(`${s.url}/forms/site`, fields);
        expect((await post({ Name: 'Аноним Один', tranid: 't:1' })).status).toBe(200);
        expect((await post({ Name: 'Аноним Два', tranid: 't:2' })).status).toBe(200);
        const wh = await openWarehouse(db.url);
        try {
          const rejects = async () =>
            (await wh
              .knex('stg_quarantine')
              .where({ source: 'site' })
              .orderBy('file')
              .pluck('file')) as string[];
          expect(await rejects()).toEqual(['/forms/site#tilda:t:1', '/forms/site#tilda:t:2']);

          // t:1 again, now with an e-mail, in a batch with a new lead.
          const [again, other] = await Promise.all([
            post({ Name: 'Аноним Один', Email: 'one@example.ru', tranid: 't:1' }),
            post({ Name: 'Третья', Email: 'three@example.ru', tranid: 't:3' }),
          ]);
          expect([again.status, other.status]).toEqual([200, 200]);
          expect(
            (await wh
              .knex('stg_interaction')
              .where({ source: 'site' })
              .orderBy('source_key')
              .pluck('source_key')) as string[],
          ).toEqual(['tilda:t:1', 'tilda:t:3']);
          expect(await rejects()).toEqual(['/forms/site#tilda:t:2']);
        } finally {
          await wh.close();
        }
      } finally {
        expect(await s.stop()).toBe(0);
        d.remove();
      }
    });
  },
);
