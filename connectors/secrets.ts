/**
 * Secret fields of a connector's config, marked on its schema rather than listed apart, so the
 * schema stays the one source of truth for a field's type, default and secrecy:
 *
 *   password: secret(z.string())              // the whole value
 *   url: secret(z.string().min(1), 'url-password')   // only the password inside a URL
 *
 * secretValues walks a parsed config along its schema and collects what must never be logged.
 */
import { z } from 'zod';
import { urlPassword } from '../lib/db-url.js';

export type SecretKind = 'value' | 'url-password';

const SECRETS = z.registry<{ secret: SecretKind }>();

/** Marks a schema's value as secret (never logged, masked in run history and output). */
export function secret<T extends z.ZodType>(schema: T, kind: SecretKind = 'value'): T {
  SECRETS.add(schema, { secret: kind });
  return schema;
}

/** The secret values a parsed config holds, found by walking it along its schema. */
export function secretValues(schema: z.ZodType, value: unknown): string[] {
  const found: string[] = [];
  walk(schema, value, found);
  return found;
}

function walk(schema: z.ZodType, value: unknown, found: string[]): void {
  if (value === undefined || value === null) return;
  const mark = SECRETS.get(schema);
  if (mark && typeof value === 'string') {
    if (mark.secret === 'value') found.push(value);
    else {
      const password = urlPassword(value);
      if (password) found.push(password, safeDecode(password));
    }
    return;
  }
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return walk(def.innerType as z.ZodType, value, found);
    case 'pipe':
      return walk(def.in as z.ZodType, value, found);
    case 'object':
      if (typeof value === 'object')
        for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>))
          walk(child, (value as Record<string, unknown>)[key], found);
      return;
    case 'array':
      if (Array.isArray(value)) for (const item of value) walk(def.element as z.ZodType, item, found);
      return;
    case 'record':
      if (typeof value === 'object')
        for (const item of Object.values(value as object)) walk(def.valueType as z.ZodType, item, found);
      return;
    case 'union':
      // Every option that the value fits: a secret marked on any of them counts.
      for (const option of def.options as z.ZodType[])
        if (option.safeParse(value).success) walk(option, value, found);
      return;
    default:
      return;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
