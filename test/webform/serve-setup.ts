/**
 * What the web-form tests that run `crm-etl serve` against each engine start from: the receiver's
 * config (one Tilda form at /forms/site, a rate limit no test reaches) and, per engine, a migrated
 * warehouse made before the block's tests and dropped after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { migratedWarehouse, type EngineTarget, type TestWarehouse } from '../support/engines.js';

/** The receiver's config; `extra` holds more lines under `receiver:`, indented by two spaces. */
export function siteConfig(extra = ''): string {
  return `
receiver:
  port: 0
  rateLimit: { max: 100000, windowSeconds: 60 }
${extra}
  forms:
    - { name: site, path: /forms/site, preset: tilda }
`;
}

/**
 * A migrated warehouse on `target` for the enclosing describe block, its connection closed (the
 * receiver under test opens its own); `url` is there once the block's tests run. Nothing is made
 * when the engine is unavailable (its tests are skipped).
 */
export function warehouseForServe(target: EngineTarget): { readonly url: string } {
  let db: TestWarehouse | undefined;
  beforeAll(async () => {
    if (target.unavailable) return;
    db = await migratedWarehouse(target);
    await db.wh.close();
  });
  afterAll(async () => {
    await db?.drop().catch(() => undefined);
  });
  return {
    get url(): string {
      if (db === undefined) throw new Error(`no warehouse on ${target.engine}: ${target.unavailable}`);
      return db.url;
    },
  };
}
