/**
 * A minimal Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text exposition format (version 0.0.4). Enough for one daemon's dozen series; no dependency.
 */

export type Labels = Readonly<Record<string, string>>;

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Kind = 'counter' | 'gauge' | 'histogram';

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly kind: Kind,
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
  }
  abstract samples(): string[];
  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.kind}`];
    return [...lines, ...this.samples()].join('\n');
  }
}

export class Counter extends Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(name: string, help: string) {
    super(name, help, 'counter');
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }
  samples(): string[] {
    return [...this.values.values()].map((e) => sample(this.name, e.labels, e.value));
  }
}

export class Gauge extends Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  /** Values computed when scraped (e.g. "seconds since"), merged over the set ones. */
  private collector?: () => Array<{ labels: Labels; value: number }>;
  constructor(name: string, help: string, collector?: () => Array<{ labels: Labels; value: number }>) {
    super(name, help, 'gauge');
    this.collector = collector;
  }
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), { labels, value });
  }
  samples(): string[] {
    const entries = new Map(this.values);
    for (const e of this.collector?.() ?? []) entries.set(labelKey(e.labels), e);
    return [...entries.values()].map((e) => sample(this.name, e.labels, e.value));
  }
}

export class Histogram extends Metric {
  private readonly series = new Map<
    string,
    { labels: Labels; counts: number[]; sum: number; count: number }
  >();
  constructor(
    name: string,
    help: string,
    readonly buckets: readonly number[],
  ) {
    super(name, help, 'histogram');
  }
  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    const s = this.series.get(key) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((le, i) => {
      if (value <= le) s.counts[i]!++;
    });
    s.sum += value;
    s.count++;
    this.series.set(key, s);
  }
  samples(): string[] {
    return [...this.series.values()].flatMap((s) => [
      ...this.buckets.map((le, i) =>
        sample(`${this.name}_bucket`, { ...s.labels, le: formatValue(le) }, s.counts[i]!),
      ),
      sample(`${this.name}_bucket`, { ...s.labels, le: '+Inf' }, s.count),
      sample(`${this.name}_sum`, s.labels, s.sum),
      sample(`${this.name}_count`, s.labels, s.count),
    ]);
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];
  register<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }
  /** The exposition text: every metric's HELP and TYPE, even before it has a sample. */
  render(): string {
    return this.metrics.map((m) => m.render()).join('\n') + '\n';
  }
}

function sample(name: string, labels: Labels, value: number): string {
  const entries = Object.entries(labels);
  const text = entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
  return `${name}${text} ${formatValue(value)}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
