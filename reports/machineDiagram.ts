import { esc, int, SVG_FONT, textWidth } from './format.ts';
import type { EdgeInfo, MachineGraph, TransitionInfo } from './machineGraph.ts';

/**
 * A state diagram drawn from a MachineGraph with a small layered layout of
 * our own (no browser, no layout library): states top to bottom by longest
 * path from the initial state, transitions between neighbouring layers as
 * straight arrows labelled on their right, longer forward transitions as
 * arcs on the right, transitions back to an earlier state as arcs on the
 * left. Each label says how often the run took the transition.
 */

export interface Tint {
  label: string;
  states: readonly string[];
  fill: string;
  stroke: string;
}

export interface DiagramOptions {
  /** `source|eventType|target` -> times taken in the run; absent: no counts. */
  counts?: ReadonlyMap<string, number>;
  tints?: readonly Tint[];
  /** Prefix for ids inside the SVG (markers), unique within the page. */
  idPrefix: string;
}

const LINE = 14;

export function transitionCount(counts: ReadonlyMap<string, number> | undefined, edge: EdgeInfo, t: TransitionInfo): number | null {
  return counts === undefined ? null : (counts.get(`${edge.source}|${t.eventType}|${edge.target}`) ?? 0);
}

export function transitionText(t: TransitionInfo, count: number | null): string {
  return `${t.label}${t.guard === null ? '' : ` [${t.guard}]`}${count === null ? '' : `  ×${int(count)}`}`;
}

interface Placed {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
  lines: string[];
  final: boolean;
}

/** Back edges: edges to a state on the depth-first path from the initial state. */
function backEdges(graph: MachineGraph): Set<EdgeInfo> {
  const out = new Map<string, EdgeInfo[]>();
  for (const e of graph.edges) out.set(e.source, [...(out.get(e.source) ?? []), e]);
  const back = new Set<EdgeInfo>();
  const seen = new Set<string>();
  const onPath = new Set<string>();
  const visit = (key: string) => {
    seen.add(key);
    onPath.add(key);
    for (const e of out.get(key) ?? []) {
      if (onPath.has(e.target)) back.add(e);
      else if (!seen.has(e.target)) visit(e.target);
    }
    onPath.delete(key);
  };
  visit(graph.initial);
  for (const s of graph.states) if (!seen.has(s.key)) visit(s.key);
  return back;
}

