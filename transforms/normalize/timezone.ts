/**
 * Naive wall times ("15.01.2023 10:30" from a Moscow office) → UTC instants, using the
 * runtime's ICU time-zone data. No I/O; formatters are cached per zone because building one
 * is far slower than using it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `timeZone` from UTC at the instant `utcMs`, in minutes (Moscow: +180). */
function offsetAt(utcMs: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) parts[p.type] = p.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const asUtc = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * Epoch ms of a wall time (given as if it were UTC) in `timeZone`. At a DST change a repeated
 * wall time takes the earlier instant, and one that never existed (skipped by the clocks going
 * forward) lands an hour earlier: such values are typing errors either way.
 */
export function zonedWallToUtcMs(wallAsUtc: number, timeZone: string): number {
  const first = offsetAt(wallAsUtc, timeZone);
  const guess = wallAsUtc - first * 60_000;
  const second = offsetAt(guess, timeZone);
  return second === first ? guess : wallAsUtc - second * 60_000;
}
