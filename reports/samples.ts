import type { TraceLine } from '../sim/observer.ts';
import { parseRecordEntity, phoneOfContactEntity } from '../sim/traceEntities.ts';

/**
 * The story of a few call attempts that went through faults, told from the
 * trace: each becomes rows of a sequence diagram between OCS's dialer, OCS's
 * call report records, the network and the external system.
 */

export type Lane = 'dialer' | 'ocs' | 'network' | 'external';
export const LANES: readonly Lane[] = ['dialer', 'ocs', 'network', 'external'];
export const LANE_TITLES: Record<Lane, string> = { dialer: 'OCS dialer', ocs: 'OCS call report records', network: 'network', external: 'external system' };

export type Tone = 'ok' | 'fault' | 'info';

export type StoryRow =
  | { kind: 'note'; t: number; lane: Lane; text: string; tone: Tone; seq?: 0 | 1 }
  | { kind: 'arrow'; t: number; from: Lane; to: Lane; text: string; tone: Tone; seq: 0 | 1; lost?: boolean; dashed?: boolean }
  | { kind: 'skip'; t: number; text: string; seq: 0 | 1 };

export interface SampleStory {
  guid: string;
  phone: string;
  /** What went wrong, e.g. `response lost`, `HTTP 503`; the reason it was picked first. */
  faults: string[];
  rows: StoryRow[];
}

/** Faults in the order samples are picked for them: the rarer and more telling first. */
const FAULT_PRIORITY = [
  'response lost',
  'race condition',
  'request lost',
  'hang',
  'connection refused (418)',
  'HTTP 409',
  'HTTP 408',
  'late response ignored',
  'OCS timeout',
  'stale overwrite',
  'duplicate stored',
];

function faultsOf(lines: readonly TraceLine[]): string[] {
  const faults = new Set<string>();
  for (const line of lines) {
    if (line.event === 'response-loss') faults.add('response lost');
    else if (line.event === 'request-loss') faults.add('request lost');
    else if (line.event === 'hang') faults.add('hang');
    else if (line.event === 'lateResponse') faults.add('late response ignored');
    else if (line.event === 'raceCondition') faults.add('race condition');
    else if (line.event === 'HTTP_418') faults.add('connection refused (418)');
    else if (line.event === 'HTTP_409' || line.event === 'HTTP_408') faults.add(`HTTP ${line.event.slice(5)}`);
    else if (line.event === 'HTTP_OTHER') faults.add(`HTTP ${String(line.status)}`);
    else if (line.event.startsWith('xstate.after.historyHttpResponseTimeout')) faults.add('OCS timeout');
    else if (line.event === 'stored' && line.staleOverwrite === true) faults.add('stale overwrite');
    else if (line.event === 'stored' && line.duplicate === true) faults.add('duplicate stored');
  }
  return [...faults];
}

/**
 * Picks up to `max` attempts that went through faults, one per kind of fault
 * in FAULT_PRIORITY order (then other statuses), the earliest of each, so the
 * samples show different things.
 */
export function pickSamples(attempts: ReadonlyMap<string, readonly TraceLine[]>, max = 4): SampleStory[] {
  const byFault = new Map<string, string>();
  const faultsOfGuid = new Map<string, string[]>();
  for (const [guid, lines] of attempts) {
    const faults = faultsOf(lines);
    if (faults.length === 0) continue;
    faultsOfGuid.set(guid, faults);
    for (const f of faults) if (!byFault.has(f)) byFault.set(f, guid);
  }
  const others = [...byFault.keys()].filter((f) => !FAULT_PRIORITY.includes(f)).sort();
  const covered = new Set<string>();
  const chosen: string[] = [];
  for (const fault of [...FAULT_PRIORITY, ...others]) {
    if (chosen.length >= max) break;
    const guid = byFault.get(fault);
    if (guid === undefined || covered.has(fault) || chosen.includes(guid)) continue;
    chosen.push(guid);
    for (const f of faultsOfGuid.get(guid)!) covered.add(f);
  }
  return chosen.map((guid) => story(guid, attempts.get(guid)!, faultsOfGuid.get(guid)!));
}

