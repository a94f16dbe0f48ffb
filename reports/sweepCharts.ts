import type { TopLevelSpec } from 'vega-lite';
import type { Stop } from '../sweep/adaptive.ts';
import { limitText, meets, short } from '../sweep/recommend.ts';
import { COLORS } from './charts.ts';
import { standingMark, type GridCell, type MetricView, type Standing, type SweepReportData } from './sweepData.ts';

/**
 * The sweep report's charts as vega-lite specs (rendered by charts.ts's
 * renderSvg): for each metric, its mean and 95% CI in every cell, as a
 * heatmap over two options (panels side by side for a third and beyond) or
 * as points with error bars over one; and the objectives' region, every cell
 * coloured by whether it meets every objective. The recommended cell carries
 * a ★, the runner-up a ☆, and cells meeting every objective a green frame.
 */

const STANDING_COLORS: Record<Standing, string> = { recommended: '#2f7d32', 'runner-up': '#74b06a', qualifies: '#cfe8c9', fails: '#eceff2' };
/** Points need stronger colours than cells to be seen. */
const POINT_COLORS: Record<Standing, string> = { recommended: '#2f7d32', 'runner-up': '#74b06a', qualifies: '#9fd18f', fails: '#9aa5b1' };
const QUALIFYING_FRAME = '#2f7d32';

const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  aria: false,
  background: 'white',
  view: { stroke: null },
  axis: {
    labelColor: '#555',
    titleColor: '#333',
    domainColor: '#bbb',
    tickColor: '#bbb',
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    labelAngle: 0,
  },
  header: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', labelColor: '#333', titleColor: '#333' },
  legend: { labelFontSize: 11, titleFontSize: 11, gradientLength: 120 },
  padding: { left: 4, right: 8, top: 6, bottom: 4 },
} as const;

function size(d: SweepReportData): { width: number; height: number } {
  const across = d.columns.values.length * d.panels.values.length;
  const cell = Math.max(68, Math.min(140, Math.floor(740 / across)));
  return { width: cell * d.columns.values.length, height: 42 * d.rows.values.length };
}

/** A grid of cells as rect + frame + text layers, in panels when a third option is swept. */
function grid(d: SweepReportData, values: object[], layers: object[], extra: Record<string, unknown> = {}): TopLevelSpec {
  const { width, height } = size(d);
  const x = { field: 'column', type: 'ordinal', sort: d.columns.values, title: d.columns.title || null, axis: d.columns.title ? { orient: 'top' } : null };
  const y = { field: 'row', type: 'ordinal', sort: d.rows.values, title: d.rows.title };
  const withAxes = layers.map((layer) => ({ ...layer, encoding: { x, y, ...(layer as { encoding?: object }).encoding } }));
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, data: { values }, ...extra };
  if (d.panels.values.length > 1) {
    return {
      ...base,
      facet: { column: { field: 'panel', type: 'ordinal', sort: d.panels.values, title: d.panels.title } },
      spec: { width, height, layer: withAxes },
      resolve: { scale: { color: 'shared' } },
    } as unknown as TopLevelSpec;
  }
  return { ...base, width, height, layer: withAxes } as unknown as TopLevelSpec;
}

/** Green frames around every cell that meets every objective: the objectives' region. */
const qualifyingFrame = {
  transform: [{ filter: 'datum.qualifies' }],
  mark: { type: 'rect', fillOpacity: 0, stroke: QUALIFYING_FRAME, strokeWidth: 3 },
};

const cellText = (colorTest: string) => ({
  mark: { type: 'text', lineBreak: '\n', fontSize: 10.5, lineHeight: 13, limit: 0 },
  encoding: { text: { field: 'text' }, color: { condition: { test: colorTest, value: 'white' }, value: '#1d2733' } },
});

function objectiveLabel(view: MetricView): string {
  const parts = view.objectives.map(limitText);
  return parts.length > 0 ? `objective ${parts.join(', ')}` : '';
}

const ciText = (c: GridCell, view: MetricView) => {
  const s = c.stats[view.metric];
  return s.ciLow === s.ciHigh ? '' : `[${short(s.ciLow)}, ${short(s.ciHigh)}]`;
};

/** One metric over two or more options: the mean as colour, mean and CI as text. */
export function metricHeatmap(d: SweepReportData, view: MetricView): TopLevelSpec {
  const means = d.cells.map((c) => c.stats[view.metric].mean);
  const lo = Math.min(...means);
  const hi = Math.max(...means);
  const values = d.cells.map((c) => {
    const s = c.stats[view.metric];
    return {
      row: c.row,
      column: c.column,
      panel: c.panel,
      mean: s.mean,
      shade: hi > lo ? (s.mean - lo) / (hi - lo) : 0,
      text: `${standingMark(c.standing)}${short(s.mean)}\n${ciText(c, view)}`,
      qualifies: c.standing !== 'fails',
      failsHere: view.objectives.some((o) => !meets(o, s)),
    };
  });
  return grid(d, values, [
    {
      mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
      encoding: {
        color: { field: 'mean', type: 'quantitative', scale: { scheme: 'blues', zero: false }, title: [view.metric, objectiveLabel(view)].filter(Boolean) },
      },
    },
    { transform: [{ filter: 'datum.failsHere' }], mark: { type: 'rect', fillOpacity: 0, stroke: COLORS.threshold, strokeWidth: 1.5, strokeDash: [4, 3] } },
    qualifyingFrame,
    cellText('datum.shade > 0.55'),
  ]);
}

