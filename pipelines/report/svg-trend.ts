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

/**
 * Round ticks for a value axis over [lo, hi]: a step of 1, 2, 2.5 or 5 × 10^n giving two or three
 * intervals (labels of an 86 px chart stay apart), and the axis ends moved out to the ticks at or beyond the data, so every gridline
 * carries a round label.
 */
export function niceTicks(lo: number, hi: number): number[] {
  const step = niceCeil((hi - lo) / 2);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/**
 * An indicator's values over the periods on a labelled value axis (round ticks with light
 * gridlines, labels inside the plot at its left edge so no width goes to a gutter), its target as
 * a dashed line, the latest point in its status colour.
 */
export function trendChart(
  points: readonly TrendPoint[],
  target: number | null,
  color: string,
  targetText = '',
  scaleText: (v: number) => string = (v) => String(v),
): string {
  const pad = { l: 6, r: 6, t: 13, b: 16 };
  const values = points.map((p) => p.value).concat(target === null ? [] : [target]);
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (max - min < 1e-9) [min, max] = min === 0 ? [0, 1] : [Math.min(0, min), Math.max(0, max)];
  const ticks = niceTicks(min, max);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const x = (i: number) =>
    points.length === 1 ? W / 2 : pad.l + (i * (W - pad.l - pad.r)) / (points.length - 1);
  const y = (v: number) => pad.t + ((hi - v) * (H - pad.t - pad.b)) / (hi - lo);
  const line = points.map((p, i) => `${f(x(i))},${f(y(p.value))}`).join(' ');
  const area =
    points.length > 1 ? `${f(x(0))},${f(H - pad.b)} ${line} ${f(x(points.length - 1))},${f(H - pad.b)}` : '';
  const last = points[points.length - 1];
  return [
    `<svg class="trend" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="trend">`,
    ...ticks.map(
      (v) =>
        `<line class="grid" x1="${pad.l}" x2="${W - pad.r}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#eaeef2"/>` +
        `<text x="${pad.l}" y="${f(y(v) - 2)}" class="axis scale">${esc(scaleText(v))}</text>`,
    ),
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

/** The smallest 1, 2, 2.5 or 5 × 10^n at or above `v`: scale ends a reader can take in at a glance. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= v * (1 - 1e-12)) ?? 10) * p;
}

/** Where a label near an edge of the chart is anchored so it is never clipped. */
function anchored(x: number, pad: number): { x: number; anchor: string } {
  if (x < W * 0.3) return { x: Math.max(pad, x - 4), anchor: 'start' };
  if (x > W * 0.7) return { x: Math.min(W - pad, x + 4), anchor: 'end' };
  return { x, anchor: 'middle' };
}

/**
 * A bullet gauge for an indicator measured once so far (a snapshot): the value as a bar on a
 * scale from zero (its ends and middle labelled), the target as a dark tick, the baseline as a
 * grey one. Labels near an edge are anchored inwards so none is cut off.
 */
export function gaugeChart(
  value: GaugeMark,
  target: GaugeMark | null,
  baseline: GaugeMark | null,
  color: string,
  scaleText: (v: number) => string = (v) => String(v),
  /** The most the indicator can be (1 for a share): the scale ends there rather than past it. */
  ceiling?: number,
): string {
  const pad = 8;
  const marks = [value, target, baseline].filter((m): m is GaugeMark => m !== null).map((m) => m.value);
  // A round scale from zero (or a round negative end) a little beyond the largest mark.
  const lo = Math.min(...marks) < 0 ? -niceCeil(-Math.min(...marks) * 1.05) : 0;
  const top = Math.max(...marks) > 0 ? niceCeil(Math.max(...marks) * 1.05) : lo < 0 ? 0 : 1;
  const hi = ceiling !== undefined && Math.max(...marks) <= ceiling ? Math.min(top, ceiling) : top;
  const x = (v: number) => pad + ((v - lo) * (W - 2 * pad)) / (hi - lo || 1);
  const label = (text: string, at: number, y: number, cls = 'axis') => {
    const a = anchored(x(at), pad);
    return `<text x="${f(a.x)}" y="${y}" class="${cls}" text-anchor="${a.anchor}">${esc(text)}</text>`;
  };
  const tick = (m: GaugeMark, cls: string, stroke: string, name: string, y: number) =>
    `<line class="${cls}" x1="${f(x(m.value))}" x2="${f(x(m.value))}" y1="22" y2="50" stroke="${stroke}" stroke-width="2.5"><title>${esc(`${name} ${m.text}`)}</title></line>` +
    label(`${name} ${m.text}`, m.value, y, `axis ${cls}Label`);
  const scale = [lo, (lo + hi) / 2, hi].map(
    (v) =>
      `<line x1="${f(x(v))}" x2="${f(x(v))}" y1="50" y2="55" stroke="#8c959f"/>` +
      label(scaleText(v), v, 66, 'axis scale'),
  );
  return [
    `<svg class="trend gauge" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="gauge">`,
    `<rect x="${pad}" y="28" width="${W - 2 * pad}" height="18" rx="4" fill="#eaeef2"/>`,
    `<rect class="bar" x="${f(Math.min(x(0), x(value.value)))}" y="28" width="${f(Math.max(2, Math.abs(x(value.value) - x(0))))}" height="18" rx="4" fill="${color}"><title>${esc(value.text)}</title></rect>`,
    `<line x1="${pad}" x2="${W - pad}" y1="50" y2="50" stroke="#8c959f"/>`,
    ...scale,
    baseline ? tick(baseline, 'baseline', '#8c959f', 'baseline', 82) : '',
    target ? tick(target, 'target', '#24292f', 'target', 16) : '',
    '</svg>',
  ].join('');
}
