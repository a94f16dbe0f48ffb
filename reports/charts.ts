import type { LoggerInterface } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import type { Sample } from '../sim/run.ts';
import type { Outage, WaitPeriod } from './traceFacts.ts';

/**
 * The report's charts as vega-lite specs (data in, spec out) and their
 * rendering to SVG strings in Node, without a browser. All time charts share
 * one x axis (minutes into the run, same domain and width) and show the
 * outages shaded, so they read as one stacked figure.
 */

export const COLORS = {
  externalOutage: '#e45756',
  networkOutage: '#8c6bb1',
  ocsDown: '#555555',
  wait: '#f2a93b',
  seq0: '#4c78a8',
  seq1: '#b07aa1',
  ok: '#54a24b',
  line: '#4c78a8',
  second: '#f58518',
  third: '#72b7b2',
  threshold: '#c0392b',
  muted: '#888888',
} as const;

/** Plot width of every time chart; each SVG is exactly this plus MARGIN on either side, so their axes line up. */
const WIDTH = 806;
const MARGIN = 66;
const AXIS_Y_EXTENT = 44;

/** Shared look: fixed axis extents so the plot areas of all time charts line up. */
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  aria: false,
  background: 'white',
  view: { stroke: '#e5e5e5' },
  axis: {
    labelColor: '#555',
    titleColor: '#333',
    gridColor: '#eee',
    domainColor: '#bbb',
    tickColor: '#bbb',
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal',
  },
  axisY: { minExtent: AXIS_Y_EXTENT, maxExtent: AXIS_Y_EXTENT },
  legend: { orient: 'top', direction: 'horizontal', labelLimit: 400, labelFontSize: 11, titleFontSize: 11, symbolSize: 80, offset: 4, columnPadding: 14 },
  padding: { left: 4, right: 8, top: 4, bottom: 4 },
} as const;

export interface TimeContext {
  /** The run's end, ms: the right edge of every time chart. */
  endMs: number;
  outages: readonly Outage[];
  waits: readonly WaitPeriod[];
  /** When the campaign groups were stopped (the scenario's duration), ms. */
  stopMs: number;
  /** The time axis' unit, ms: seconds for a short run, else minutes (timeUnitMs). */
  unitMs?: number;
}

/** Runs up to this long get a time axis in seconds: minute ticks would read 0.0, 0.5. */
export const SECONDS_AXIS_UP_TO_MS = 5 * 60_000;
/** The time axis' unit for a run that ends at `endMs`. */
export const timeUnitMs = (endMs: number) => (endMs <= SECONDS_AXIS_UP_TO_MS ? 1000 : 60_000);
/** `seconds` or `minutes`. */
export const timeUnitName = (unitMs: number) => (unitMs === 1000 ? 'seconds' : 'minutes');
/** A time on the chart's axis. */
const at = (ctx: TimeContext, ms: number) => Math.round((ms / (ctx.unitMs ?? 60_000)) * 10_000) / 10_000;

function xAxis(ctx: TimeContext, title = true) {
  return {
    field: 'min',
    type: 'quantitative' as const,
    scale: { domain: [0, at(ctx, ctx.endMs)], nice: false, zero: true },
    axis: { title: title ? `${timeUnitName(ctx.unitMs ?? 60_000)} into the run` : null, tickMinStep: 1, grid: true },
  };
}

