import { fmtStat, objectiveText } from '../sweep/recommend.ts';
import { mdCell } from './format.ts';
import { standingMark, type MetricView, type SweepReportData } from './sweepData.ts';

/**
 * The sweep report as Markdown: the recommendation (recommendation.md's
 * text), then every charted metric as a grid like the heatmaps of
 * report.html: the first swept option down, the others across, each cell its
 * mean [95% CI], ✓ where the cell meets every objective, ★ the recommended
 * setting, ☆ the runner-up.
 */

function metricGrid(d: SweepReportData, view: MetricView): string[] {
  const across = d.columns.title === '' ? [''] : d.panels.values.flatMap((panel) => d.columns.values.map((column) => ({ panel, column })));
  const panel = (p: string) => (p === '' ? '' : p.includes('=') ? p : `${d.panels.title}=${p}`);
  const heading = (a: (typeof across)[number]) => (typeof a === 'string' ? view.metric : [`${d.columns.title}=${a.column}`, panel(a.panel)].filter(Boolean).join(', '));
  const rows = d.rows.values.map((row) => {
    const cells = across.map((a) => {
      const c = d.cells.find((x) => x.row === row && (typeof a === 'string' || (x.column === a.column && x.panel === a.panel)));
      if (c === undefined) return '';
      return `${standingMark(c.standing)}${fmtStat(c.stats[view.metric])}${c.standing !== 'fails' ? ' ✓' : ''}`;
    });
    return `| ${mdCell(`${d.rows.title}=${row}`)} | ${cells.map(mdCell).join(' | ')} |`;
  });
  const objective = view.objectives.length > 0 ? ` Objective: ${view.objectives.map((o) => `\`${objectiveText(o)}\``).join(', ')}.` : '';
  const goal = view.goal ? ` Goal: ${view.goal}.` : '';
  return [`### ${view.metric}`, '', `${view.description}.${objective}${goal}`, '', `| | ${across.map((a) => mdCell(heading(a))).join(' | ')} |`, `|---|${across.map(() => '---').join('|')}|`, ...rows, ''];
}

export function renderSweepMarkdown(d: SweepReportData): string {
  const out: string[] = [d.input.recommendation.markdown, ''];
  if (d.rows.title !== '') {
    out.push('## Each metric across the swept options', '');
    out.push('Mean [95% CI] over the replications; ✓ meets every objective, ★ recommended, ☆ runner-up. Charts of the same in `report.html`; every metric of every cell in `cells.csv`.', '');
    for (const view of d.metrics) out.push(...metricGrid(d, view));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
