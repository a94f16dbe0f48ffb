import { renderSvg } from './charts.ts';
import { metricHeatmap, metricPoints, regionMap, replicationsMap } from './sweepCharts.ts';
import { sweepReportData, type SweepReportInput } from './sweepData.ts';
import { renderSweepHtml, type RenderedSweepCharts } from './sweepHtml.ts';
import { renderSweepMarkdown } from './sweepMarkdown.ts';

export type { SweepReportInput } from './sweepData.ts';

/**
 * A sweep's report: its results in, `report.html` and `report.md` text out.
 * No I/O (the sweep command writes them next to cells.csv); asynchronous only
 * because vega renders asynchronously.
 */
export async function buildSweepReport(input: SweepReportInput): Promise<{ html: string; markdown: string }> {
  const d = sweepReportData(input);
  const oneOption = input.plan.sweep.vary.length === 1;
  // One at a time, in a fixed order: the output must not depend on scheduling.
  const charts: RenderedSweepCharts = { region: await renderSvg(regionMap(d), 'chart-region'), replications: null, metrics: [] };
  if (d.adaptive) charts.replications = await renderSvg(replicationsMap(d), 'chart-replications');
  for (const view of d.metrics) charts.metrics.push(await renderSvg(oneOption ? metricPoints(d, view) : metricHeatmap(d, view), `chart-metric-${view.metric}`));
  return { html: renderSweepHtml(d, charts), markdown: renderSweepMarkdown(d) };
}
