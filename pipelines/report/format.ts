import { RFM_SEGMENTS } from '../../transforms/clv/index.js';
import { INDICATORS, indicatorSpec } from '../../warehouse/marts/indicators.js';
import type { ScoreboardRow } from '../../warehouse/marts/scoreboard.js';

/** Thousands separated by a thin space (neither the English comma nor the Russian decimal comma). */
function grouped(value: number, digits: number): string {
  const [int = '0', frac] = Math.abs(value).toFixed(digits).split('.');
  const sign = value < 0 ? '−' : '';
  return sign + int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009') + (frac ? `.${frac}` : '');
}

/** A value as a manager reads it: 20.0 %, 1 234.56 RUB, 3 120, 4.5 h. */
export function formatValue(value: number | null, unit: string, currency?: string | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ratio':
      return `${grouped(value * 100, Math.abs(value) < 0.1 ? 2 : 1)} %`;
    case 'money':
      return grouped(value, Math.abs(value) >= 1000 ? 0 : 2) + (currency ? `\u00a0${currency}` : '');
    case 'hours':
      return `${grouped(value, 1)} h`;
    default:
      return grouped(value, Number.isInteger(value) ? 0 : 2);
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** '2026-12-31' → '31 Dec 2026'. */
export function formatDate(iso: string | null): string {
  if (!iso) return '—';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1] ?? m} ${y}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function indicatorTitle(name: string): string {
  return indicatorSpec(name)?.title ?? name;
}

/** One indicator as a screen shows it. */
export interface IndicatorSeries {
  indicator: string;
  title: string;
  horizon: 'short' | 'long';
  unit: string;
  better: 'up' | 'down';
  kind: 'series' | 'snapshot';
  formula: string;
  /** Complete periods with a value, oldest first: the trend. */
  rows: ScoreboardRow[];
  /** The row reported: at the reporting period (a series) or the latest state (a snapshot); its actual may be null (see note). */
  latest: ScoreboardRow;
  /** The period before `latest`, for the change column; null when there is none. */
  previous: ScoreboardRow | null;
  /** The running period so far (partial, never judged), or null. */
  running: ScoreboardRow | null;
}

const byPeriod = (a: ScoreboardRow, b: ScoreboardRow) =>
  a.period < b.period ? -1 : a.period > b.period ? 1 : 0;

/**
 * Groups scoreboard rows per indicator in catalogue order (short-term first), the per-segment
 * and per-source families last. Every series is shown at `period` (the last complete one), so one
 * screen is about one period; snapshots at their latest state (their row says when). Periods sort
 * as text: labels of one grain sort chronologically.
 */
export function groupSeries(rows: readonly ScoreboardRow[], period: string | null = null): IndicatorSeries[] {
  const by = new Map<string, ScoreboardRow[]>();
  for (const r of rows) by.set(r.indicator, [...(by.get(r.indicator) ?? []), r]);
  const out: IndicatorSeries[] = [];
  for (const [indicator, all] of by) {
    const spec = indicatorSpec(indicator);
    const kind = spec?.kind ?? 'series';
    const done = all.filter((r) => r.partial !== 1).sort(byPeriod);
    const running = all.find((r) => r.partial === 1) ?? null;
    const latest =
      (kind === 'series' && period !== null ? done.find((r) => r.period === period) : undefined) ??
      done[done.length - 1] ??
      running!;
    const withValue = done.filter((r) => r.actual !== null && r.period <= latest.period);
    const before = withValue.filter((r) => r.period < latest.period);
    out.push({
      indicator,
      title: indicatorTitle(indicator),
      horizon: latest.horizon,
      unit: latest.unit || spec?.unit || 'count',
      better: spec?.better ?? 'up',
      kind,
      formula: spec?.formula ?? '',
      rows: withValue,
      latest,
      previous: before[before.length - 1] ?? null,
      running,
    });
  }
  // Catalogue order; the families after it (profit along the RFM ladder, champions first).
  const catalogue = (name: string) => {
    const i = INDICATORS.findIndex((spec) => spec.name === name);
    if (i >= 0) return i;
    const family = INDICATORS.findIndex((spec) => name.startsWith(`${spec.name}:`));
    const rung = (RFM_SEGMENTS as readonly string[]).indexOf(name.slice(name.indexOf(':') + 1));
    return INDICATORS.length + family * 20 + (rung < 0 ? RFM_SEGMENTS.length : rung);
  };
  const rank = (s: IndicatorSeries) => (s.horizon === 'short' ? 0 : 1000) + catalogue(s.indicator);
  return out.sort((a, b) => rank(a) - rank(b) || (a.indicator < b.indicator ? -1 : 1));
}

/** Which way the reported value moved against the period before: ▲ up, ▼ down, = same. */
export function changeArrow(s: IndicatorSeries): string {
  const [prev, last] = [s.previous?.actual ?? null, s.latest.actual];
  if (prev === null || last === null) return '';
  return last > prev ? '▲' : last < prev ? '▼' : '=';
}
