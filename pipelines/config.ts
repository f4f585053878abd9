import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as NodeCron from 'node-cron';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CONFIG_SCHEMAS, type AnySourceConfig } from '../connectors/index.js';
import { secretValues as sourceSecrets } from '../connectors/secrets.js';
import { ReceiverSchema } from '../connectors/webform/config.js';
import { urlPassword } from '../lib/db-url.js';
import { ConfigError } from '../lib/errors.js';
import { SCOREBOARD_CONFIG_HINT, scoreboardConfigSchema } from '../warehouse/marts/scoreboard-config.js';
import { configProblem } from './config-errors.js';

interface Interpolated {
  name: string;
  value: string;
}

/** `${VAR}` reads the environment: secrets live there, not in the file. */
function interpolate(text: string, file: string, found: Interpolated[] = []): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_m, name: string, fallback?: string) => {
      const value = process.env[name] ?? fallback;
      if (value === undefined) {
        throw new ConfigError(`${file} uses \${${name}}, but the environment variable ${name} is not set`, {
          hint: `Export ${name}, or write \${${name}:-default} for a default`,
        });
      }
      found.push({ name, value });
      return value;
    },
  );
}

/** node-cron, loaded only for a config that has a schedule to check (most commands' configs have none). */
function isCronExpression(expression: string): boolean {
  return (createRequire(import.meta.url)('node-cron') as typeof NodeCron).validate(expression);
}

/** Each connector validates its own part of a source (connectors/index.ts); `connector` picks which. */
const SourceSchema = z.discriminatedUnion(
  'connector',
  Object.values(CONFIG_SCHEMAS) as unknown as [
    z.ZodObject<{ connector: z.ZodLiteral<string> }>,
    ...Array<z.ZodObject<{ connector: z.ZodLiteral<string> }>>,
  ],
) as unknown as z.ZodType<AnySourceConfig>;

export const STEPS = ['extract', 'resolve', 'marts'] as const;

const PipelineSchema = z
  .object({
    schedule: z
      .string()
      .refine(
        isCronExpression,
        'is not a cron expression: 5 fields (minute hour day month weekday), or 6 with seconds first',
      )
      .optional(),
    timezone: z
      .string()
      .refine(isTimeZone, 'is not an IANA time zone such as Europe/Moscow or UTC')
      .optional(),
    sources: z.array(SourceSchema).default([]),
    steps: z
      .array(z.enum(STEPS))
      .min(1)
      .default([...STEPS]),
    /** Extra attempts of a step (of a source, in extract) after a transient failure. */
    retries: z.number().int().min(0).max(10).default(2),
    /** Seconds before the first retry; each further retry waits twice as long (with jitter). */
    retryDelay: z.number().min(0).max(600).default(1),
  })
  .strict();

const WebhookSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    /** Sent with every call, e.g. Authorization: "Bearer ${HOOK_TOKEN}". Values are secrets. */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const SchedulerSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(9464),
    /** 127.0.0.1 unless metrics must be scraped from another machine. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Seconds a run may take to stop after SIGTERM before it is abandoned (killed, recorded failed). */
    grace: z.number().min(0).max(3600).default(30),
    /** Called with {pipeline, run_id, error, finished_at} when a run fails. */
    webhook: WebhookSchema.optional(),
  })
  .strict();

