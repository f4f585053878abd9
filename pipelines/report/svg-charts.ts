/**
 * Small SVG charts drawn here, in the page itself: no chart library, no script, no network, so the
 * page opens anywhere (a mail attachment, an intranet share) and prints as it looks.
 */
import type { CohortCell } from '../../warehouse/marts/report-data.js';
import { escapeHtml as esc } from './format.js';

export const STATUS_COLOR: Readonly<Record<string, string>> = {
  met: '#1a7f37',
  'on track': '#0969da',
  behind: '#cf222e',
  none: '#57606a',
};

export const f = (n: number) => n.toFixed(1);

/** Mixes white into teal by t ∈ [0, 1]. */
function teal(t: number): string {
  const c = (from: number, to: number) => Math.round(from + (to - from) * Math.min(1, Math.max(0, t)));
  return `rgb(${c(240, 15)},${c(249, 118)},${c(248, 110)})`;
}

/**
 * Cohort retention heatmap: a row per first-purchase month, a column per month since. Colours
 * scale to the best repeat month (period 0 is 100 % by definition and would wash everything out).
 */
export function cohortHeatmap(cells: readonly CohortCell[]): string {
  if (cells.length === 0) return '<p class="empty">No cohorts yet.</p>';
  const cohorts = [...new Set(cells.map((c) => c.cohort_month))].sort();
  const periods = Math.max(...cells.map((c) => c.period_number)) + 1;
  const best = Math.max(0.05, ...cells.filter((c) => c.period_number > 0).map((c) => c.retention_rate));
  const cw = 44;
  const ch = 24;
  const left = 116;
  const top = 26;
  const w = left + periods * cw + 4;
  const h = top + cohorts.length * ch + 4;
  const out = [
    `<svg class="heatmap" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="cohort retention">`,
  ];
  out.push(`<text x="4" y="16" class="axis">cohort (size)</text>`);
  for (let p = 0; p < periods; p++) {
    out.push(
      `<text x="${left + p * cw + cw / 2}" y="16" class="axis" text-anchor="middle">${p === 0 ? 'M0' : `+${p}`}</text>`,
    );
  }
  const byKey = new Map(cells.map((c) => [`${c.cohort_month}|${c.period_number}`, c]));
  cohorts.forEach((month, row) => {
    const y = top + row * ch;
    const size = cells.find((c) => c.cohort_month === month)?.cohort_size ?? 0;
    out.push(`<text x="4" y="${y + 16}" class="label">${esc(month.slice(0, 7))} (${size})</text>`);
    for (let p = 0; p < periods; p++) {
      const c = byKey.get(`${month}|${p}`);
      if (!c) continue;
      const t = p === 0 ? 1 : c.retention_rate / best;
      const pct = c.retention_rate * 100;
      out.push(
        `<g class="cell"><rect x="${left + p * cw}" y="${y}" width="${cw - 2}" height="${ch - 2}" rx="3" fill="${teal(t)}"/>` +
          `<text x="${left + p * cw + (cw - 2) / 2}" y="${y + 15}" text-anchor="middle" class="cellText${t > 0.55 ? ' light' : ''}">${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%</text>` +
          `<title>${esc(`${month.slice(0, 7)} cohort, month +${p}: ${c.retained} of ${c.cohort_size} bought (${pct.toFixed(1)} %)`)}</title></g>`,
      );
    }
  });
  out.push('</svg>');
  return out.join('');
}

export interface Bar {
  label: string;
  value: number;
  text: string;
}

/** Horizontal bars; negative values extend left of the zero line in red. */
export function barChart(bars: readonly Bar[], color: string): string {
  if (bars.length === 0) return '<p class="empty">No data yet.</p>';
  const w = 380;
  const rowH = 26;
  const left = 128;
  const right = 100;
  const h = bars.length * rowH + 8;
  const min = Math.min(0, ...bars.map((b) => b.value));
  const max = Math.max(0, ...bars.map((b) => b.value));
  const span = max - min || 1;
  const x = (v: number) => left + ((v - min) * (w - left - right)) / span;
  const out = [
    `<svg class="bars" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="bar chart">`,
  ];
  bars.forEach((b, i) => {
    const y = 4 + i * rowH;
    const x0 = Math.min(x(0), x(b.value));
    const bw = Math.max(1, Math.abs(x(b.value) - x(0)));
    out.push(
      `<text x="${left - 8}" y="${y + 16}" text-anchor="end" class="label">${esc(b.label)}</text>` +
        `<rect class="bar" x="${f(x0)}" y="${y + 3}" width="${f(bw)}" height="${rowH - 8}" rx="3" fill="${b.value < 0 ? STATUS_COLOR.behind : color}"><title>${esc(b.text)}</title></rect>` +
        `<text x="${f(Math.max(x(0), x(b.value)) + 6)}" y="${y + 16}" class="value">${esc(b.text)}</text>`,
    );
  });
  if (min < 0) out.push(`<line x1="${f(x(0))}" x2="${f(x(0))}" y1="2" y2="${h - 2}" stroke="#8c959f"/>`);
  out.push('</svg>');
  return out.join('');
}