/** Outages (and optionally wait conditions) as shaded bands behind the data. */
function shading(ctx: TimeContext, withWaits: boolean): object[] {
  const layers: object[] = [];
  for (const [where, color] of [
    ['external system', COLORS.externalOutage],
    ['network', COLORS.networkOutage],
    ['OCS', COLORS.ocsDown],
  ] as const) {
    const bands = ctx.outages.filter((o) => o.where === where).map((o) => ({ min: at(ctx, o.fromMs), until: at(ctx, o.untilMs) }));
    if (bands.length === 0) continue;
    layers.push({ data: { values: bands }, mark: { type: 'rect', color, opacity: 0.14 }, encoding: { x: xAxis(ctx), x2: { field: 'until' } } });
  }
  if (withWaits && ctx.waits.length > 0) {
    layers.push({
      data: { values: ctx.waits.map((w) => ({ min: at(ctx, w.fromMs), until: at(ctx, w.untilMs) })) },
      mark: { type: 'rect', color: COLORS.wait, opacity: 0.28 },
      encoding: { x: xAxis(ctx), x2: { field: 'until' } },
    });
  }
  layers.push({
    data: { values: [{ min: at(ctx, ctx.stopMs) }] },
    mark: { type: 'rule', color: '#999', strokeDash: [2, 3] },
    encoding: { x: xAxis(ctx) },
  });
  return layers;
}

/** A chart on the shared time axis: fixed margins (no autosize), room at the top for a legend when it has one. */
function timeChart(
  _ctx: TimeContext,
  height: number,
  layers: object[],
  extra: { legend?: 'plain' | 'titled' | null; [k: string]: unknown } = {},
): TopLevelSpec {
  const { legend = null, ...rest } = extra;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height,
    autosize: { type: 'none' },
    padding: { left: MARGIN, right: MARGIN, top: legend === 'titled' ? 42 : legend === 'plain' ? 26 : 10, bottom: 36 },
    config: CONFIG,
    layer: layers,
    ...rest,
  } as unknown as TopLevelSpec;
}

/** One colour per campaign group, in scenario order: its records, threshold line, label and wait lane share it. */
export const GROUP_PALETTE = [COLORS.line, COLORS.second, COLORS.ok, COLORS.networkOutage, COLORS.third, '#9d755d'] as const;

/** A threshold line several groups share: no one group's colour. */
const SHARED_THRESHOLD = '#555555';
/** Height of the marked chart's plot, px. */
const MARKED_HEIGHT = 170;
/** Vertical room of one threshold label, px: labels closer than this are moved apart. */
export const LABEL_GAP = 12;
/** Height of one group's wait-condition lane at the top of the marked chart, px. */
const LANE = 7;

export interface ThresholdLabel {
  threshold: number;
  /** The groups whose threshold it is (several with the same value share one line and one label). */
  groups: number[];
  text: string;
  /** Where the label's baseline goes, px from the plot's top. */
  y: number;
}

/**
 * One label per distinct threshold, placed just above its line, then moved
 * up (or, at the top, down) until no two are closer than LABEL_GAP: equal
 * thresholds share a label naming every group, and labels never overlap.
 */
export function thresholdLabels(groups: readonly { name: string; threshold: number }[], yMax: number, height = MARKED_HEIGHT, top = 0): ThresholdLabel[] {
  const byValue = new Map<number, number[]>();
  for (const [i, g] of groups.entries()) byValue.set(g.threshold, [...(byValue.get(g.threshold) ?? []), i]);
  const names = (ix: number[]) => (groups.length > 1 ? ` (${ix.map((i) => groups[i].name).join(', ')})` : '');
  const labels = [...byValue.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([threshold, ix]) => ({
      threshold,
      groups: ix,
      text: `history-wait-condition-threshold ${threshold}${names(ix)}`,
      y: height * (1 - threshold / yMax) - 4,
    }));
  // From the lowest line up: each label at most at its line, at least LABEL_GAP above the one below it.
  for (let k = 1; k < labels.length; k++) labels[k].y = Math.min(labels[k].y, labels[k - 1].y - LABEL_GAP);
  // Pushed above the plot: shift them all down again, keeping the gaps (the lowest may then sit under its line).
  const overflow = top + LABEL_GAP - 2 - Math.min(...labels.map((l) => l.y));
  if (overflow > 0) for (const l of labels) l.y += overflow;
  return labels;
}