const IdentitySchema = z
  .object({
    /**
     * Sources in order of trust for the golden record: a value from an earlier source wins over
     * the most frequent and the most recent ones (e.g. [erp, sales-sheets]). Unlisted sources come last.
     */
    sourcePriority: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const ConfigSchema = z
  .object({
    warehouse: z.string().optional(),
    defaultRegion: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'a two-letter country code such as RU')
      .transform((s) => s.toUpperCase())
      .default('RU'),
    pipelines: z.record(z.string(), PipelineSchema).default({}),
    scheduler: SchedulerSchema.default({ port: 9464, host: '127.0.0.1', grace: 30 }),
    identity: IdentitySchema.default({ sourcePriority: [] }),
    /** Targets and program costs of the CRM ROI scoreboard (defaults applied by the marts). */
    scoreboard: scoreboardConfigSchema.optional(),
    /** The lead funnel: days a lead has to become a first order to count as converted. */
    funnel: z
      .object({ conversionDays: z.number().int().min(0).max(3650).default(90) })
      .strict()
      .default({ conversionDays: 90 }),
    /** The web-form receiver (crm-etl serve, and crm-etl schedule when present). */
    receiver: ReceiverSchema.optional(),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type PipelineConfig = z.infer<typeof PipelineSchema>;
export type SourceConfig = AnySourceConfig;
export type SchedulerConfig = z.infer<typeof SchedulerSchema>;
export type { ReceiverConfig } from '../connectors/webform/config.js';

export interface LoadedConfig {
  config: Config;
  file: string;
  /** Relative paths in the config are relative to the config file's folder. */
  dir: string;
  /** Secret values the config holds (see secretValues): never to be logged or recorded. */
  secrets?: readonly string[];
}

/** Reads and validates a config file (YAML, or JSON, which is YAML too). */
export function loadConfig(file: string): LoadedConfig {
  if (!fs.existsSync(file)) {
    throw new ConfigError(`Config file not found: ${file}`, {
      hint: 'Pass --config <file> or create crm-etl.config.yaml',
    });
  }
  let raw: unknown;
  const interpolated: Interpolated[] = [];
  try {
    raw = parseYaml(interpolate(fs.readFileSync(file, 'utf8'), file, interpolated));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    // The parser quotes the offending line, which may hold a value read from the environment.
    let first = (err as Error).message.split('\n')[0] ?? '';
    for (const secret of secretValues(undefined, interpolated)) first = first.split(secret).join('***');
    throw new ConfigError(`${file} is not valid YAML/JSON: ${first}`, { cause: err });
  }
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problem = configProblem(parsed.error.issues, raw);
    throw new ConfigError(`${file}: '${problem.key}' ${problem.text}`, {
      hint: problem.section === 'scoreboard' ? SCOREBOARD_CONFIG_HINT : 'See the config example in README.md',
    });
  }
  return {
    config: Object.freeze(parsed.data),
    file,
    dir: path.dirname(path.resolve(file)),
    secrets: Object.freeze(secretValues(parsed.data, interpolated)),
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Names of environment variables whose whole value is a secret. */
const SECRET_NAME = /PASS|PWD|SECRET|TOKEN|KEY|AUTH|CREDENTIAL/i;

/**
 * The values this config must never leak: the secret fields (the warehouse's and ERP sources' URL passwords,
 * the webhook URL, which often embeds its token, and webhook header values), every `${VAR}`
 * whose name says it is a secret, and the password of any URL read from the environment.
 * Other `${VAR}` values (paths, host names) stay visible because errors need them.
 */
function secretValues(config: Config | undefined, interpolated: Interpolated[]): string[] {
  const found = new Set<string>();
  const addUrlPassword = (text: string) => {
    const password = urlPassword(text);
    if (password) found.add(password).add(safeDecode(password));
  };
  for (const { name, value } of interpolated) {
    if (SECRET_NAME.test(name)) found.add(value);
    addUrlPassword(value);
  }
  if (config?.warehouse) addUrlPassword(config.warehouse);
  for (const pipeline of Object.values(config?.pipelines ?? {}))
    for (const src of pipeline.sources)
      for (const value of sourceSecrets(SourceSchema, src)) found.add(value);
  if (config?.receiver) for (const value of sourceSecrets(ReceiverSchema, config.receiver)) found.add(value);
  const hook = config?.scheduler.webhook;
  if (hook) {
    found.add(hook.url);
    for (const value of Object.values(hook.headers)) found.add(value);
  }
  // Very short values would blank out ordinary words in messages.
  return [...found].filter((v) => v.length >= 4);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The config to use: --config, else ./crm-etl.config.yaml|.yml|.json if present. */
export function findConfig(explicit?: string): LoadedConfig | undefined {
  if (explicit) return loadConfig(explicit);
  for (const name of ['crm-etl.config.yaml', 'crm-etl.config.yml', 'crm-etl.config.json']) {
    if (fs.existsSync(name)) return loadConfig(name);
  }
  return undefined;
}
