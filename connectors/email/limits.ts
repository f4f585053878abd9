/**
 * What one letter may hold before it is refused: a mailbox is input like any file, and a letter
 * nested a thousand levels deep, cut into ten thousand parts or carrying a megabyte header line
 * costs the parser time and memory out of all proportion to what the connector keeps of it.
 * Each is an environment variable read when a mailbox is opened. A letter over the size limit
 * keeps its head (headers and text come first; the attachments after it are read past, not
 * held) and is loaded with a warning; a letter over any other limit is quarantined with one
 * line naming the limit and how to raise it, and the rest of the mailbox goes on.
 */
import { ConfigError } from '../../lib/errors.js';

export interface MailLimit {
  env: string;
  fallback: number;
  unit: 'MB' | 'KB' | 'levels' | 'parts';
  what: string;
}

export const MAIL_LIMITS = Object.freeze({
  size: { env: 'CRM_ETL_MAX_MAIL_MB', fallback: 4, unit: 'MB', what: 'one letter (read this far)' },
  depth: { env: 'CRM_ETL_MAX_MIME_DEPTH', fallback: 20, unit: 'levels', what: 'MIME nesting in one letter' },
  parts: { env: 'CRM_ETL_MAX_MIME_PARTS', fallback: 500, unit: 'parts', what: 'MIME parts in one letter' },
  headers: {
    env: 'CRM_ETL_MAX_MAIL_HEADER_KB',
    fallback: 256,
    unit: 'KB',
    what: 'the headers of one letter (all its parts together)',
  },
} satisfies Record<string, MailLimit>);

export type MailLimitName = keyof typeof MAIL_LIMITS;

/** Each limit's value: bytes for MB and KB limits, a count for the others. */
export type MailLimits = Record<MailLimitName, number>;

export function mailLimits(env: NodeJS.ProcessEnv = process.env): MailLimits {
  const out = {} as MailLimits;
  for (const name of Object.keys(MAIL_LIMITS) as MailLimitName[]) {
    const spec: MailLimit = MAIL_LIMITS[name];
    const given = env[spec.env];
    let value = spec.fallback;
    if (given !== undefined && given.trim() !== '') {
      value = Number(given);
      if (!Number.isFinite(value) || value <= 0) {
        throw new ConfigError(`${spec.env}=${JSON.stringify(given)} is not a positive number`, {
          hint: `Set it to a number of ${spec.unit}, or unset it for the default (${spec.fallback})`,
        });
      }
    }
    const scale = spec.unit === 'MB' ? 1_000_000 : spec.unit === 'KB' ? 1_000 : 1;
    out[name] = Math.max(1, Math.floor(value * scale));
  }
  return out;
}

/** "over the limit of 20 levels for MIME nesting in one letter (CRM_ETL_MAX_MIME_DEPTH; set it higher to load it)". */
export function overMailLimit(name: MailLimitName, limits: MailLimits): string {
  const spec: MailLimit = MAIL_LIMITS[name];
  const scale = spec.unit === 'MB' ? 1_000_000 : spec.unit === 'KB' ? 1_000 : 1;
  return `over the limit of ${limits[name] / scale} ${spec.unit} for ${spec.what} (set ${spec.env} higher to load it)`;
}
