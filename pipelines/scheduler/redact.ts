import { pino } from 'pino';
import type { Logger } from '../../lib/logger.js';

const CENSOR = '***';

/**
 * Blanks out known secret values wherever they occur in text. pino's redact (lib/logger.ts)
 * removes secrets by key; this catches the same values inside free text, such as a driver
 * error that quotes a connection string.
 */
export class Redactor {
  private readonly secrets: readonly string[];

  constructor(secrets: readonly string[] = []) {
    // Longest first, so a secret that contains another is blanked whole.
    this.secrets = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
    return out;
  }

  /** A copy of a JSON-like value with every string redacted. */
  deep<T>(value: T): T {
    if (this.secrets.length === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.walk(v)]));
    }
    return value;
  }

  /**
   * A child logger whose lines pass through this redactor: logged objects, and errors (their
   * message, stack and driver fields) through the standard serializer first.
   */
  logger(parent: Logger, bindings: Record<string, unknown>): Logger {
    if (this.secrets.length === 0) return parent.child(bindings);
    return parent.child(bindings, {
      serializers: { err: (err: Error) => this.deep({ ...pino.stdSerializers.err(err) }) },
      formatters: { log: (obj: object) => this.deep(obj) },
    });
  }
}