const statusText = (status: number) => ({ 200: '200 OK', 408: '408 Time-out', 409: '409 Conflict', 418: "418 I'm a teapot" })[status] ?? `${status}`;

/** Turns an attempt's trace lines into the rows of its sequence diagram. */
export function story(guid: string, lines: readonly TraceLine[], faults: string[]): SampleStory {
  const rows: StoryRow[] = [];
  let phone = '';
  const posts = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = line.t;
    const seq: 0 | 1 = parseRecordEntity(line.entity)?.seq === 1 || line.seq === 1 ? 1 : 0;
    const seqOfRequest: 0 | 1 = typeof line.request === 'string' && parseRecordEntity(line.request)?.seq === 1 ? 1 : 0;
    switch (line.event) {
      case 'dial':
        phone = phoneOfContactEntity(line.entity) ?? '';
        rows.push({ kind: 'note', t, lane: 'dialer', tone: 'info', text: `dial ${phone} (attempt ${String(line.attempt)})` });
        break;
      case 'callFinalized':
        rows.push({ kind: 'note', t, lane: 'dialer', tone: 'info', text: `call finalized: ${String(line.callResult)} (${String(line.code)})` });
        break;
      case 'raceCondition':
        rows.push({ kind: 'note', t, lane: 'dialer', tone: 'fault', text: `race condition: predial check aborted (${String(line.callResult)})` });
        break;
      case 'created':
        rows.push({ kind: 'note', t, lane: 'ocs', tone: 'info', seq, text: `seq ${seq} created, kept until 200 OK` });
        break;
      case 'POST': {
        const n = Number(line.post);
        posts.set(line.entity, n);
        const fate = lines
          .slice(i + 1)
          .find((l) => l.entity === 'network' && l.request === line.entity && l.t === t && (l.event === 'request-loss' || l.event === 'hang'));
        if (fate !== undefined) {
          rows.push({
            kind: 'arrow',
            t,
            from: 'ocs',
            to: 'network',
            seq,
            tone: 'fault',
            lost: true,
            text: `POST seq ${seq} #${n}: ${fate.event === 'hang' ? 'connection hangs' : 'request lost'}`,
          });
        } else {
          const refused = lines.slice(i + 1).find((l) => l.entity === line.entity && l.event !== 'POST');
          const to = refused?.event === 'HTTP_418' ? 'network' : 'external';
          rows.push({ kind: 'arrow', t, from: 'ocs', to, seq, tone: 'info', text: `POST seq ${seq} #${n}` });
        }
        break;
      }
      case 'stored': {
        const notes = [line.duplicate === true ? 'duplicate' : '', line.staleOverwrite === true ? 'stale overwrite' : ''].filter(Boolean).join(', ');
        rows.push({ kind: 'note', t, lane: 'external', seq, tone: notes ? 'fault' : 'ok', text: `stored seq ${seq}${notes ? ` (${notes})` : ''}` });
        break;
      }
      case 'finalNotSeq1':
        rows.push({ kind: 'note', t, lane: 'external', seq: 1, tone: 'fault', text: `final copy is seq ${String(line.storedSeq)}, not seq 1` });
        break;
      case 'response-loss':
        rows.push({
          kind: 'arrow',
          t,
          from: 'external',
          to: 'network',
          seq: seqOfRequest,
          tone: 'fault',
          lost: true,
          text: `${statusText(Number(line.status))} lost`,
        });
        break;
      case 'lateResponse':
        rows.push({
          kind: 'arrow',
          t,
          from: 'external',
          to: 'ocs',
          seq: seqOfRequest,
          tone: 'info',
          dashed: true,
          text: `${statusText(Number(line.status))} arrives late: ignored`,
        });
        break;
      case 'HTTP_200':
        rows.push({
          kind: 'arrow',
          t,
          from: 'external',
          to: 'ocs',
          seq,
          tone: 'ok',
          text: `200 OK: seq ${seq} saved${(posts.get(line.entity) ?? 1) > 1 ? `, unmarked` : ''}`,
        });
        break;
      case 'HTTP_408':
      case 'HTTP_409':
      case 'HTTP_418':
      case 'HTTP_OTHER': {
        const status = line.event === 'HTTP_OTHER' ? Number(line.status) : Number(line.event.slice(5));
        const first = (posts.get(line.entity) ?? 1) === 1;
        rows.push({
          kind: 'arrow',
          t,
          from: status === 418 ? 'network' : 'external',
          to: 'ocs',
          seq,
          tone: 'fault',
          text: `${statusText(status)}: queued${first ? ', marked for re-submission' : ''}`,
        });
        break;
      }
      case 'RESUBMIT':
        rows.push({ kind: 'note', t, lane: 'ocs', seq, tone: 'info', text: `group recovery timer fired: re-submit seq ${seq}` });
        break;
      default:
        if (line.event.startsWith('xstate.after.historyHttpResponseTimeout')) {
          const first = (posts.get(line.entity) ?? 1) === 1;
          rows.push({
            kind: 'note',
            t,
            lane: 'ocs',
            seq,
            tone: 'fault',
            text: `no response within history-http-response-timeout: OCS 408, queued${first ? ', marked' : ''}`,
          });
        }
      // CONNECTION_ACQUIRED, the recovery timeout elapsing and validations show as the next POST.
    }
  }
  return { guid, phone, faults, rows: compressRetries(rows) };
}

