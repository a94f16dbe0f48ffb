import { clock, duration, esc, SVG_FONT, textWidth } from './format.ts';
import { LANE_TITLES, LANES, type Lane, type SampleStory, type StoryRow } from './samples.ts';

/**
 * A sample call attempt as a sequence diagram: lanes for OCS's dialer, OCS's
 * call report records, the network and the external system; one row per
 * event, time going down (not to scale: each row says when it happened and
 * how long after the row before).
 */

const TIME_COLUMN = 170;
const LANE_GAP = 200;
const ROW = 30;
const HEAD = 46;

const laneX = (lane: Lane) => TIME_COLUMN + 90 + LANES.indexOf(lane) * LANE_GAP;
const SEQ_COLOR = { 0: '#4c78a8', 1: '#9b5f95' } as const;
const TONE_COLOR = { ok: '#2f7d32', fault: '#c0392b', info: '#1d2733' } as const;

export function sequenceSvg(sample: SampleStory, startEpochMs: number, idPrefix: string): string {
  const rows = sample.rows;
  const width = laneX('external') + 150;
  const height = HEAD + rows.length * ROW + 16;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="sequence" role="img" aria-label="sequence of call attempt ${esc(sample.guid)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${SVG_FONT}" font-size="11">`,
    `<defs>${(['0', '1', 'fault'] as const)
      .map(
        (k) =>
          `<marker id="${idPrefix}-arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${k === 'fault' ? TONE_COLOR.fault : SEQ_COLOR[k]}"/></marker>`,
      )
      .join('')}</defs>`,
  );
  for (const lane of LANES) {
    const x = laneX(lane);
    const w = textWidth(LANE_TITLES[lane], 11, true) + 20;
    out.push(`<line x1="${x}" y1="${HEAD - 10}" x2="${x}" y2="${height - 6}" stroke="#c9d1db" stroke-dasharray="3 4"/>`);
    out.push(`<rect x="${x - w / 2}" y="8" width="${w}" height="24" rx="5" fill="#eef2f7" stroke="#9aa8b8"/>`);
    out.push(`<text x="${x}" y="24" text-anchor="middle" font-weight="600" fill="#1d2733">${esc(LANE_TITLES[lane])}</text>`);
  }
  out.push(`<text x="8" y="24" fill="#5b6775" font-weight="600">time (UTC)</text>`);

  let previous: number | null = null;
  rows.forEach((row, i) => {
    const y = HEAD + i * ROW + ROW / 2;
    if (row.kind !== 'skip' && (previous === null || row.t !== previous)) {
      out.push(
        `<text x="8" y="${y + 4}" fill="#1d2733" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="10.5">${clock(startEpochMs, row.t)}</text>`,
      );
      if (previous !== null)
        out.push(`<text x="${TIME_COLUMN - 4}" y="${y + 4}" text-anchor="end" fill="#8a96a3" font-size="10">+${esc(duration(row.t - previous))}</text>`);
      previous = row.t;
    }
    out.push(rowSvg(row, y, idPrefix));
  });
  out.push('</svg>');
  return out.join('');
}

function rowSvg(row: StoryRow, y: number, idPrefix: string): string {
  if (row.kind === 'skip') {
    const x1 = laneX('ocs') - 60;
    const x2 = laneX('external') + 60;
    return `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="#b8c2cc" stroke-dasharray="1 4" stroke-width="2"/><rect x="${(x1 + x2) / 2 - textWidth(row.text) / 2 - 8}" y="${y - 9}" width="${textWidth(row.text) + 16}" height="18" rx="9" fill="#f4f6f8"/><text x="${(x1 + x2) / 2}" y="${y + 4}" text-anchor="middle" font-style="italic" fill="#5b6775">${esc(row.text)}</text>`;
  }
  if (row.kind === 'note') {
    const x = laneX(row.lane);
    const w = textWidth(row.text) + 16;
    const fill = row.tone === 'fault' ? '#fdecea' : row.tone === 'ok' ? '#e9f5ea' : '#ffffff';
    const stroke = row.tone === 'fault' ? '#e3a29b' : row.tone === 'ok' ? '#9fcfa2' : row.seq === undefined ? '#c9d1db' : SEQ_COLOR[row.seq];
    // Notes on the outer lanes grow inwards so they stay inside the picture.
    const left =
      row.lane === 'dialer' ? Math.max(TIME_COLUMN + 4, x - w / 2) : row.lane === 'external' ? Math.min(x - w / 2, laneX('external') + 140 - w) : x - w / 2;
    return `<rect x="${left}" y="${y - 10}" width="${w}" height="20" rx="4" fill="${fill}" stroke="${stroke}"/><text x="${left + w / 2}" y="${y + 4}" text-anchor="middle" fill="${TONE_COLOR[row.tone]}">${esc(row.text)}</text>`;
  }
  const x1 = laneX(row.from);
  const x2 = laneX(row.to);
  const color = SEQ_COLOR[row.seq];
  const dir = Math.sign(x2 - x1);
  const end = row.lost ? x2 : x2 - dir * 2;
  const marker = row.lost ? '' : ` marker-end="url(#${idPrefix}-arrow-${row.seq})"`;
  const parts = [
    `<line x1="${x1}" y1="${y + 5}" x2="${end}" y2="${y + 5}" stroke="${color}" stroke-width="1.6"${row.dashed ? ' stroke-dasharray="5 4"' : ''}${marker}/>`,
  ];
  if (row.lost)
    parts.push(`<path d="M${x2 - 6},${y - 1}L${x2 + 6},${y + 11}M${x2 + 6},${y - 1}L${x2 - 6},${y + 11}" stroke="${TONE_COLOR.fault}" stroke-width="2.2"/>`);
  parts.push(
    `<text x="${(x1 + x2) / 2}" y="${y}" text-anchor="middle" fill="${TONE_COLOR[row.tone]}"${row.tone === 'fault' ? ' font-weight="600"' : ''}>${esc(row.text)}</text>`,
  );
  return parts.join('');
}

/** The same story as a Mermaid sequence diagram, for the Markdown report. */
export function sequenceMermaid(sample: SampleStory, startEpochMs: number): string {
  const id: Record<Lane, string> = { dialer: 'D', ocs: 'O', network: 'N', external: 'E' };
  const clean = (text: string) => text.replace(/[;#]/g, ' ').replace(/\s+/g, ' ').trim();
  const lines = ['sequenceDiagram', ...LANES.map((l) => `  participant ${id[l]} as ${LANE_TITLES[l]}`)];
  for (const row of sample.rows) {
    const at = clock(startEpochMs, row.t);
    if (row.kind === 'skip') lines.push(`  Note over O,E: ${clean(row.text)}`);
    else if (row.kind === 'note') lines.push(`  Note over ${id[row.lane]}: ${at} ${clean(row.text)}`);
    else lines.push(`  ${id[row.from]}${row.lost ? '-x' : row.dashed ? '-->>' : '->>'}${id[row.to]}: ${at} ${clean(row.text)}`);
  }
  return lines.join('\n');
}
