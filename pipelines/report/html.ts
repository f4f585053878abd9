import { RFM_SEGMENTS } from '../../transforms/clv/index.js';
import type { FunnelLine, ScoreboardReport, SegmentSummary } from '../../warehouse/marts/report-data.js';
import { escapeHtml as esc, formatDate, formatValue, groupSeries, type IndicatorSeries } from './format.js';
import { PAGE_STYLE } from './page-style.js';
import { barChart, cohortHeatmap, STATUS_COLOR } from './svg-charts.js';
import { gaugeChart, trendChart } from './svg-trend.js';

function card(s: IndicatorSeries, currency: string | null, family: readonly IndicatorSeries[] = []): string {
  const r = s.latest;
  const color = STATUS_COLOR[r.status ?? 'none']!;
  const value = (v: number | null) => formatValue(v, s.unit, currency);
  const points = s.rows.map((row) => ({
    label: row.period,
    value: row.actual!,
    text: `${row.period}: ${value(row.actual)}`,
  }));
  const goal = r.target === null ? 'No target set' : `Target ${value(r.target)} by ${formatDate(r.due_date)}`;
  const badge = r.status
    ? `<span class="badge" style="background:${color}">${esc(r.status)}</span>`
    : r.actual === null && r.target !== null
      ? '<span class="badge nodata">not judged</span>'
      : '';
  const stateDay = r.note?.startsWith('state on ') ? r.note.slice('state on '.length) : null;
  const when = s.kind === 'snapshot' && stateDay ? `state on ${formatDate(stateDay)}` : r.period;
  const shown =
    r.actual === null
      ? `<div class="value nodata">no data<span class="period">${esc(when)}</span></div><p class="why">${esc(r.note ?? 'no data for this period')}</p>`
      : `<div class="value" style="color:${color}">${esc(value(r.actual))}<span class="period">${esc(when)}</span></div>${
          r.note && !r.note.startsWith('state on ') ? `<p class="base">${esc(r.note)}</p>` : ''
        }`;
  const chart =
    r.actual === null
      ? ''
      : s.rows.length > 1
        ? trendChart(points, r.target, color, goal, (v) => formatValue(v, s.unit, currency))
        : gaugeChart(
            { value: r.actual, text: value(r.actual) },
            r.target === null ? null : { value: r.target, text: value(r.target) },
            r.baseline === null || r.baseline === r.actual
              ? null
              : { value: r.baseline, text: value(r.baseline) },
            color,
            (v) => formatValue(v, s.unit, currency),
            // A share (completeness, a rate) is drawn on a scale that ends at 100 %, not past it.
            s.unit === 'ratio' ? 1 : undefined,
          );
  const running = s.running
    ? `<p class="running">${esc(s.running.period)} so far: <b>${esc(s.running.actual === null ? 'no data' : value(s.running.actual))}</b> <span class="partial">partial · not judged</span></p>`
    : '';
  return `<article class="card" data-indicator="${esc(s.indicator)}">
  <header><h3>${esc(s.title)}</h3>${badge}</header>
  ${shown}
  <p class="goal">${esc(goal)}${r.baseline === null ? '' : ` · baseline ${esc(value(r.baseline))}`}</p>
  ${chart}
  ${
    family.length > 0
      ? `<p class="bysource">${s.indicator === 'reply_hours' ? 'By manager' : s.indicator === 'cac' ? 'By channel' : 'By source'}: ${family
          .map(
            (m) => `${esc(m.indicator.slice(m.indicator.indexOf(':') + 1))} ${esc(value(m.latest.actual))}`,
          )
          .join(' · ')}</p>`
      : ''
  }
  ${running}
  <details class="formula"><summary>How it is computed</summary><p>${esc(s.formula)}</p></details>
</article>`;
}

/** Segments from best to worst along the RFM ladder (champions … hibernating), unknown ones last. */
function ladder(segments: readonly SegmentSummary[]): SegmentSummary[] {
  const at = (s: string) => {
    const i = (RFM_SEGMENTS as readonly string[]).indexOf(s);
    return i < 0 ? RFM_SEGMENTS.length : i;
  };
  return segments.filter((s) => s.segment !== '').sort((a, b) => at(a.segment) - at(b.segment));
}

function segmentCharts(segments: readonly SegmentSummary[], currency: string | null): string {
  const money = (v: number) => formatValue(v, 'money', currency);
  const chart = (title: string, bars: Parameters<typeof barChart>[0], color: string) =>
    `<div><h3>${esc(title)}</h3>${barChart(bars, color)}</div>`;
  return `<div class="pair">${[
    chart(
      'Customers',
      segments.map((s) => ({
        label: s.segment,
        value: s.customers,
        text: formatValue(s.customers, 'count'),
      })),
      '#0f766e',
    ),
    chart(
      'Profit',
      segments.map((s) => ({ label: s.segment, value: s.profit, text: money(s.profit) })),
      '#1a7f37',
    ),
    chart(
      'Profit per customer',
      segments.map((s) => ({
        label: s.segment,
        value: s.profit_per_customer ?? 0,
        text: money(s.profit_per_customer ?? 0),
      })),
      '#1a7f37',
    ),
  ].join('')}</div>`;
}

