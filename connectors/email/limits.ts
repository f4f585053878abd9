/**
 * What one letter may hold before it is refused: a mailbox is input like any file, and a letter
 * nested a thousand levels deep, cut into ten thousand parts or carrying a megabyte header line
 * costs the parser time and memory out of all proportion to what the connector keeps of it.
 * Each is an environment variable read when a mailbox is opened. A letter over the size limit
 * keeps its head (headers and text come first; the attachments after it are read past, not
 * held) and is loaded with a warning; a letter over any other limit is quarantined with one
 * line naming the limit and how to raise it, and the rest of the mailbox goes on.
 */
import { readEnvLimit, unitScale, type EnvLimit } from '../../lib/env-limit.js';

export interface MailLimit extends EnvLimit {
  unit: 'MB' | 'KB' | 'levels' | 'parts';
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
    out[name] = Math.max(1, readEnvLimit(MAIL_LIMITS[name], env));
  }
  return out;
}

/** "over the limit of 20 levels for MIME nesting in one letter (CRM_ETL_MAX_MIME_DEPTH; set it higher to load it)". */
export function overMailLimit(name: MailLimitName, limits: MailLimits): string {
  const spec: MailLimit = MAIL_LIMITS[name];
  return `over the limit of ${limits[name] / unitScale(spec.unit)} ${spec.unit} for ${spec.what} (set ${spec.env} higher to load it)`;
}
