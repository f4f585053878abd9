import { describe, expect, it } from 'vitest';
import { gaugeChart } from './svg-trend.js';

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
