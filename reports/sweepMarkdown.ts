import { fmtStat, objectiveText } from '../sweep/recommend.ts';
import { mdCell } from './format.ts';
import { decisionsText, standingMark, type GridCell, type MetricView, type SweepReportData } from './sweepData.ts';

/**
 * The sweep report as Markdown: the recommendation (recommendation.md's
 * text), then every charted metric as a grid like the heatmaps of
 * report.html: the first swept option down, the others across, each cell its
 * mean [95% CI], ✓ where the cell meets every objective, ★ the recommended
 * setting, ☆ the runner-up.
 */

/** The swept options as a table (the first down, the others across), each cell's text given; `single` heads the one column of a one-option sweep. */
function cellGrid(d: SweepReportData, single: string, text: (c: GridCell) => string): string[] {
  const across = d.columns.title === '' ? [''] : d.panels.values.flatMap((panel) => d.columns.values.map((column) => ({ panel, column })));
  const panel = (p: string) => (p === '' ? '' : p.includes('=') ? p : `${d.panels.title}=${p}`);
  const heading = (a: (typeof across)[number]) =>
    typeof a === 'string' ? single : [`${d.columns.title}=${a.column}`, panel(a.panel)].filter(Boolean).join(', ');
  const rows = d.rows.values.map((row) => {
    const cells = across.map((a) => {
      const c = d.cells.find((x) => x.row === row && (typeof a === 'string' || (x.column === a.column && x.panel === a.panel)));
      return c === undefined ? '' : `${standingMark(c.standing)}${text(c)}${c.standing !== 'fails' ? ' ✓' : ''}`;
    });
    return `| ${mdCell(`${d.rows.title}=${row}`)} | ${cells.map(mdCell).join(' | ')} |`;
  });
  return [`| | ${across.map((a) => mdCell(heading(a))).join(' | ')} |`, `|---|${across.map(() => '---').join('|')}|`, ...rows, ''];
}

function metricGrid(d: SweepReportData, view: MetricView): string[] {
  const objective = view.objectives.length > 0 ? ` Objective: ${view.objectives.map((o) => `\`${objectiveText(o)}\``).join(', ')}.` : '';
  const goal = view.goal ? ` Goal: ${view.goal}.` : '';
  return [`### ${view.metric}`, '', `${view.description}.${objective}${goal}`, '', ...cellGrid(d, view.metric, (c) => fmtStat(c.stats[view.metric]))];
}

/** An adaptive sweep: each cell's replications, why it stopped and the objectives it left undecided. */
function replicationsGrid(d: SweepReportData): string[] {
  if (!d.adaptive) return [];
  const { runsUsed, fullGrid, min, max } = d.adaptive;
  return [
    '## Replications per cell',
    '',
    `Adaptive: ${runsUsed} of the full grid's ${fullGrid} runs; every cell started with ${min} seeds and got one more per round while a decision about it was open, up to ${max}. ` +
      'Each cell: its replications, why it stopped, and the objectives it left undecided (an undecided objective counts against the cell); ✓ meets every objective, ★ recommended, ☆ runner-up.',
    '',
    ...cellGrid(d, 'replications', (c) => (c.decisions ? `${c.decisions.replications} runs: ${decisionsText(c.decisions)}` : '')),
  ];
}

export function renderSweepMarkdown(d: SweepReportData): string {
  const out: string[] = [d.input.recommendation.markdown, '', ...replicationsGrid(d)];
  if (d.rows.title !== '') {
    out.push('## Each metric across the swept options', '');
    out.push(
      'Mean [95% CI] over the replications; ✓ meets every objective, ★ recommended, ☆ runner-up. Charts of the same in `report.html`; every metric of every cell in `cells.csv`.',
      '',
    );
    for (const view of d.metrics) out.push(...metricGrid(d, view));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
