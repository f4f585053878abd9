import { RFM_SEGMENTS } from '../../transforms/clv/index.js';
import { INDICATORS, indicatorSpec } from '../../warehouse/marts/indicators.js';
import type { ScoreboardRow } from '../../warehouse/marts/scoreboard.js';

/** Thousands separated by a thin space (neither the English comma nor the Russian decimal comma). */
function grouped(value: number, digits: number): string {
  const [int = '0', frac] = Math.abs(value).toFixed(digits).split('.');
  const sign = value < 0 ? '−' : '';
  return sign + int.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009') + (frac ? `.${frac}` : '');
}

/** A value as a manager reads it: 20.0 %, 1 234.56, 3 120, 4.5 h. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ratio':
      return `${grouped(value * 100, Math.abs(value) < 0.1 ? 2 : 1)} %`;
    case 'money':
      return grouped(value, Math.abs(value) >= 1000 ? 0 : 2);
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

/** One indicator's rows, oldest period first. */
export interface IndicatorSeries {
  indicator: string;
  title: string;
  horizon: 'short' | 'long';
  unit: string;
  better: 'up' | 'down';
  rows: ScoreboardRow[];
  latest: ScoreboardRow;
}

/**
 * Groups scoreboard rows per indicator in catalogue order (short-term first), the per-segment
 * profit family last (it is not in the catalogue). Periods sort as text: labels of one grain sort chronologically.
 */
export function groupSeries(rows: readonly ScoreboardRow[]): IndicatorSeries[] {
  const by = new Map<string, ScoreboardRow[]>();
  for (const r of rows) by.set(r.indicator, [...(by.get(r.indicator) ?? []), r]);
  const out: IndicatorSeries[] = [];
  for (const [indicator, list] of by) {
    list.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
    const spec = indicatorSpec(indicator);
    const latest = list[list.length - 1]!;
    out.push({
      indicator,
      title: indicatorTitle(indicator),
      horizon: latest.horizon,
      unit: latest.unit || spec?.unit || 'count',
      better: spec?.better ?? 'up',
      rows: list,
      latest,
    });
  }
  // Catalogue order; the per-segment family after it, along the RFM ladder (champions first).
  const catalogue = (name: string) => {
    const i = INDICATORS.findIndex((spec) => spec.name === name);
    if (i >= 0) return i;
    const rung = (RFM_SEGMENTS as readonly string[]).indexOf(name.slice(name.indexOf(':') + 1));
    return INDICATORS.length + (rung < 0 ? RFM_SEGMENTS.length : rung);
  };
  const rank = (s: IndicatorSeries) => (s.horizon === 'short' ? 0 : 100) + catalogue(s.indicator);
  return out.sort((a, b) => rank(a) - rank(b) || (a.indicator < b.indicator ? -1 : 1));
}
