/**
 * Value parsers return their failure as data: a row with a bad phone or date is quarantined
 * (or the field dropped) with the reason, and one bad cell must never abort an import.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

const MAX_QUOTED = 60;

/**
 * The raw value as it appears inside a reason. JSON quoting makes leading/trailing spaces and
 * control characters visible; long values are cut so a reason stays one readable line.
 */
export function quote(raw: unknown): string {
  const s = typeof raw === 'string' ? raw : String(raw);
  const cut = s.length > MAX_QUOTED ? `${s.slice(0, MAX_QUOTED)}…` : s;
  return JSON.stringify(cut);
}
