import { ConfigError, NotImplementedError, SourceError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { RETRYABLE_CODES, RETRYABLE_MESSAGES } from '../warehouse/engines/errors.js';

export type FailureKind = 'transient' | 'permanent';

/**
 * Whether retrying can help: only for a driver error whose code or message the engines list as
 * retryable (warehouse/engines/errors.ts). Walks the cause chain (our errors wrap driver errors)
 * and AggregateErrors (Node's connect tries every address of a host); our own config, source and
 * not-implemented errors are permanent whatever they wrap.
 */
export function classifyFailure(err: unknown): FailureKind {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  let transient = false;
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (e instanceof ConfigError || e instanceof SourceError || e instanceof NotImplementedError)
      return 'permanent';
    if ((e as Error).name === 'AbortError') return 'permanent';
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) transient = true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && RETRYABLE_MESSAGES.some((re) => re.test(message))) transient = true;
    queue.push((e as { cause?: unknown }).cause);
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return transient ? 'transient' : 'permanent';
}

export interface RetryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** Delay before the first retry; each further retry doubles it. */
  baseMs: number;
  /** No single wait is longer than this. */
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  retries: 2,
  baseMs: 1_000,
  maxMs: 10 * 60_000,
});

/**
 * Exponential backoff with "equal jitter": half the exponential delay is fixed, half random.
 * The fixed half keeps a floor under the wait (a deadlock victim should not retry at once);
 * the random half spreads out two schedulers that failed on the same deadlock together.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export interface RetryOptions {
  policy: RetryPolicy;
  logger: Logger;
  /** An aborted run does not start another attempt. */
  signal?: AbortSignal;
  random?: () => number;
  /** Called before each retry (for counting). */
  onRetry?: (attempt: number, err: unknown) => void;
}

/**
 * Runs `work` and, on a transient failure, runs it again after a backoff, up to
 * `policy.retries` more times. Only idempotent work belongs here: a staging upsert or a
 * rebuild repeats without harm. Every failed attempt is logged with what happens next.
 */
export async function withRetry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.policy.retries + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt > 1) options.logger.info({ attempt, attempts }, 'retrying');
      return await work(attempt);
    } catch (err) {
      const kind = classifyFailure(err);
      if (kind === 'permanent' || attempt >= attempts || options.signal?.aborted) {
        if (kind === 'transient') {
          options.logger.warn({ attempt, attempts, err }, 'transient failure, no attempts left');
        }
        throw err;
      }
      const delayMs = backoffDelay(attempt, options.policy, options.random);
      options.logger.warn({ attempt, attempts, delay_ms: delayMs, err }, 'transient failure, will retry');
      options.onRetry?.(attempt + 1, err);
      await sleep(delayMs, options.signal);
      // Interrupted while waiting: report the failure we have rather than start over.
      if (options.signal?.aborted) throw err;
    }
  }
}

/** Waits `ms`, or less if the signal aborts (the caller then sees the abort and stops). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
