/**
 * Whether a scheduled pipeline missed its last run: the latest time its cron expression fired
 * before now, against its last successful run. A small matcher of the five cron fields (an
 * optional leading seconds field is ignored): *, lists, ranges, steps, month and weekday names.
 */
const NAMES: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};
const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function field(text: string, [lo, hi]: [number, number]): Set<number> | null {
  const out = new Set<number>();
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : NAMES[s.toLowerCase()]);
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let from = lo;
    let to = hi;
    if (range !== '*') {
      const [a, b] = range.split('-');
      const first = num(a ?? '');
      const last = b === undefined ? (stepText === undefined ? first : hi) : num(b);
      if (first === undefined || last === undefined) return null;
      [from, to] = [first, last];
    }
    if (!Number.isInteger(step) || step < 1 || from < lo || to > hi) return null;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

/** The latest minute at or before `now` the expression fires at, in `timeZone`; null if it cannot tell. */
export function previousFire(expression: string, now: Date, timeZone = 'UTC', maxDays = 35): Date | null {
  let parts = expression.trim().split(/\s+/);
  if (parts.length === 6) parts = parts.slice(1);
  if (parts.length !== 5) return null;
  const sets = parts.map((p, i) => field(p, RANGES[i]!));
  if (sets.some((s) => s === null)) return null;
  const [min, hour, dom, mon, dow] = sets as Array<Set<number>>;
  if (dow!.has(7)) dow!.add(0);
  const domAny = parts[2] === '*';
  const dowAny = parts[4] === '*';
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    minute: 'numeric',
    hour: 'numeric',
    day: 'numeric',
    month: 'numeric',
    weekday: 'short',
  });
  const wd: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
  let t = Math.floor(now.getTime() / 60_000) * 60_000;
  for (let i = 0; i < maxDays * 1440; i++, t -= 60_000) {
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    if (!min!.has(Number(p.minute)) || !hour!.has(Number(p.hour)) || !mon!.has(Number(p.month))) continue;
    // Cron's rule: with both day fields restricted, either one matching is enough.
    const d = dom!.has(Number(p.day));
    const w = dow!.has(wd[p.weekday!] ?? -1);
    if (domAny && dowAny ? true : domAny ? w : dowAny ? d : d || w) return new Date(t);
  }
  return null;
}

export interface Overdue {
  pipeline: string;
  schedule: string;
  expected_at: string;
  last_success_at: string | null;
}

/** A scheduled pipeline is overdue when no successful run started since its last fire (plus a grace). */
export function overdueSchedules(
  schedules: ReadonlyArray<{ pipeline: string; schedule: string; timezone?: string }>,
  lastSuccess: ReadonlyMap<string, string | null>,
  now: Date,
  graceMinutes = 15,
): Overdue[] {
  const out: Overdue[] = [];
  for (const s of schedules) {
    const fired = previousFire(s.schedule, new Date(now.getTime() - graceMinutes * 60_000), s.timezone);
    if (!fired) continue;
    const ok = lastSuccess.get(s.pipeline) ?? null;
    if (ok === null || Date.parse(ok) < fired.getTime()) {
      out.push({
        pipeline: s.pipeline,
        schedule: s.schedule,
        expected_at: fired.toISOString(),
        last_success_at: ok,
      });
    }
  }
  return out;
}