/** Records marked for re-submission per campaign group, each group's threshold, its wait conditions. */
export function markedChart(series: readonly Sample[], groups: readonly { name: string; threshold: number }[], ctx: TimeContext): TopLevelSpec {
  const many = groups.length > 1;
  const values = series.flatMap((s) => groups.map((g, i) => ({ min: at(ctx, s.t), group: g.name, n: s.marked[i] })));
  const max = Math.max(1, ...values.map((v) => v.n), ...groups.map((g) => g.threshold));
  const yMax = Math.ceil(max * 1.08);
  // Lanes of wait conditions, one per group, sit at the top: labels start below them.
  const lanes = many ? groups.length * LANE : 0;
  const labels = thresholdLabels(groups, yMax, MARKED_HEIGHT, lanes);
  // Each group's own count (never stacked: the threshold applies per group).
  const domain = groups.map((g) => g.name);
  const range = groups.map((_, i) => GROUP_PALETTE[i % GROUP_PALETTE.length]);
  const color = { color: { field: 'group', type: 'nominal', title: 'campaign group', scale: { domain, range }, legend: many ? { symbolOpacity: 1 } : null } };
  const pixels = { type: 'quantitative', scale: null } as const;
  const layers: object[] = [...shading(ctx, !many)];
  if (many && ctx.waits.length > 0) {
    // Each group's wait conditions in its own colour: faint across the plot, solid in the group's lane at the top.
    const waits = ctx.waits.map((w) => ({ min: at(ctx, w.fromMs), until: at(ctx, w.untilMs), group: w.group, lane: domain.indexOf(w.group) }));
    layers.push({ data: { values: waits }, mark: { type: 'rect', opacity: 0.1 }, encoding: { x: xAxis(ctx), x2: { field: 'until' }, ...color } });
    layers.push({
      data: { values: waits.map((w) => ({ ...w, y: w.lane * LANE, y2: w.lane * LANE + LANE - 1 })) },
      mark: { type: 'rect', opacity: 0.85 },
      encoding: { x: xAxis(ctx), x2: { field: 'until' }, y: { field: 'y', ...pixels }, y2: { field: 'y2' }, ...color },
    });
  }
  // A threshold of one group in its colour; one several groups share in a neutral grey, its label naming them all.
  const own = labels.filter((l) => l.groups.length === 1);
  const shared = labels.filter((l) => l.groups.length > 1);
  const thresholdLayers = (rows: ThresholdLabel[], colour: object): object[] =>
    rows.length === 0
      ? []
      : [
          {
            data: { values: rows.map((l) => ({ threshold: l.threshold, group: groups[l.groups[0]].name })) },
            mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
            encoding: { y: { field: 'threshold', type: 'quantitative' }, ...colour },
          },
          {
            data: { values: rows.map((l) => ({ text: l.text, y: l.y, group: groups[l.groups[0]].name })) },
            mark: { type: 'text', align: 'right', fontSize: 10, x: 'width', dx: -4 },
            encoding: { y: { field: 'y', ...pixels }, text: { field: 'text' }, ...colour },
          },
        ];
  layers.push(
    ...thresholdLayers(own, many ? color : { color: { value: COLORS.threshold } }),
    ...thresholdLayers(shared, { color: { value: SHARED_THRESHOLD } }),
  );
  layers.push({
    data: { values },
    mark: { type: 'area', line: { strokeWidth: 1.5 }, opacity: 0.25, interpolate: 'step-after' },
    encoding: { x: xAxis(ctx, false), y: { field: 'n', type: 'quantitative', title: 'records', stack: null, scale: { domain: [0, yMax] } }, ...color },
  });
  return timeChart(ctx, MARKED_HEIGHT, layers, { legend: many ? 'titled' : null });
}

