import { describe, expect, it } from 'vitest';
import { gaugeChart, niceTicks, trendChart } from './svg-trend.js';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const scaleLabels = (svg: string) => [...svg.matchAll(/class="axis scale"[^>]*>([^<]*)</g)].map((m) => m[1]);

describe('gaugeChart', () => {
  it('draws a share on a scale that ends at 100 %, not past it', () => {
    const svg = gaugeChart({ value: 0.967, text: pct(0.967) }, null, null, '#555', pct, 1);
    expect(scaleLabels(svg)).toEqual(['0.0 %', '50.0 %', '100.0 %']);
  });

  it('without a ceiling, or with a mark beyond it, ends a little past the largest mark', () => {
    expect(scaleLabels(gaugeChart({ value: 0.967, text: '' }, null, null, '#555', pct))).toEqual([
      '0.0 %',
      '100.0 %',
      '200.0 %',
    ]);
    expect(scaleLabels(gaugeChart({ value: 5.03, text: '' }, null, null, '#555', pct, 1))).toEqual([
      '0.0 %',
      '500.0 %',
      '1000.0 %',
    ]);
  });
});

describe('trendChart', () => {
  it('labels a value axis with round ticks that enclose the data and the target', () => {
    expect(niceTicks(0.113, 0.187)).toEqual([0.1, 0.15, 0.2]);
    expect(niceTicks(3, 47)).toEqual([0, 25, 50]);
    expect(niceTicks(-12, 30)).toEqual([-25, 0, 25, 50]);
    const points = [
      { label: '2026-04', value: 12.4, text: '' },
      { label: '2026-05', value: 17.9, text: '' },
    ];
    const svg = trendChart(points, 25, '#555', '', (v) => `${v} h`);
    expect(scaleLabels(svg)).toEqual(['10 h', '20 h', '30 h']);
    // Highest tick at the top: labels' y decrease as values grow.
    const ys = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" class="axis scale"/g)].map((m) =>
      Number(m[1]),
    );
    expect(ys).toEqual([...ys].sort((a, b) => b - a));
    // A flat series still gets a scale from zero.
    expect(
      scaleLabels(
        trendChart(
          points.map((p) => ({ ...p, value: 5 })),
          null,
          '#555',
        ),
      ),
    ).toEqual(['0', '2.5', '5']);
  });
});
