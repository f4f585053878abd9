import type { Logger } from '../../lib/logger.js';
import type { SchedulerConfig } from '../config.js';

export type WebhookConfig = NonNullable<SchedulerConfig['webhook']>;

/** The JSON POSTed when a scheduled run fails. */
export interface FailurePayload {
  pipeline: string;
  /** null when the run failed before it had an etl_run row (e.g. warehouse unreachable). */
  run_id: number | null;
  status: 'failed';
  error: string;
  finished_at: string;
  host: string;
}

const TIMEOUT_MS = 10_000;

/**
 * POSTs the payload. A webhook that is down must not stop the scheduler, so failures are
 * logged, not thrown. Only the target's origin is logged: many webhook URLs carry their token
 * in the path.
 */
export async function callWebhook(
  hook: WebhookConfig,
  payload: FailurePayload,
  logger: Logger,
): Promise<boolean> {
  const target = safeOrigin(hook.url);
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...hook.headers },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
    if (!res.ok) {
      logger.warn(
        { webhook: target, status: res.status, pipeline: payload.pipeline },
        'failure webhook answered an error',
      );
      return false;
    }
    logger.info(
      { webhook: target, pipeline: payload.pipeline, run_id: payload.run_id },
      'failure webhook called',
    );
    return true;
  } catch (err) {
    const reason =
      (err as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : errorCode(err);
    logger.warn(
      { webhook: target, reason, pipeline: payload.pipeline },
      'failure webhook could not be called',
    );
    return false;
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** fetch wraps the socket error as its cause; the code says enough and carries no URL. */
function errorCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? (err as Error).message;
}
