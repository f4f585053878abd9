import * as specs from '../../warehouse/marts/indicators.js';
import type { ScoreboardRow } from '../../warehouse/marts/scoreboard.js';
import type { ScoreboardReport } from '../../warehouse/marts/report-data.js';
import { formatTable } from '../../lib/table-format.js';
import { changeArrow, formatDate, formatValue, groupSeries } from './format.js';

const STATUS: Readonly<Record<string, string>> = {
  met: '✔ met',
  'on track': '● on track',
  behind: '✖ behind',
};

/** The note worth a reader's eye: why there is no value, or what a ratio rests on (not a snapshot's day, which the period column says). */
const shownNote = (r: ScoreboardRow) => (r.note && !r.note.startsWith('state on ') ? r.note : '');

type TextInput = Pick<ScoreboardReport, 'scoreboard' | 'period' | 'runningPeriod' | 'currency'>;

/**
 * The scoreboard as an aligned terminal table: one line per indicator at the reporting period
 * (the last complete one; snapshots at their latest state, which the period column says),
 * short-term first, then the change against the period before, baseline, target and status.
 * An indicator without data says why instead of showing a number. The running period follows
 * in a table of its own: partial, never judged. Thin spaces in numbers become plain ones so
 * columns line up in any terminal.
 */
export function renderScoreboardText(input: TextInput | readonly ScoreboardRow[]): string {
  const report: TextInput = Array.isArray(input)
    ? { scoreboard: input as ScoreboardRow[], period: null, runningPeriod: null, currency: null }
    : (input as TextInput);
  if (report.scoreboard.length === 0) return 'The scoreboard is empty. Run crm-etl marts first.';
  const plain = (s: string) => s.replace(/[\u2009\u00a0]/g, ' ');
  const value = (v: number | null, unit: string) => plain(formatValue(v, unit, report.currency));
  const series = groupSeries(report.scoreboard, report.period);
  const body = series.map((s) => {
    const r = s.latest;
    return [
      s.title,
      r.horizon,
      s.kind === 'snapshot' ? `${r.period} (state)` : r.period,
      r.actual === null ? 'no data' : value(r.actual, s.unit),
      changeArrow(s),
      value(r.baseline, s.unit),
      value(r.target, s.unit),
      r.due_date ? formatDate(r.due_date) : '—',
      r.status ? (STATUS[r.status] ?? r.status) : r.actual === null ? 'not judged' : '—',
      shownNote(r),
    ];
  });
  const table = formatTable(
    ['indicator', 'horizon', 'period', 'actual', 'vs prev', 'baseline', 'target', 'due', 'status', 'note'],
    body,
  );
  const judged = series.filter((s) => s.latest.actual !== null);
  const count = (status: string) => judged.filter((s) => s.latest.status === status).length;
  const noData = series.length - judged.length;
  const heading = report.period ? `Scoreboard for ${report.period} (last complete period)\n\n` : '';
  const summary = `${count('met')} met · ${count('on track')} on track · ${count('behind')} behind · ${judged.filter((s) => !s.latest.status).length} without a target${noData > 0 ? ` · ${noData} without data` : ''}`;
  const running = series.filter((s) => s.running !== null);
  const runningTable =
    report.runningPeriod && running.length > 0
      ? `\n\n${report.runningPeriod} so far (running period: partial, not judged against targets)\n\n${formatTable(
          ['indicator', 'so far', 'note'],
          running.map((s) => [
            s.title,
            s.running!.actual === null ? 'no data' : value(s.running!.actual, s.unit),
            shownNote(s.running!),
          ]),
        )}`
      : '';
  return `${heading}${table}\n\n${summary}${runningTable}\n\nFormulas: crm-etl scoreboard --explain <indicator>`;
}

/** An indicator's definition for `crm-etl scoreboard --explain`. */
export function explainIndicator(name: string, rows: readonly ScoreboardRow[]): string | null {
  const s = groupSeries(
    rows.filter((r) => r.indicator === name),
    null,
  )[0];
  const { indicatorSpec } = specs;
  const spec = indicatorSpec(name);
  if (!spec) return null;
  const lines = [
    `${spec.title} (${name})`,
    `  formula:   ${spec.formula}`,
    `  unit:      ${spec.unit}, ${spec.better === 'up' ? 'higher' : 'lower'} is better`,
    `  kind:      ${spec.kind === 'series' ? 'a value per period, from dated facts' : 'a state of the warehouse on the build day, kept per period by each build'}`,
  ];
  if (s) {
    lines.push(
      `  periods:   ${s.rows.map((r) => `${r.period} ${formatValue(r.actual, s.unit).replace(/[\u2009\u00a0]/g, ' ')}`).join(', ') || 'none with data'}`,
    );
    if (s.latest.note && s.latest.actual === null) lines.push(`  no data:   ${s.latest.note}`);
  }
  return lines.join('\n');
}