/** One metric over one option: the mean with its 95% CI as an error bar, objective limits as dashed lines. */
export function metricPoints(d: SweepReportData, view: MetricView): TopLevelSpec {
  const values = d.cells.map((c) => {
    const s = c.stats[view.metric];
    return { value: c.row, mean: s.mean, ciLow: s.ciLow, ciHigh: s.ciHigh, standing: c.standing, mark: standingMark(c.standing) };
  });
  const x = { field: 'value', type: 'ordinal', sort: d.rows.values, title: d.rows.title, axis: { labelAngle: 0 } };
  const y = { type: 'quantitative', title: view.metric, scale: { zero: false } };
  const limits = view.objectives.map((o) => ({ limit: o.max ?? o.min ?? o.equals!, label: objectiveLabel({ ...view, objectives: [o] }) }));
  const layers: object[] = [
    { data: { values }, mark: { type: 'rule', color: COLORS.muted, strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'ciLow' }, y2: { field: 'ciHigh' } } },
    {
      data: { values },
      mark: { type: 'point', filled: true, size: 70 },
      encoding: {
        x,
        y: { ...y, field: 'mean' },
        color: { field: 'standing', type: 'nominal', title: null, scale: { domain: Object.keys(POINT_COLORS), range: Object.values(POINT_COLORS) } },
      },
    },
    {
      data: { values },
      mark: { type: 'text', dy: -12, fontSize: 14, color: STANDING_COLORS.recommended },
      encoding: { x, y: { ...y, field: 'mean' }, text: { field: 'mark' } },
    },
  ];
  if (limits.length > 0) {
    layers.push({
      data: { values: limits },
      mark: { type: 'rule', color: COLORS.threshold, strokeDash: [5, 4] },
      encoding: { y: { field: 'limit', type: 'quantitative' } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, view: { stroke: '#e5e5e5' }, legend: { ...CONFIG.legend, orient: 'top' } },
    width: Math.max(240, Math.min(760, 90 * d.rows.values.length)),
    height: 200,
    layer: layers,
  } as unknown as TopLevelSpec;
}

/** Why an adaptive cell got no more replications, short enough for a chart's cell. */
const STOP_LABEL: Record<Stop, string> = { open: 'open', fails: 'failed', worse: 'worse goal', decided: 'decided', max: 'at max' };

/** An adaptive sweep's replications per cell (colour) with why each cell stopped and how many objectives it left undecided. */
export function replicationsMap(d: SweepReportData): TopLevelSpec {
  const { min, max } = d.adaptive ?? { min: 0, max: 1 };
  const values = d.cells.map((c) => {
    const n = c.decisions?.replications ?? 0;
    const open = c.decisions?.openMetrics.length ?? 0;
    const how = [c.decisions ? STOP_LABEL[c.decisions.stop] : '', open > 0 ? `${open} open` : ''].filter(Boolean).join(' · ');
    return {
      row: c.row,
      column: c.column,
      panel: c.panel,
      replications: n,
      dark: n > (min + max) / 2,
      qualifies: c.standing !== 'fails',
      text: `${standingMark(c.standing)}${n} runs\n${how}`,
    };
  });
  return grid(d, values, [
    {
      mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
      encoding: { color: { field: 'replications', type: 'quantitative', scale: { scheme: 'oranges', domain: [min, max] }, title: 'replications' } },
    },
    qualifyingFrame,
    cellText('datum.dark'),
  ]);
}

/** The objectives' region: which cells meet every objective, which fail and on what. */
export function regionMap(d: SweepReportData): TopLevelSpec {
  const values = d.cells.map((c) => {
    const failing = c.failedMetrics;
    const shown = failing.length > 1 ? [failing[0], `+${failing.length - 1} more`] : failing;
    return {
      row: c.row,
      column: c.column,
      panel: c.panel,
      standing: c.standing,
      qualifies: c.standing !== 'fails',
      dark: c.standing === 'recommended',
      text: c.standing === 'fails' ? shown.join('\n') : `${standingMark(c.standing)}${c.standing === 'qualifies' ? 'meets all' : c.standing}`,
    };
  });
  return grid(d, values, [
    {
      mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
      encoding: {
        color: {
          field: 'standing',
          type: 'nominal',
          title: null,
          scale: { domain: Object.keys(STANDING_COLORS), range: Object.values(STANDING_COLORS) },
          legend: { orient: 'bottom', direction: 'horizontal' },
        },
      },
    },
    qualifyingFrame,
    cellText('datum.dark'),
  ]);
}
