import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ConnectionError, SourceError } from '../../lib/errors.js';
import { openWarehouse } from '../../warehouse/connection.js';
import { backoffDelay, classifyFailure, withRetry, type RetryPolicy } from '../../pipelines/retry.js';
import { engineTargets, freshDatabase } from '../support/engines.js';
import { captureLogger } from './support/capture-logger.js';

const targets = await engineTargets();

const driverError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  it.each([
    ['40001', 'PostgreSQL serialization failure'],
    ['40P01', 'PostgreSQL deadlock'],
    ['55P03', 'PostgreSQL lock_timeout'],
    ['57P01', 'PostgreSQL admin shutdown'],
    ['08006', 'PostgreSQL connection failure'],
    ['08001', 'PostgreSQL cannot connect'],
    ['ER_LOCK_DEADLOCK', 'MySQL deadlock'],
    ['ER_LOCK_WAIT_TIMEOUT', 'MySQL lock wait timeout'],
    ['PROTOCOL_CONNECTION_LOST', 'MySQL connection lost'],
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['SQLITE_BUSY', 'SQLite busy'],
  ])('%s (%s) is transient', (code) => {
    expect(classifyFailure(driverError(code))).toBe('transient');
  });

  it.each([
    ['42601', 'PostgreSQL syntax error'],
    ['42P01', 'PostgreSQL undefined table'],
    ['28P01', 'PostgreSQL bad password'],
    ['23505', 'PostgreSQL unique violation'],
    ['ER_PARSE_ERROR', 'MySQL syntax error'],
    ['ER_ACCESS_DENIED_ERROR', 'MySQL bad credentials'],
    ['ENOENT', 'missing file'],
  ])('%s (%s) is permanent', (code) => {
    expect(classifyFailure(driverError(code))).toBe('permanent');
  });

  it('looks through causes and AggregateErrors, but our permanent errors win', () => {
    const refused = driverError('ECONNREFUSED');
    expect(classifyFailure(new ConnectionError('cannot open', { cause: refused }))).toBe('transient');
    expect(classifyFailure(new AggregateError([driverError('ECONNREFUSED')], 'connect failed'))).toBe(
      'transient',
    );
    expect(classifyFailure(new ConnectionError('denied', { cause: driverError('28P01') }))).toBe('permanent');
    expect(classifyFailure(new ConfigError('bad key', { cause: refused }))).toBe('permanent');
    expect(classifyFailure(new SourceError('no file'))).toBe('permanent');
    expect(classifyFailure(new Error('Connection terminated unexpectedly'))).toBe('transient');
    expect(classifyFailure('a string')).toBe('permanent');
  });

  it('classifies what the real drivers throw', async () => {
    // Nothing listens on port 1.
    const refused = await openWarehouse('postgres://postgres@127.0.0.1:1/none').catch((e: unknown) => e);
    expect(classifyFailure(refused)).toBe('transient');
    const mysql = targets.find((t) => t.engine === 'mysql')!;
    if (!mysql.unavailable) {
      const badPassword = mysql.serverUrl.replace(/\/\/([^:@/]+)(:[^@]*)?@/, '//$1:certainly-wrong@');
      const denied = await openWarehouse(badPassword).catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(ConnectionError);
      expect(classifyFailure(denied)).toBe('permanent');
    }
  });

  describe.each(targets.filter((t) => t.engine !== 'sqlite'))('on $engine', (target) => {
    let db: Awaited<ReturnType<typeof freshDatabase>>;
    let wh: Awaited<ReturnType<typeof openWarehouse>>;
    beforeAll(async () => {
      if (target.unavailable) return;
      db = await freshDatabase(target);
      wh = await openWarehouse(db.url);
      await wh.knex.schema.createTable('t', (t) => {
        t.integer('id').primary();
        t.integer('v');
      });
      await wh.knex('t').insert([
        { id: 1, v: 0 },
        { id: 2, v: 0 },
      ]);
    });
    afterAll(async () => {
      await wh?.close();
      await db?.drop();
    });

    it.skipIf(target.unavailable)('bad SQL is permanent, a real deadlock is transient', async () => {
      const bad = await wh.knex.raw('SELEC 1').catch((e: unknown) => e);
      expect(classifyFailure(bad)).toBe('permanent');

      // Two transactions lock rows 1 and 2, then each wants the other's: the engine kills one.
      const gate = barrier(2);
      const cross = (first: number, second: number) =>
        wh.knex.transaction(async (trx) => {
          await trx('t').where({ id: first }).update({ v: 1 });
          await gate();
          await trx('t').where({ id: second }).update({ v: 1 });
        });
      const results = await Promise.allSettled([cross(1, 2), cross(2, 1)]);
      const victims = results.filter((r) => r.status === 'rejected');
      expect(victims).toHaveLength(1);
      expect(classifyFailure((victims[0] as PromiseRejectedResult).reason)).toBe('transient');
    });
  });
});

/** Resolves once `n` callers are waiting: both transactions hold their first lock. */
function barrier(n: number): () => Promise<void> {
  let waiting = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++waiting === n) release();
    return all;
  };
}

describe('backoff', () => {
  const policy: RetryPolicy = { retries: 5, baseMs: 1000, maxMs: 5000 };

  it('doubles from the base, capped, with half of each delay random', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0))).toEqual([500, 1000, 2000, 2500]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 1))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay(30, policy, () => 0.5)).toBe(3750);
  });
});

describe('withRetry', () => {
  const fast: RetryPolicy = { retries: 3, baseMs: 5, maxMs: 20 };

  it('retries transient failures, logging every failed attempt', async () => {
    const { logger, lines } = captureLogger();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw driverError('40P01', 'deadlock detected');
        return 'done';
      },
      { policy: fast, logger },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
    const failed = lines.filter((l) => l.msg === 'transient failure, will retry');
    expect(failed.map((l) => [l.attempt, l.attempts])).toEqual([
      [1, 4],
      [2, 4],
    ]);
    expect(lines.filter((l) => l.msg === 'retrying').map((l) => l.attempt)).toEqual([2, 3]);
  });

  it('does not retry permanent failures', async () => {
    const { logger, lines } = captureLogger();
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new ConfigError('bad config');
      },
      { policy: fast, logger },
    );
    await expect(failing).rejects.toThrow('bad config');
    expect(calls).toBe(1);
    expect(lines).toEqual([]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const { logger, lines } = captureLogger();
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw driverError('ECONNRESET', `reset ${calls}`);
      },
      { policy: fast, logger },
    );
    await expect(failing).rejects.toThrow('reset 4');
    expect(calls).toBe(4);
    expect(lines.at(-1)).toMatchObject({ msg: 'transient failure, no attempts left', attempt: 4 });
  });

  it('stops waiting and retrying once the run is interrupted', async () => {
    const { logger } = captureLogger();
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const failing = withRetry(
      async () => {
        calls++;
        setTimeout(() => controller.abort(new Error('interrupted by SIGTERM')), 10);
        throw driverError('ECONNRESET');
      },
      { policy: { retries: 3, baseMs: 60_000, maxMs: 60_000 }, logger, signal: controller.signal },
    );
    await expect(failing).rejects.toThrow('ECONNRESET');
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