/** Rounded orthogonal polyline through the points. */
function orthogonal(points: readonly [number, number][], r = 8): string {
  let d = `M${points[0][0]},${points[0][1]}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [px, py] = points[i - 1];
    const [x, y] = points[i];
    const [nx, ny] = points[i + 1];
    const inLen = Math.hypot(x - px, y - py);
    const outLen = Math.hypot(nx - x, ny - y);
    const k = Math.min(r, inLen / 2, outLen / 2);
    const ax = x - ((x - px) / (inLen || 1)) * k;
    const ay = y - ((y - py) / (inLen || 1)) * k;
    const bx = x + ((nx - x) / (outLen || 1)) * k;
    const by = y + ((ny - y) / (outLen || 1)) * k;
    d += `L${ax},${ay}Q${x},${y} ${bx},${by}`;
  }
  const last = points[points.length - 1];
  return `${d}L${last[0]},${last[1]}`;
}

export function machineDiagramSvg(graph: MachineGraph, options: DiagramOptions): string {
  const back = backEdges(graph);
  const forward = graph.edges.filter((e) => !back.has(e) && e.source !== e.target);
  // Longest path layering over the forward edges (they form a DAG).
  const layer = new Map(graph.states.map((s) => [s.key, 0]));
  for (let pass = 0; pass < graph.states.length; pass++) {
    for (const e of forward) layer.set(e.target, Math.max(layer.get(e.target)!, layer.get(e.source)! + 1));
  }
  const layers: string[][] = [];
  for (const s of graph.states) (layers[layer.get(s.key)!] ??= []).push(s.key);

  const info = new Map(graph.states.map((s) => [s.key, s]));
  const nodeLines = (key: string) => {
    const s = info.get(key)!;
    return [...(s.entry.length > 0 ? [`entry: ${s.entry.join(', ')}`] : []), ...(s.exit.length > 0 ? [`exit: ${s.exit.join(', ')}`] : [])];
  };
  const nodeW = Math.max(150, ...graph.states.map((s) => Math.max(textWidth(s.key, 12.5, true), ...nodeLines(s.key).map((l) => textWidth(l, 10))) + 26));
  const labelOf = (e: EdgeInfo) =>
    e.transitions.map((t) => ({ text: transitionText(t, transitionCount(options.counts, e, t)), taken: transitionCount(options.counts, e, t) !== 0 }));

  const straight = forward.filter((e) => layer.get(e.target)! === layer.get(e.source)! + 1);
  const rightArcs = forward.filter((e) => !straight.includes(e));
  const leftArcs = graph.edges.filter((e) => back.has(e) || e.source === e.target);

  // Vertical placement: room between layers for the straight labels.
  const placed = new Map<string, Placed>();
  let y = 44;
  layers.forEach((keys, i) => {
    const h = Math.max(...keys.map((k) => 34 + nodeLines(k).length * 13));
    keys.forEach((key, j) => {
      const x = (j - (keys.length - 1) / 2) * (nodeW + 60);
      placed.set(key, { key, x, y: y + h / 2, w: nodeW, h, lines: nodeLines(key), final: info.get(key)!.final });
    });
    const between = straight.filter((e) => layer.get(e.source) === i).reduce((n, e) => Math.max(n, e.transitions.length), 0);
    y += h + Math.max(40, between * LINE + 24);
  });

  const nodesRight = Math.max(...[...placed.values()].map((p) => p.x + p.w / 2));
  const nodesLeft = Math.min(...[...placed.values()].map((p) => p.x - p.w / 2));
  const parts: string[] = [];
  const labels: string[] = [];
  let maxX = nodesRight;
  let minX = nodesLeft;

  const edgeStyle = (e: EdgeInfo) => {
    const taken = options.counts === undefined || e.transitions.some((t) => (transitionCount(options.counts, e, t) ?? 1) > 0);
    return taken
      ? `stroke="#555" stroke-width="1.4" marker-end="url(#${options.idPrefix}-arrow)"`
      : `stroke="#bbb" stroke-width="1.2" stroke-dasharray="4 3" marker-end="url(#${options.idPrefix}-arrow-off)"`;
  };
  const label = (x: number, yMid: number, anchor: 'start' | 'end', lines: { text: string; taken: boolean }[]) => {
    const top = yMid - ((lines.length - 1) * LINE) / 2;
    const w = Math.max(...lines.map((l) => textWidth(l.text)));
    const left = anchor === 'start' ? x - 3 : x - w - 3;
    labels.push(`<rect x="${left}" y="${top - 11}" width="${w + 6}" height="${lines.length * LINE + 2}" rx="3" fill="white" fill-opacity="0.9"/>`);
    for (const [i, l] of lines.entries())
      labels.push(`<text x="${x}" y="${top + i * LINE}" text-anchor="${anchor}" fill="${l.taken ? '#222' : '#aaa'}">${esc(l.text)}</text>`);
    maxX = Math.max(maxX, left + w + 6);
    minX = Math.min(minX, left);
    return w;
  };

  for (const e of straight) {
    const s = placed.get(e.source)!;
    const t = placed.get(e.target)!;
    const y1 = s.y + s.h / 2;
    const y2 = t.y - t.h / 2 - 2;
    parts.push(`<path d="M${s.x},${y1}L${t.x},${y2}" fill="none" ${edgeStyle(e)}/>`);
    label((s.x + t.x) / 2 + 10, (y1 + y2) / 2 + 4, 'start', labelOf(e));
  }

  // Ports: arcs leaving or entering the same side of a node are spread apart.
  const ports = new Map<string, number>();
  const portCount = new Map<string, number>();
  const countPort = (key: string, side: string) => portCount.set(`${key}|${side}`, (portCount.get(`${key}|${side}`) ?? 0) + 1);
  for (const e of rightArcs) countPort(e.source, 'r'), countPort(e.target, 'r');
  for (const e of leftArcs) countPort(e.source, 'l'), countPort(e.target, 'l');
  const port = (key: string, side: string) => {
    const n = portCount.get(`${key}|${side}`)!;
    const i = ports.get(`${key}|${side}`) ?? 0;
    ports.set(`${key}|${side}`, i + 1);
    return (i - (n - 1) / 2) * 10;
  };
  const span = (e: EdgeInfo) => Math.abs(layer.get(e.target)! - layer.get(e.source)!);
  const byNesting = (a: EdgeInfo, b: EdgeInfo) => span(a) - span(b) || layer.get(a.source)! - layer.get(b.source)!;

  let cursor = Math.max(nodesRight + 30, maxX + 22);
  for (const e of [...rightArcs].sort(byNesting)) {
    const s = placed.get(e.source)!;
    const t = placed.get(e.target)!;
    const sy = s.y + port(e.source, 'r');
    const ty = t.y + port(e.target, 'r');
    parts.push(
      `<path d="${orthogonal([
        [s.x + s.w / 2, sy],
        [cursor, sy],
        [cursor, ty],
        [t.x + t.w / 2 + 2, ty],
      ])}" fill="none" ${edgeStyle(e)}/>`,
    );
    const w = label(cursor + 8, (sy + ty) / 2 + 4, 'start', labelOf(e));
    cursor += w + 36;
  }
  cursor = nodesLeft - 30;
  for (const e of [...leftArcs].sort(byNesting)) {
    const s = placed.get(e.source)!;
    const t = placed.get(e.target)!;
    const sy = s.y + port(e.source, 'l');
    const ty = e.source === e.target ? s.y + 14 : t.y + port(e.target, 'l');
    const ey = e.source === e.target ? sy - 14 : sy;
    parts.push(
      `<path d="${orthogonal([
        [s.x - s.w / 2, ey],
        [cursor, ey],
        [cursor, ty],
        [t.x - t.w / 2 - 2, ty],
      ])}" fill="none" ${edgeStyle(e)}/>`,
    );
    const w = label(cursor - 8, (ey + ty) / 2 + 4, 'end', labelOf(e));
    cursor -= w + 36;
  }

  const tintOf = (key: string) => options.tints?.find((t) => t.states.includes(key));
  const nodes: string[] = [];
  for (const p of placed.values()) {
    const tint = tintOf(p.key);
    const fill = tint?.fill ?? '#f4f7fb';
    const stroke = tint?.stroke ?? '#6b7c93';
    const left = p.x - p.w / 2;
    const top = p.y - p.h / 2;
    nodes.push(`<rect x="${left}" y="${top}" width="${p.w}" height="${p.h}" rx="10" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`);
    if (p.final)
      nodes.push(`<rect x="${left + 3.5}" y="${top + 3.5}" width="${p.w - 7}" height="${p.h - 7}" rx="7" fill="none" stroke="${stroke}" stroke-width="1"/>`);
    nodes.push(`<text x="${p.x}" y="${top + 21}" text-anchor="middle" font-weight="600" font-size="12.5" fill="#1d2733">${esc(p.key)}</text>`);
    for (const [i, line] of p.lines.entries())
      nodes.push(`<text x="${p.x}" y="${top + 37 + i * 13}" text-anchor="middle" font-size="10" fill="#5b6775">${esc(line)}</text>`);
  }
  const init = placed.get(graph.initial)!;
  nodes.push(`<circle cx="${init.x}" cy="${init.y - init.h / 2 - 30}" r="6" fill="#1d2733"/>`);
  nodes.push(
    `<path d="M${init.x},${init.y - init.h / 2 - 24}L${init.x},${init.y - init.h / 2 - 2}" stroke="#1d2733" stroke-width="1.4" marker-end="url(#${options.idPrefix}-arrow)"/>`,
  );

  const pad = 10;
  const width = Math.ceil(maxX - minX + 2 * pad);
  const height = Math.ceil(y - 16);
  const defs = `<defs>${[
    ['arrow', '#555'],
    ['arrow-off', '#bbb'],
  ]
    .map(
      ([id, color]) =>
        `<marker id="${options.idPrefix}-${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${color}"/></marker>`,
    )
    .join('')}</defs>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="machine" role="img" aria-label="state diagram of ${esc(graph.id)}" width="${width}" height="${height}" viewBox="${Math.floor(minX - pad)} 0 ${width} ${height}" font-family="${SVG_FONT}" font-size="11">`,
    defs,
    ...parts,
    ...nodes,
    ...labels,
    '</svg>',
  ].join('');
}

/** The same machine as a Mermaid state diagram, for the Markdown report (GitHub draws it). */
export function machineMermaid(graph: MachineGraph, counts?: ReadonlyMap<string, number>): string {
  const clean = (text: string) => text.replace(/[:;#]/g, ' ').replace(/\s+/g, ' ').trim();
  const lines = ['stateDiagram-v2', `  [*] --> ${graph.initial}`];
  for (const e of graph.edges) {
    for (const t of e.transitions) {
      const n = transitionCount(counts, e, t);
      lines.push(`  ${e.source} --> ${e.target}: ${clean(`${t.label}${t.guard === null ? '' : ` if ${t.guard}`}${n === null ? '' : ` ×${int(n)}`}`)}`);
    }
  }
  for (const s of graph.states) if (s.final) lines.push(`  ${s.key} --> [*]`);
  return lines.join('\n');
}
