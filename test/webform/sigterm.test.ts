/**
 * SIGTERM in the middle of a burst of submissions, each on its own connection as senders' servers
 * post: every request answered 2xx is staged, every request gets an answer (2xx, or 503 during
 * the stop's grace) or, once the port is closed, a refused connection; none hangs; the receiver
 * exits 0.
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/connection.js';
import { engineTargets, type EngineTarget } from '../support/engines.js';
import { configDir, startServe } from '../support/receiver.js';
import { siteConfig, warehouseForServe } from './serve-setup.js';

type Outcome = { status: number } | { error: string };

/** One POST on a fresh connection (no keep-alive); never rejects, and gives up after 20 s. */
function post(url: string, i: number): Promise<Outcome> {
  const body = new URLSearchParams({
    Name: `Тестова Анна ${i}`,
    Email: `burst${i}@example.ru`,
    tranid: `b:${i}`,
  }).toString();
  return new Promise((resolve) => {
    const req = http.request(
      `${url}/forms/site`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
        timeout: 20_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode! }));
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ error: `body: ${err.code ?? err.message}` }),
        );
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer in 20 s'), { code: 'TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(body);
  });
}

const targets = (await engineTargets()).filter((t) => t.engine !== 'mysql');

describe.each(targets)('SIGTERM during a burst on $engine', (target: EngineTarget) => {
  const db = warehouseForServe(target);

  it.skipIf(target.unavailable !== null)(
    'stages every 2xx and leaves no request without an answer',
    async () => {
      const d = configDir(siteConfig());
      try {
        const s = await startServe(d.file, db.url);
        const N = 600;
        let answered = 0;
        let exit: Promise<number | null> | null = null;
        const all: Array<Promise<Outcome>> = [];
        // A steady stream, SIGTERM once a quarter has been answered: requests are in flight then.
        for (let i = 0; i < N; i++) {
          all.push(
            post(s.url, i).then((o) => {
              if ('status' in o && ++answered === N / 4) exit = s.stop();
              return o;
            }),
          );
          if (i % 10 === 9) await new Promise((r) => setTimeout(r, 15));
        }
        const outcomes = await Promise.all(all);
        expect(exit).not.toBeNull();
        expect(await exit).toBe(0);

        const tally: Record<string, number> = {};
        for (const o of outcomes) {
          const k = 'status' in o ? String(o.status) : o.error;
          tally[k] = (tally[k] ?? 0) + 1;
        }
        const ok = outcomes.flatMap((o, i) => ('status' in o && o.status === 200 ? [`tilda:b:${i}`] : []));
        // An answer (503 while closing) or, once the port is closed, a refused connection. A
        // connection the kernel completed in the instant between the last accept and the close
        // is reset by the kernel with the listener (its request never reached the receiver, and
        // its sender retries as after a refusal): a few (0–9 of 600 in runs here, more when the
        // event loop is late to the close); without the grace before the close there were
        // hundreds (298 of 400), and with the 503 sent before the body was read, 40–80.
        const other = Object.keys(tally).filter(
          (k) => !['200', '503', 'ECONNREFUSED', 'ECONNRESET'].includes(k),
        );
        expect(other, JSON.stringify(tally)).toEqual([]);
        expect(tally.ECONNRESET ?? 0, JSON.stringify(tally)).toBeLessThanOrEqual(N / 20); // 30: the fixes above are what keeps it from 40–300
        expect(ok.length).toBeGreaterThanOrEqual(N / 4);
        expect(ok.length).toBeLessThan(N); // the signal did come mid-burst

        const wh = await openWarehouse(db.url);
        try {
          const staged = new Set(
            (await wh.knex('stg_interaction').where({ source: 'site' }).pluck('source_key')) as string[],
          );
          expect(ok.filter((k) => !staged.has(k))).toEqual([]);
        } finally {
          await wh.close();
        }
      } finally {
        d.remove();
      }
    },
    120_000,
  );
});
