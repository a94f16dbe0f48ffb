import { esc } from './format.ts';

/**
 * What every ocs-sim report page shares: the stylesheet, the head (nothing
 * may load from anywhere, so a report opens from disk), tables and chart
 * figures. Run reports (html.ts) and sweep reports (sweepHtml.ts) use it.
 */

export const CSS = `
:root { --ink: #1d2733; --muted: #5b6775; --line: #e3e8ee; --panel: #f6f8fa; --accent: #4c78a8; --good: #2f7d32; --bad: #c0392b; --warn: #b9770e; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; line-height: 1.45; font-size: 14px; }
main { max-width: 1000px; margin: 0 auto; padding: 0 20px 48px; }
header.top { background: linear-gradient(135deg, #1f3b57, #2f5f8a); color: #fff; padding: 26px 0 22px; margin-bottom: 18px; }
header.top .inner { max-width: 1000px; margin: 0 auto; padding: 0 20px; }
header.top .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; opacity: .75; }
header.top h1 { margin: 4px 0 6px; font-size: 26px; font-weight: 650; }
header.top p { margin: 0; max-width: 820px; opacity: .9; }
.chips { margin-top: 12px; display: flex; flex-wrap: wrap; gap: 6px; }
.chips.options .chip code { color: #cfe3f7; font-size: 11.5px; }
.chip { background: rgba(255,255,255,.14); border: 1px solid rgba(255,255,255,.25); border-radius: 999px; padding: 2px 10px; font-size: 12px; }
nav.toc { position: sticky; top: 0; z-index: 2; background: rgba(255,255,255,.96); border-bottom: 1px solid var(--line); margin: 0 -20px 10px; padding: 8px 20px; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; }
h2 { font-size: 19px; margin: 34px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 22px 0 6px; }
p.lead { color: var(--muted); margin: 4px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 10px; margin: 10px 0 16px; }
.card { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 8px; padding: 10px 12px; background: #fff; }
.card.good { border-left-color: var(--good); } .card.bad { border-left-color: var(--bad); } .card.warn { border-left-color: var(--warn); }
.card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card .note { font-size: 12px; color: var(--muted); }
ul.story { margin: 6px 0 0; padding-left: 20px; } ul.story li { margin: 3px 0; }
.warnings { border-left: 4px solid var(--warn); background: #fdf6e7; padding: 6px 12px; margin: 8px 0 12px; } .warnings h3 { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
figure { margin: 14px 0 8px; }
figure.chart { border: 1px solid var(--line); border-radius: 8px; padding: 10px 10px 6px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 13px; color: var(--muted); margin: 0 4px 6px; }
figcaption b { color: var(--ink); font-size: 14px; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12.5px; color: var(--muted); margin: 6px 0; }
.swatch { display: inline-block; width: 14px; height: 10px; border-radius: 2px; vertical-align: -1px; margin-right: 5px; }
.sample { border: 1px solid var(--line); border-radius: 8px; padding: 10px; margin: 14px 0; overflow-x: auto; }
.tag { display: inline-block; font-size: 11.5px; border-radius: 4px; padding: 1px 6px; margin: 0 4px 2px 0; background: #fdecea; color: var(--bad); }
.machines figure { overflow-x: auto; }
/* State diagrams keep their own size (11 px labels) and the figure scrolls sideways: squeezed to the page, labels would be 3 px tall. */
.machines figure svg.machine { max-width: none; width: auto; }
details { margin: 8px 0; } summary { cursor: pointer; color: var(--accent); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-x: auto; font-size: 12px; }
.log { border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; overflow: hidden; }
.log .title { background: var(--panel); padding: 6px 10px; font-weight: 600; font-size: 13px; }
.log ol { list-style: none; margin: 0; padding: 4px 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11.5px; }
.log li { padding: 1px 10px; white-space: pre; overflow-x: auto; }
.log li .n { color: #98a2ad; display: inline-block; min-width: 56px; }
.log li.saved { color: #2f6b33; } .log li.queued { color: #a2322a; } .log li.race { color: #8c6bb1; }
.log li.wait { color: #6b4a00; } .log li.focus { background: #fdf0d5; font-weight: 700; }
table.inv td:first-child { width: 72px; } table.inv td:nth-child(2) { width: 34%; }
table.inv td.meant { color: var(--warn); font-weight: 700; }
table.inv td.ok { color: var(--good); font-weight: 700; } table.inv td.fail { color: var(--bad); font-weight: 700; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12.5px; }
@media (max-width: 760px) { .grid2 { grid-template-columns: 1fr; } }
`;

/** A table: `head` is text, `rows` HTML; `numeric` columns align right; `rowClass` gives a row a class (or none). */
export function table(head: string[], rows: string[][], numeric: number[] = [], rowClass: (i: number) => string | null = () => null): string {
  const cell = (tag: string, text: string, i: number) => `<${tag}${numeric.includes(i) ? ' class="num"' : ''}>${text}</${tag}>`;
  const tr = (i: number) => {
    const c = rowClass(i);
    return c === null ? '<tr>' : `<tr class="${c}">`;
  };
  return `<table><thead><tr>${head.map((h, i) => cell('th', esc(h), i)).join('')}</tr></thead><tbody>${rows.map((r, i) => `${tr(i)}${r.map((c, j) => cell('td', c, j)).join('')}</tr>`).join('')}</tbody></table>`;
}

export function chart(id: string, title: string, caption: string, svg: string): string {
  return `<figure class="chart" id="${id}" data-chart="${id}"><figcaption><b>${esc(title)}</b> — ${caption}</figcaption>${svg}</figure>`;
}

export const swatch = (color: string, opacity: number, label: string) =>
  `<span><span class="swatch" style="background:${color};opacity:${opacity}"></span>${esc(label)}</span>`;

/** The document head and the coloured header band. */
export function pageStart(p: {
  title: string;
  kicker: string;
  heading: string;
  description: string;
  chips: string[];
  extraChips?: string;
  css?: string;
}): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load from anywhere: the report is one file that opens from disk.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(p.title)}</title>`,
    `<style>${CSS}${p.css ?? ''}</style></head><body>`,
    `<header class="top"><div class="inner"><div class="kicker">${esc(p.kicker)}</div><h1>${esc(p.heading)}</h1>`,
    p.description.trim() ? `<p>${esc(p.description.trim())}</p>` : '',
    `<div class="chips">${p.chips.map((c) => `<span class="chip">${c}</span>`).join('')}</div>`,
    p.extraChips ?? '',
    '</div></header><main>',
  ];
}