/** POSTs on the wire and the HTTP connection pool. */
export function poolChart(series: readonly Sample[], poolSize: number, ctx: TimeContext): TopLevelSpec {
  const names = ['POSTs in flight', 'connections in use', 'waiting for a connection'] as const;
  const values = series.flatMap((s) => [
    { min: at(ctx, s.t), what: names[0], n: s.inFlight },
    { min: at(ctx, s.t), what: names[1], n: s.poolInUse },
    { min: at(ctx, s.t), what: names[2], n: s.poolWaiting },
  ]);
  const max = Math.max(poolSize, ...values.map((v) => v.n));
  return timeChart(
    ctx,
    150,
    [
      ...shading(ctx, false),
      {
        data: { values: [{ size: poolSize, label: `http-connection-pool-size ${poolSize}` }] },
        layer: [
          { mark: { type: 'rule', color: COLORS.threshold, strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { field: 'size', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'right', dy: -6, color: COLORS.threshold, fontSize: 10, x: 'width', dx: -4 },
            encoding: { y: { field: 'size', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.3, interpolate: 'step-after' },
        encoding: {
          x: xAxis(ctx, false),
          y: { field: 'n', type: 'quantitative', title: 'requests', scale: { domain: [0, Math.ceil(max * 1.15)] } },
          color: { field: 'what', type: 'nominal', title: null, scale: { domain: [...names], range: [COLORS.line, COLORS.third, COLORS.second] } },
        },
      },
    ],
    { legend: 'plain' },
  );
}

/** Counts per bin of `binMs`, from the per-sample deltas. */
export interface Bin {
  min: number;
  until: number;
}

export function bins<T>(
  ctx: TimeContext,
  series: readonly Sample[],
  binMs: number,
  pick: (s: Sample) => T[],
  key: (x: T) => string,
  count: (x: T) => number,
): (Bin & { key: string; n: number })[] {
  const out = new Map<string, Bin & { key: string; n: number }>();
  for (const s of series) {
    // A sample's counts cover (previous sample, s.t]: they belong to the bin holding s.t - epsilon.
    const index = Math.max(0, Math.ceil(s.t / binMs) - 1);
    for (const x of pick(s)) {
      const n = count(x);
      if (n === 0) continue;
      const k = `${index}|${key(x)}`;
      const bin = out.get(k);
      if (bin === undefined) out.set(k, { min: at(ctx, index * binMs), until: at(ctx, (index + 1) * binMs), key: key(x), n });
      else bin.n += n;
    }
  }
  return [...out.values()].sort((a, b) => a.min - b.min || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Dials per bin (bars) and busy agents (line), on their own axes: the bars count what each bin holds, as its title says. */
export function dialChart(series: readonly Sample[], binMs: number, agents: number, ctx: TimeContext): TopLevelSpec {
  const dials = bins(
    ctx,
    series,
    binMs,
    (s) => [s.dials],
    () => 'dials',
    (n) => n,
  ).map((b) => ({ min: b.min, until: b.until, rate: b.n }));
  const busy = series.map((s) => ({ min: at(ctx, s.t), busy: s.busyAgents }));
  const maxRate = Math.max(1, ...dials.map((d) => d.rate));
  return timeChart(
    ctx,
    150,
    [
      ...shading(ctx, true),
      {
        data: { values: dials.length > 0 ? dials : [{ min: 0, until: 0, rate: 0 }] },
        mark: { type: 'rect', color: COLORS.line, opacity: 0.75 },
        encoding: {
          x: xAxis(ctx, false),
          x2: { field: 'until' },
          y: {
            field: 'rate',
            type: 'quantitative',
            title: `dials per ${binLabel(binMs)}`,
            scale: { domain: [0, Math.ceil(maxRate * 1.1)] },
            axis: { titleColor: COLORS.line },
          },
          y2: { datum: 0 },
        },
      },
      {
        data: { values: busy },
        mark: { type: 'line', color: COLORS.second, strokeWidth: 1.6, interpolate: 'step-after' },
        encoding: {
          x: xAxis(ctx, false),
          y: {
            field: 'busy',
            type: 'quantitative',
            title: `busy agents (of ${agents})`,
            scale: { domain: [0, agents] },
            axis: { titleColor: COLORS.second, grid: false },
          },
        },
      },
    ],
    { resolve: { scale: { y: 'independent' } } },
  );
}

export const OCS_TIMEOUT = 'OCS 408 (timeout)';

/** A stable colour for every status code: green 200, warm colours for failures. */
function codeColor(code: string): string {
  const fixed: Record<string, string> = { '200': COLORS.ok, '408': '#f58518', '409': '#e45756', '418': '#8c6bb1', [OCS_TIMEOUT]: '#eeca3b' };
  if (fixed[code] !== undefined) return fixed[code];
  if (code.startsWith('5')) return ['#9d4b3a', '#c46b4f', '#7f3b2d'][Number(code) % 3];
  return ['#ff9da6', '#d67195', '#bab0ac'][Number(code) % 3];
}

/** Responses OCS received per bin, stacked by status code, with OCS's own timeouts. */
export function responsesChart(series: readonly Sample[], binMs: number, ctx: TimeContext): TopLevelSpec {
  const values = bins(
    ctx,
    series,
    binMs,
    (s) => [...Object.entries(s.responses), [OCS_TIMEOUT, s.timeouts] as [string, number]],
    ([code]) => code,
    ([, n]) => n,
  ).map((b) => ({ min: b.min, until: b.until, code: b.key, n: b.n }));
  const codes = [...new Set(values.map((v) => v.code))].sort((a, b) => (a === OCS_TIMEOUT ? 1 : b === OCS_TIMEOUT ? -1 : Number(a) - Number(b)));
  const domain = codes.length > 0 ? codes : ['200'];
  return timeChart(
    ctx,
    160,
    [
      ...shading(ctx, false),
      {
        data: { values: values.length > 0 ? values : [{ min: 0, until: 0, code: '200', n: 0 }] },
        mark: { type: 'rect' },
        encoding: {
          x: xAxis(ctx, false),
          x2: { field: 'until' },
          y: { field: 'n', type: 'quantitative', title: `responses per ${binLabel(binMs)}`, stack: 'zero' },
          color: { field: 'code', type: 'nominal', title: 'status', sort: domain, scale: { domain, range: domain.map(codeColor) } },
          order: { field: 'code', sort: 'ascending' },
        },
      },
    ],
    { legend: 'titled' },
  );
}

/** Race conditions (predial checks aborted) per bin. */
export function raceChart(series: readonly Sample[], binMs: number, ctx: TimeContext): TopLevelSpec {
  const values = bins(
    ctx,
    series,
    binMs,
    (s) => [s.raceConditions],
    () => 'race',
    (n) => n,
  ).map((b) => ({ min: b.min, until: b.until, n: b.n }));
  const max = Math.max(1, ...values.map((v) => v.n));
  return timeChart(ctx, 110, [
    ...shading(ctx, false),
    ...(values.length === 0
      ? []
      : [
          {
            data: { values },
            mark: { type: 'rect', color: '#c44e52' },
            encoding: {
              x: xAxis(ctx),
              x2: { field: 'until' },
              y: { field: 'n', type: 'quantitative', title: `per ${binLabel(binMs)}`, scale: { domain: [0, Math.ceil(max * 1.1)] } },
              y2: { datum: 0 },
            },
          },
        ]),
    // The zero line comes last: with no race condition it is the chart's data.
    {
      data: { values: [{ zero: 0 }] },
      mark: { type: 'rule', color: '#c44e52', strokeWidth: 1 },
      encoding: { y: { field: 'zero', type: 'quantitative', title: `per ${binLabel(binMs)}`, scale: { domain: [0, Math.ceil(max * 1.1)] } } },
    },
  ]);
}

export function binLabel(binMs: number): string {
  if (binMs % 60_000 === 0) return binMs === 60_000 ? 'minute' : `${binMs / 60_000} min`;
  return `${binMs / 1000} s`;
}

/**
 * Delivery time (first POST to 200 OK) per seq: a histogram on logarithmic
 * bins (5 per decade), since most records take milliseconds and the ones
 * that went through an outage take minutes.
 */
export function deliveryChart(delivery: { seq0: readonly number[]; seq1: readonly number[] }): TopLevelSpec {
  const perDecade = 5;
  const values: { seq: string; lo: number; hi: number; n: number }[] = [];
  let lowest = Infinity;
  let highest = 0;
  for (const [seq, times] of [
    ['seq 0', delivery.seq0],
    ['seq 1', delivery.seq1],
  ] as const) {
    const counts = new Map<number, number>();
    for (const ms of times) {
      const i = Math.floor(Math.log10(Math.max(ms, 0.1)) * perDecade + 1e-9);
      counts.set(i, (counts.get(i) ?? 0) + 1);
    }
    for (const [i, n] of [...counts].sort((a, b) => a[0] - b[0])) {
      const lo = 10 ** (i / perDecade) / 1000;
      const hi = 10 ** ((i + 1) / perDecade) / 1000;
      lowest = Math.min(lowest, lo);
      highest = Math.max(highest, hi);
      values.push({ seq, lo: Number(lo.toPrecision(6)), hi: Number(hi.toPrecision(6)), n });
    }
  }
  if (values.length === 0) {
    values.push({ seq: 'seq 0', lo: 0.001, hi: 0.001, n: 0 });
    lowest = 0.001;
    highest = 1;
  }
  const domain = [10 ** Math.floor(Math.log10(lowest)), 10 ** Math.ceil(Math.log10(highest))];
  // Counts span from one record to thousands: a symmetric-log axis, ticked at powers of ten.
  const most = Math.max(...values.map((v) => v.n));
  const ticks = [0, 1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000].filter((t) => t <= Math.max(1, most));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: { ...CONFIG, axisY: { minExtent: AXIS_Y_EXTENT } },
    data: { values },
    facet: {
      row: {
        field: 'seq',
        type: 'nominal',
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12, labelFontWeight: 'bold', labelOrient: 'top', labelPadding: 2 },
      },
    },
    spacing: 14,
    spec: {
      width: WIDTH,
      height: 90,
      mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: {
          field: 'lo',
          type: 'quantitative',
          title: 'seconds from the first POST to 200 OK (log scale)',
          scale: { type: 'log', domain, nice: false },
          axis: { format: '~g', grid: true },
        },
        x2: { field: 'hi' },
        y: { field: 'n', type: 'quantitative', title: 'records', scale: { type: 'symlog' }, axis: { values: ticks, format: '~s' } },
        y2: { datum: 0 },
        color: { field: 'seq', type: 'nominal', legend: null, scale: { domain: ['seq 0', 'seq 1'], range: [COLORS.seq0, COLORS.seq1] } },
      },
    },
  } as unknown as TopLevelSpec;
}

/**
 * Renders a vega-lite spec to an SVG string. Ids inside the SVG (clip paths,
 * gradients) are prefixed with `idPrefix`, since several charts share one
 * HTML document and `url(#clip1)` would otherwise point into the first chart.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  // Loaded here, not with the module: vega takes about half a second to load, which commands that draw nothing should not pay.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const complaints: string[] = [];
  const complain = (...message: unknown[]) => {
    complaints.push(message.map(String).join(' '));
    return logger;
  };
  // A warning means the chart is not what the spec says: fail rather than print and go on.
  const logger = { level: () => logger, error: complain, warn: complain, info: () => logger, debug: () => logger } as unknown as LoggerInterface;
  const compiled = compile(spec, { logger });
  if (complaints.length > 0) throw new Error(`chart ${idPrefix}: ${complaints.join('; ')}`);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logger });
  const svg = await view.toSVG();
  view.finalize();
  if (complaints.length > 0) throw new Error(`chart ${idPrefix}: ${complaints.join('; ')}`);
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (whole, lead: string, id: string) => (ids.has(id) ? `${lead}${idPrefix}-${id}` : whole));
}
