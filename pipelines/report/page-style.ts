/** The scoreboard page's stylesheet, inlined: system fonts, no downloads; cards reflow to the screen. */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #24292f; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 24px; }
.top { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; flex-wrap: wrap;
  border-bottom: 1px solid var(--line); padding-bottom: 12px; }
h1 { margin: 0; font-size: 26px; }
.sub, .intro, .goal, .axis, .empty { color: var(--muted); }
.sub { margin: 4px 0 0; }
.pills { display: flex; gap: 8px; flex-wrap: wrap; }
.pill { border: 1.5px solid; border-radius: 999px; padding: 3px 12px; font-weight: 600; background: #fff; }
section { margin-top: 28px; }
h2 { font-size: 19px; margin: 0; }
.intro { margin: 2px 0 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(300px, 100%), 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px 8px; }
.card header { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
h3 { font-size: 14px; margin: 0; font-weight: 600; }
.badge { color: #fff; border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.value { font-size: 30px; font-weight: 700; margin: 6px 0 0; font-variant-numeric: tabular-nums; }
.period { font-size: 13px; font-weight: 400; color: var(--muted); margin-left: 8px; }
.goal { margin: 0 0 4px; font-size: 12.5px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font-size: 11px; fill: var(--ink); }
svg .axis { fill: var(--muted); font-size: 10.5px; }
table.funnel { border-collapse: collapse; font-size: 13px; min-width: 640px; width: 100%; }
table.funnel th, table.funnel td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
table.funnel .n { text-align: right; font-variant-numeric: tabular-nums; }
/* A trend's value labels sit inside the plot: a white halo keeps them legible over the line. */
svg.trend:not(.gauge) .scale { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .label { font-size: 12px; }
svg .value { font-size: 12px; font-weight: 600; }
svg .cellText { font-size: 11px; }
svg .cellText.light { fill: #fff; }
.scroll { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(360px, 100%), 1fr)); gap: 14px; }
.pair > div { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.pair h3 { margin-bottom: 8px; }
h1 + .sub b, .period-line b { color: var(--ink); }
.value.nodata { color: var(--muted); font-size: 22px; }
.why { margin: 2px 0 6px; font-size: 12.5px; color: #9a6700; }
.badge.nodata { background: #eaeef2; color: var(--muted); }
.pill.nodata { border-color: var(--line); color: var(--muted); }
.base { margin: 0 0 2px; font-size: 12px; color: var(--muted); }
.bysource { margin: 2px 0 4px; font-size: 12.5px; color: var(--muted); }
.running { margin: 4px 0 0; font-size: 12.5px; color: var(--muted); }
.partial { border: 1px dashed var(--muted); border-radius: 999px; padding: 0 6px; font-size: 11px; }
.formula { margin: 6px 0 4px; font-size: 12px; color: var(--muted); }
.formula summary { cursor: pointer; }
.formula p { margin: 4px 0 0; }
svg .scale { font-size: 10px; }
code { background: #eaeef2; padding: 1px 5px; border-radius: 4px; }
@media print { body { background: #fff; } .card, .scroll, .pair > div { break-inside: avoid; } }
`;
