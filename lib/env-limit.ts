import { ConfigError } from './errors.js';

/** A limit a user may raise through an environment variable, in a unit they can read. */
export interface EnvLimit {
  env: string;
  /** The default, in `unit`. */
  fallback: number;
  /** MB and KB are scaled to bytes (or characters); any other unit is a count. */
  unit: string;
  what: string;
}

/** What one `unit` is in bytes (MB, KB, as 10^6 and 10^3) or in a count (1). */
export function unitScale(unit: string): number {
  return unit === 'MB' ? 1_000_000 : unit === 'KB' ? 1_000 : 1;
}

/** The limit's value in bytes or as a count: the variable's, else the default; not a positive number is a ConfigError. */
export function readEnvLimit(spec: EnvLimit, env: NodeJS.ProcessEnv = process.env): number {
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
  return Math.floor(value * unitScale(spec.unit));
}
