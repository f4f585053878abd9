/**
 * The ROI scoreboard for people: an aligned terminal table and one self-contained HTML page.
 * The data come from the marts (warehouse/marts/report-data.ts reads them).
 */
export { renderScoreboardText } from './text.js';
export { renderScoreboardHtml } from './html.js';
export { formatValue } from './format.js';
export { readScoreboardReport, type ScoreboardReport } from '../../warehouse/marts/report-data.js';
