/**
 * Signature checks over the raw bytes of a request, in constant time (crypto.timingSafeEqual on
 * equal-length digests), with node:crypto's HMAC: Standard Webhooks (HMAC-SHA256 over
 * `id.timestamp.body`, 5-minute tolerance against replays) and Typeform (`sha256=` + base64 HMAC
 * of the body). The `standardwebhooks` package signs with a pure-JS SHA-256 and throws on a bad
 * signature; node:crypto's native HMAC costs a fraction of it on every request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Standard Webhooks' tolerance for a sender's clock and a retry's delay. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export type Verdict = { ok: true } | { ok: false; reason: string };

/** The key bytes of a Standard Webhooks secret: `whsec_` + base64, else the text itself. */
function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

function sameDigest(expected: Buffer, given: string): boolean {
  const g = Buffer.from(given, 'base64');
  // Different lengths cannot match, and timingSafeEqual needs equal ones: only the length leaks.
  return g.length === expected.length && timingSafeEqual(g, expected);
}

export function verifyStandardWebhook(
  secret: string,
  headers: { id?: string; timestamp?: string; signature?: string },
  raw: Buffer,
  nowMs: number,
): Verdict {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature)
    return { ok: false, reason: 'missing webhook-id, -timestamp or -signature' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not a number' };
  const age = Math.abs(nowMs / 1000 - Number(timestamp));
  if (age > TIMESTAMP_TOLERANCE_SECONDS)
    return { ok: false, reason: 'webhook-timestamp outside the tolerance' };
  const expected = createHmac('sha256', standardKey(secret))
    .update(`${id}.${timestamp}.`)
    .update(raw)
    .digest();
  // Several signatures may be sent at once (a rotated secret): `v1,<b64> v1,<b64>`.
  for (const part of signature.split(' ')) {
    const [version, sig] = part.split(',', 2);
    if (version === 'v1' && sig !== undefined && sameDigest(expected, sig)) return { ok: true };
  }
  return { ok: false, reason: 'no matching signature' };
}

export function verifyTypeform(secret: string, header: string | undefined, raw: Buffer): Verdict {
  if (!header?.startsWith('sha256=')) return { ok: false, reason: 'missing Typeform-Signature' };
  const expected = createHmac('sha256', secret).update(raw).digest();
  return sameDigest(expected, header.slice(7))
    ? { ok: true }
    : { ok: false, reason: 'no matching signature' };
}

/** A shared key (Tilda's API key) compared in constant time. */
export function sameKey(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHmac('sha256', 'key').update(expected).digest();
  const b = createHmac('sha256', 'key').update(given).digest();
  return timingSafeEqual(a, b);
}
