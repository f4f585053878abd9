import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../lib/errors.js';

/** `${VAR}` reads the environment: secrets live there, not in the file. */
function interpolate(text: string, file: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback?: string) => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) {
      throw new ConfigError(`${file} uses \${${name}}, but the environment variable ${name} is not set`, {
        hint: `Export ${name}, or write \${${name}:-default} for a default`,
      });
    }
    return value;
  });
}

const SourceSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'letters, digits and . _ : - only'),
    connector: z.enum(['spreadsheet']),
    path: z.union([z.string(), z.array(z.string()).min(1)]),
    mapping: z.string().optional(),
    sheet: z.string().optional(),
  })
  .strict();

export const STEPS = ['extract', 'resolve', 'marts'] as const;

const PipelineSchema = z
  .object({
    schedule: z.string().optional(),
    timezone: z.string().optional(),
    sources: z.array(SourceSchema).default([]),
    steps: z.array(z.enum(STEPS)).min(1).default([...STEPS]),
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
    /** Validated by the marts when they use it. */
    scoreboard: z.unknown().optional(),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type PipelineConfig = z.infer<typeof PipelineSchema>;
export type SourceConfig = z.infer<typeof SourceSchema>;

export interface LoadedConfig {
  config: Config;
  file: string;
  /** Relative paths in the config are relative to the config file's folder. */
  dir: string;
}

/** Reads and validates a config file (YAML, or JSON, which is YAML too). */
export function loadConfig(file: string): LoadedConfig {
  if (!fs.existsSync(file)) {
    throw new ConfigError(`Config file not found: ${file}`, { hint: 'Pass --config <file> or create crm-etl.config.yaml' });
  }
  let raw: unknown;
  try {
    raw = parseYaml(interpolate(fs.readFileSync(file, 'utf8'), file));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`${file} is not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    throw new ConfigError(`${file}: '${key}' ${describeIssue(issue)}`, {
      hint: 'See the config example in README.md',
    });
  }
  return { config: Object.freeze(parsed.data), file, dir: path.dirname(path.resolve(file)) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `has unknown key(s) ${issue.keys.join(', ')}`;
  return issue.message.replace(/^Invalid input: /, 'is invalid: ');
}

/** The config to use: --config, else ./crm-etl.config.yaml|.yml|.json if present. */
export function findConfig(explicit?: string): LoadedConfig | undefined {
  if (explicit) return loadConfig(explicit);
  for (const name of ['crm-etl.config.yaml', 'crm-etl.config.yml', 'crm-etl.config.json']) {
    if (fs.existsSync(name)) return loadConfig(name);
  }
  return undefined;
}