/** The lead funnel of the reported period: one line per channel and manager, most leads first. */
function funnelTable(lines: readonly FunnelLine[], currency: string | null): string {
  if (lines.length === 0) return '<p class="empty">No leads in this period.</p>';
  const num = (v: number) => formatValue(v, 'count');
  const head = [
    'Channel',
    'Manager',
    'Leads',
    'Contacted',
    'Median h to contact',
    'Converted',
    'Conversion',
    'Revenue',
  ]
    .map((h, i) => `<th${i > 1 ? ' class="n"' : ''}>${esc(h)}</th>`)
    .join('');
  const rows = lines.map(
    (l) =>
      `<tr><td>${esc(l.channel || '—')}</td><td>${esc(l.owner || '—')}</td><td class="n">${num(l.leads)}</td><td class="n">${num(l.contacted)}</td><td class="n">${esc(l.medianHours === null ? '—' : formatValue(l.medianHours, 'hours'))}</td><td class="n">${num(l.converted)}</td><td class="n">${esc(formatValue(l.leads > 0 ? l.converted / l.leads : null, 'ratio'))}</td><td class="n">${esc(formatValue(l.revenue, 'money', currency))}</td></tr>`,
  );
  return `<div class="scroll"><table class="funnel"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function section(title: string, intro: string, body: string): string {
  return `<section><h2>${esc(title)}</h2><p class="intro">${esc(intro)}</p>${body}</section>`;
}

/**
 * The scoreboard as ONE self-contained HTML page: a card per indicator (latest value, status,
 * target and the trend against it), the cohort retention heatmap, and segment sizes and profit.
 * Charts are inline SVG; the page loads nothing from anywhere.
 */
export function renderScoreboardHtml(data: ScoreboardReport): string {
  const series = groupSeries(data.scoreboard, data.period);
  const count = (status: string) => series.filter((s) => s.latest.status === status).length;
  const noData = series.filter((s) => s.latest.actual === null).length;
  const summary = ['met', 'on track', 'behind']
    .map(
      (st) =>
        `<span class="pill" style="border-color:${STATUS_COLOR[st]};color:${STATUS_COLOR[st]}">${count(st)} ${esc(st)}</span>`,
    )
    .concat(noData > 0 ? [`<span class="pill nodata">${noData} without data</span>`] : [])
    .join('');
  const periodLine = data.period
    ? `Figures for <b>${esc(data.period)}</b>, the last complete period${data.runningPeriod ? `; ${esc(data.runningPeriod)} is still running and shown apart as partial` : ''}. Data-quality and value indicators show the state on the build day.`
    : '';
  // Families (per segment, per source, per manager) get a card only with a target: the segment bars
  // show every segment's profit, the duplicate-rate card lists every source's rate, the reply-time
  // card every manager's.
  const cards = (horizon: 'short' | 'long', family: boolean) =>
    series
      .filter(
        (s) =>
          s.horizon === horizon &&
          s.indicator.includes(':') === family &&
          (!family || s.latest.target !== null),
      )
      .map((s) =>
        card(
          s,
          data.currency,
          s.indicator === 'duplicate_rate'
            ? series.filter((m) => m.indicator.startsWith('duplicate_rate:'))
            : s.indicator === 'reply_hours' || s.indicator === 'cac'
              ? // Managers who replied / channels that brought customers in the card's period.
                series.filter(
                  (m) => m.indicator.startsWith(`${s.indicator}:`) && m.latest.period === s.latest.period,
                )
              : [],
        ),
      )
      .join('\n');
  const body = [
    `<header class="top"><div><h1>CRM ROI scoreboard</h1><p class="sub">As of ${esc(formatDate(data.asOf))} · generated ${esc(data.generatedAt.slice(0, 16).replace('T', ' '))} UTC${data.currency ? ` · amounts in ${esc(data.currency)}` : ''}</p>${periodLine ? `<p class="sub period-line">${periodLine}</p>` : ''}</div><div class="pills">${summary}</div></header>`,
    series.length === 0
      ? '<p class="empty">The scoreboard is empty: run <code>crm-etl marts</code> first.</p>'
      : '',
    section(
      'Short term',
      'Leads, new customers, response time and the quality of the customer base.',
      `<div class="grid">${cards('short', false)}${cards('short', true)}</div>`,
    ),
    section(
      'Long term',
      'Retention, value and cost of customers, and what the CRM program returns.',
      `<div class="grid">${cards('long', false)}</div>`,
    ),
    data.funnel && data.period
      ? section(
          `Lead funnel, ${data.period}`,
          `Leads by when they happened, by channel (UTM source, else form, else source) and manager: first contact, and a first order within the conversion window.`,
          funnelTable(data.funnel, data.currency),
        )
      : '',
    section(
      'Retention by cohort',
      'Share of each month’s new customers who bought again 1, 2, 3… months later.',
      `<div class="scroll">${cohortHeatmap(data.cohorts)}</div>`,
    ),
    section(
      'Segments',
      'Customers and profit (margin minus acquisition cost) by RFM segment, best to worst.',
      segmentCharts(ladder(data.segments), data.currency),
    ),
    cards('long', true)
      ? section(
          'Segment targets',
          'Profit per customer of the segments with a target.',
          `<div class="grid">${cards('long', true)}</div>`,
        )
      : '',
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>CRM ROI scoreboard${data.asOf ? ` — ${esc(data.asOf)}` : ''}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}