/**
 * A record re-submitted through a long outage makes the same round trip many
 * times: keep the first two and the last of each run of identical round
 * trips of one record and say how many were left out.
 */
export function compressRetries(rows: readonly StoryRow[], keep = 2): StoryRow[] {
  interface Cycle {
    seq: 0 | 1;
    indexes: number[];
    outcome: string;
  }
  const cycles: Cycle[] = [];
  const open: Partial<Record<0 | 1, Cycle>> = {};
  rows.forEach((row, i) => {
    if (row.kind === 'skip') return;
    const seq = row.seq;
    if (seq === undefined) return;
    if (row.kind === 'arrow' && row.from === 'ocs') {
      const cycle: Cycle = { seq, indexes: [i], outcome: '' };
      open[seq] = cycle;
      cycles.push(cycle);
    } else if (open[seq] !== undefined) {
      const cycle = open[seq]!;
      cycle.indexes.push(i);
      if (row.kind === 'arrow' && row.to === 'ocs' && cycle.outcome === '') cycle.outcome = row.text;
      if (row.kind === 'note' && row.lane === 'ocs' && cycle.outcome === '') cycle.outcome = row.text;
    }
  });
  const drop = new Set<number>();
  const skipAt = new Map<number, StoryRow>();
  for (const seq of [0, 1] as const) {
    const mine = cycles.filter((c) => c.seq === seq && c.outcome.includes('queued'));
    let start = 0;
    while (start < mine.length) {
      let end = start;
      while (end + 1 < mine.length && mine[end + 1].outcome === mine[start].outcome) end++;
      const run = mine.slice(start, end + 1);
      if (run.length > keep + 2) {
        const dropped = run.slice(keep, run.length - 1);
        for (const c of dropped) for (const i of c.indexes) drop.add(i);
        const first = rows[dropped[0].indexes[0]];
        const last = rows[dropped[dropped.length - 1].indexes[0]];
        const every = dropped.length > 1 ? (last.t - first.t) / (dropped.length - 1) : 0;
        const outcome = run[0].outcome.split(':')[0];
        skipAt.set(dropped[0].indexes[0], {
          kind: 'skip',
          t: first.t,
          seq,
          text: `… ${dropped.length} more POSTs of seq ${seq}, each answered ${outcome}${every > 0 ? `, one every ${Math.round(every / 1000)} s` : ''} …`,
        });
      }
      start = end + 1;
    }
  }
  const out: StoryRow[] = [];
  rows.forEach((row, i) => {
    const skip = skipAt.get(i);
    if (skip !== undefined) out.push(skip);
    if (!drop.has(i)) out.push(row);
  });
  return out;
}
