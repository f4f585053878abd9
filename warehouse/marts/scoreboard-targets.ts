import type { Warehouse } from '../connection.js';
import {
  parseScoreboardConfig,
  type ScoreboardConfig,
  type ScoreboardConfigInput,
} from './scoreboard-config.js';

/** Where the scoreboard section in use came from: the config file, the warehouse, or the defaults. */
export type ScoreboardOrigin = 'config' | 'warehouse' | 'defaults';

const text = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
const SETTINGS_KEYS = ['period', 'attributionShare', 'programCosts', 'currency'] as const;

/** The section without its targets, as stored in scoreboard_settings (stable key order). */
function settingsOf(config: ScoreboardConfig): string {
  return JSON.stringify(
    Object.fromEntries(SETTINGS_KEYS.map((k) => [k, config[k as keyof ScoreboardConfig] ?? null])),
  );
}

const targetKey = (t: ScoreboardConfig['indicators'][number]) =>
  JSON.stringify([t.indicator, t.horizon, t.target, t.due, t.baseline ?? null]);

/** The scoreboard section last recorded in the warehouse, or null when none ever was. */
export async function storedScoreboard(wh: Warehouse): Promise<ScoreboardConfig | null> {
  const [settings] = (await wh
    .knex('scoreboard_settings')
    .whereNull('valid_to')
    .orderBy('settings_id', 'desc')
    .limit(1)) as Array<{
    settings: unknown;
  }>;
  if (!settings) return null;
  const rows = (await wh.knex('scoreboard_target').whereNull('valid_to').orderBy('indicator')) as Array<
    Record<string, unknown>
  >;
  const section = wh.adapter.parseJson(settings.settings) as Record<string, unknown>;
  for (const k of Object.keys(section)) if (section[k] === null) delete section[k];
  return parseScoreboardConfig(
    {
      ...section,
      indicators: rows.map((r) => ({
        indicator: String(r.indicator),
        horizon: r.horizon as 'short' | 'long',
        target: Number(r.target),
        due: text(r.due_date).slice(0, 10),
        ...(r.baseline === null || r.baseline === undefined ? {} : { baseline: Number(r.baseline) }),
      })),
    },
    'scoreboard (stored in the warehouse)',
  );
}

/**
 * The scoreboard section a marts build uses: the one given (from the config file), else the one
 * last recorded in the warehouse, so `crm-etl marts` without --config keeps the targets instead of
 * blanking every status. Reads only: a given section is recorded by recordScoreboard once the
 * build that used it has succeeded.
 */
export async function scoreboardInUse(
  wh: Warehouse,
  given: ScoreboardConfigInput | ScoreboardConfig | undefined,
): Promise<{ config: ScoreboardConfig; origin: ScoreboardOrigin }> {
  if (given !== undefined) return { config: parseScoreboardConfig(given), origin: 'config' };
  const stored = await storedScoreboard(wh);
  return stored
    ? { config: stored, origin: 'warehouse' }
    : { config: parseScoreboardConfig({}), origin: 'defaults' };
}

/**
 * Records the section a successful build used: each changed target closes its current row
 * (valid_to) and opens a new one, so the warehouse keeps the history of targets. Called by
 * buildMarts under its lock after the swap, so a build that failed (or lost the lock to another)
 * records nothing, and two builds never interleave their records.
 */
export async function recordScoreboard(
  wh: Warehouse,
  config: ScoreboardConfig,
  now: Date = new Date(),
): Promise<void> {
  const at = wh.adapter.timestamp(now);
  await wh.knex.transaction(async (trx) => {
    const current = (await trx('scoreboard_target').whereNull('valid_to')) as Array<Record<string, unknown>>;
    const currentKeys = new Map(
      current.map((r) => [
        targetKey({
          indicator: String(r.indicator),
          horizon: r.horizon as 'short' | 'long',
          target: Number(r.target),
          due: text(r.due_date).slice(0, 10),
          baseline: r.baseline === null || r.baseline === undefined ? undefined : Number(r.baseline),
        }),
        r.target_id,
      ]),
    );
    const wanted = new Set(config.indicators.map(targetKey));
    const gone = [...currentKeys].filter(([k]) => !wanted.has(k)).map(([, id]) => id);
    if (gone.length > 0)
      await trx('scoreboard_target')
        .whereIn('target_id', gone as number[])
        .update({ valid_to: at });
    const fresh = config.indicators.filter((t) => !currentKeys.has(targetKey(t)));
    if (fresh.length > 0) {
      await trx('scoreboard_target').insert(
        fresh.map((t) => ({
          indicator: t.indicator,
          horizon: t.horizon,
          target: t.target,
          due_date: t.due,
          baseline: t.baseline ?? null,
          valid_from: at,
        })),
      );
    }
    const [settings] = (await trx('scoreboard_settings').whereNull('valid_to')) as Array<{
      settings_id: number;
      settings: unknown;
    }>;
    const json = settingsOf(config);
    const storedJson = settings ? JSON.stringify(wh.adapter.parseJson(settings.settings)) : null;
    if (storedJson !== json) {
      if (settings)
        await trx('scoreboard_settings').where('settings_id', settings.settings_id).update({ valid_to: at });
      await trx('scoreboard_settings').insert({ settings: json, valid_from: at });
    }
  });
}
