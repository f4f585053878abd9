/** The two small charts of an indicator card: its trend over periods, or a gauge when it has one value. */
import { escapeHtml as esc } from './format.js';
import { f } from './svg-charts.js';

const W = 280;
const H = 86;

export interface TrendPoint {
  label: string;
  value: number;
  /** Shown on hover. */
  text: string;
}

/** An indicator's values over the periods, its target as a dashed line, the latest point in its status colour. */
export function trendChart(
  points: readonly TrendPoint[],
  target: number | null,
  color: string,
  targetText = '',
): string {
  const pad = { l: 6, r: 6, t: 10, b: 16 };
  const values = points.map((p) => p.value).concat(target === null ? [] : [target]);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-9) [lo, hi] = [lo - 1, hi + 1];
  const span = hi - lo;
  lo -= span * 0.08;
  hi += span * 0.08;
  const x = (i: number) =>
    points.length === 1 ? W / 2 : pad.l + (i * (W - pad.l - pad.r)) / (points.length - 1);
  const y = (v: number) => pad.t + ((hi - v) * (H - pad.t - pad.b)) / (hi - lo);
  const line = points.map((p, i) => `${f(x(i))},${f(y(p.value))}`).join(' ');
  const area =
    points.length > 1 ? `${f(x(0))},${f(H - pad.b)} ${line} ${f(x(points.length - 1))},${f(H - pad.b)}` : '';
  const last = points[points.length - 1];
  return [
    `<svg class="trend" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="trend">`,
    area ? `<polygon points="${area}" fill="${color}" fill-opacity="0.08"/>` : '',
    target === null
      ? ''
      : `<line class="target" x1="${pad.l}" x2="${W - pad.r}" y1="${f(y(target))}" y2="${f(y(target))}" stroke="#8c959f" stroke-dasharray="4 3"><title>${esc(targetText)}</title></line>`,
    points.length > 1
      ? `<polyline points="${line}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`
      : '',
    ...points.map(
      (p, i) =>
        `<circle cx="${f(x(i))}" cy="${f(y(p.value))}" r="${p === last ? 4 : 2}" fill="${p === last ? color : '#fff'}" stroke="${color}" stroke-width="1.5"><title>${esc(p.text)}</title></circle>`,
    ),
    points.length > 0 ? `<text x="${pad.l}" y="${H - 3}" class="axis">${esc(points[0]!.label)}</text>` : '',
    points.length > 1
      ? `<text x="${W - pad.r}" y="${H - 3}" class="axis" text-anchor="end">${esc(last!.label)}</text>`
      : '',
    '</svg>',
  ].join('');
}

export interface GaugeMark {
  value: number;
  text: string;
}

/**
 * A bullet gauge for an indicator measured once so far (a snapshot): the value as a bar on a
 * scale from zero, the target as a dark tick, the baseline as a grey one.
 */
export function gaugeChart(
  value: GaugeMark,
  target: GaugeMark | null,
  baseline: GaugeMark | null,
  color: string,
): string {
  const pad = 8;
  const marks = [value, target, baseline].filter((m): m is GaugeMark => m !== null).map((m) => m.value);
  const lo = Math.min(0, ...marks);
  const hi = Math.max(...marks, lo + 1e-9) * 1.12 - lo * 0.12;
  const x = (v: number) => pad + ((v - lo) * (W - 2 * pad)) / (hi - lo || 1);
  const tick = (m: GaugeMark, cls: string, stroke: string, label: string, y: number) =>
    `<line class="${cls}" x1="${f(x(m.value))}" x2="${f(x(m.value))}" y1="24" y2="58" stroke="${stroke}" stroke-width="2.5"><title>${esc(`${label} ${m.text}`)}</title></line>` +
    `<text x="${f(Math.min(W - pad, Math.max(pad, x(m.value))))}" y="${y}" class="axis" text-anchor="middle">${esc(`${label} ${m.text}`)}</text>`;
  return [
    `<svg class="trend gauge" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="gauge">`,
    `<rect x="${pad}" y="32" width="${W - 2 * pad}" height="18" rx="4" fill="#eaeef2"/>`,
    `<rect class="bar" x="${f(Math.min(x(0), x(value.value)))}" y="32" width="${f(Math.max(2, Math.abs(x(value.value) - x(0))))}" height="18" rx="4" fill="${color}"><title>${esc(value.text)}</title></rect>`,
    baseline ? tick(baseline, 'baseline', '#8c959f', 'baseline', 74) : '',
    target ? tick(target, 'target', '#24292f', 'target', 18) : '',
    '</svg>',
  ].join('');
}
