import { timeUnitMs, deliveryChart, dialChart, markedChart, poolChart, raceChart, renderSvg, responsesChart, type TimeContext } from './charts.ts';
import { renderHtml, type RenderedCharts } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { reportData, type RunReportInput } from './reportData.ts';

export type { RunReportInput } from './reportData.ts';
export { sampleEveryMs } from './reportData.ts';

/**
 * A run's report: data in, `report.html` and `report.md` text out. No I/O
 * (the CLI reads the run's files and writes these); asynchronous only
 * because vega renders asynchronously.
 */
export async function buildRunReport(input: RunReportInput): Promise<{ html: string; markdown: string }> {
  const d = reportData(input);
  const model = input.model;
  const ctx: TimeContext = { endMs: d.endMs, outages: d.outages, waits: d.waits, stopMs: d.stopMs, unitMs: timeUnitMs(d.endMs) };
  const groups = model.groups.map((g) => ({ name: g.name, threshold: g.options.historyWaitConditionThreshold }));
  const agents = model.groups.reduce((n, g) => n + g.agents, 0);
  const specs = {
    marked: markedChart(input.series, groups, ctx),
    pool: poolChart(input.series, model.httpConnectionPoolSize, ctx),
    dial: dialChart(input.series, d.binMs, agents, ctx),
    responses: responsesChart(input.series, d.binMs, ctx),
    races: raceChart(input.series, d.binMs, ctx),
    delivery: deliveryChart(d.delivery),
  };
  const charts = {} as RenderedCharts;
  // One at a time, in a fixed order: the output must not depend on scheduling.
  for (const [name, spec] of Object.entries(specs)) charts[name as keyof RenderedCharts] = await renderSvg(spec, `chart-${name}`);
  return { html: renderHtml(d, charts), markdown: renderMarkdown(d) };
}
