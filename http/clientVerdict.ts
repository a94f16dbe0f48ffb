/**
 * Did the client behave as the documentation says OCS does? Read off what
 * `serve` saw of it (arrivals, answers, requests it held or reset), against
 * the OCS options of the scenario, which describe the OCS under test. Pure:
 * the server records the events, this judges them (`GET /verdict`,
 * `--verdict FILE`). Times are wall milliseconds since the server's clock
 * started.
 *
 * What serve sees is not what OCS sees: an answer takes the network's
 * latency to arrive, and a request serve holds fails in OCS only when OCS
 * times it out (history-http-response-timeout after it was sent). The
 * checks allow for both with TOLERANCE_MS and the scenario's timeouts, so a
 * violation is the client's, not the wire's.
 */

export type ClientEvent =
  | { t: number; kind: 'arrived'; id: number; record: { guid: string; seq: 0 | 1; group: string } | null }
  | { t: number; kind: 'answered'; id: number; status: number }
  /** Never answered on purpose (hang, request loss, response loss): OCS times it out. */
  | { t: number; kind: 'held'; id: number }
  /** The connection was reset (a refused connection): OCS answers itself 418 at once. */
  | { t: number; kind: 'reset'; id: number }
  /** The client closed the connection of a held request. */
  | { t: number; kind: 'closed'; id: number };

export interface ClientSettings {
  poolSize: number;
  /** history-wait-recovery-timeout, history-http-response-timeout and history-wait-condition-threshold of a campaign group by its name (the application's for a name the scenario does not have). */
  group(name: string): { recoveryMs: number; responseTimeoutMs: number; threshold: number };
}

export type CheckStatus = 'held' | 'violated' | 'not checked';

export interface VerdictCheck {
  claim: string;
  /** Held on evidence, violated, or not checked for want of evidence (the detail says why). */
  status: CheckStatus;
  /** False only when violated: a check with no evidence is not a failure of the client. */
  holds: boolean;
  /** How many of `evidence` the check was judged on (0: not checked). */
  judgedOn: number;
  /** What `judgedOn` counts (re-submissions, requests, attempts with a seq 1, ...). */
  evidence: string;
  detail: string;
  /** The first violations (at most 20), each with its time. */
  violations: string[];
}

export interface ClientVerdict {
  /** False only when a check is violated. */
  conforms: boolean;
  judgedAtMs: number;
  records: number;
  checks: VerdictCheck[];
}

/** Latency, timer and scheduling slack allowed to the client before a time counts against it. */
export const TOLERANCE_MS = 50;
/** How long after OCS learns of failures it may still start dials it had decided on. */
const WAIT_GRACE_MS = 1000;
const MAX_LISTED = 20;

const at = (t: number) => `${(t / 1000).toFixed(3)} s`;

class Findings {
  readonly list: string[] = [];
  count = 0;
  add(text: string): void {
    this.count++;
    if (this.list.length < MAX_LISTED) this.list.push(text);
  }
  /** The check: violated when something was found, else held on `judgedOn` of `evidence`, or not checked (why) with none. */
  check(claim: string, detail: string, judgedOn: number, evidence: string, noEvidence: string): VerdictCheck {
    if (this.count > 0) return { claim, status: 'violated', holds: false, judgedOn, evidence, detail: `${this.count} violation(s); ${detail}`, violations: this.list };
    if (judgedOn === 0) return { claim, status: 'not checked', holds: true, judgedOn, evidence, detail: `not checked: ${noEvidence}`, violations: [] };
    return { claim, status: 'held', holds: true, judgedOn, evidence, detail, violations: [] };
  }
}

interface RequestSeen {
  id: number;
  arrivedAt: number;
  record: { guid: string; seq: 0 | 1; group: string; key: string } | null;
  /** When the client learnt it failed (answered non-200, reset, or timed out by OCS); null: 200 or not yet. */
  failedAt: number | null;
  saved: boolean;
  /** When it stopped taking one of the client's pooled connections. */
  releasedAt: number | null;
}

export function clientVerdict(events: readonly ClientEvent[], settings: ClientSettings, nowMs: number): ClientVerdict {
  const requests = new Map<number, RequestSeen>();
  for (const e of events) {
    if (e.kind === 'arrived') {
      requests.set(e.id, { id: e.id, arrivedAt: e.t, record: e.record === null ? null : { ...e.record, key: `${e.record.guid}:${e.record.seq}` }, failedAt: null, saved: false, releasedAt: null });
      continue;
    }
    const r = requests.get(e.id);
    if (r === undefined) continue;
    const h = r.record === null ? Infinity : settings.group(r.record.group).responseTimeoutMs;
    if (e.kind === 'answered') {
      r.releasedAt = e.t;
      if (e.status === 200) r.saved = true;
      else r.failedAt = e.t;
    } else if (e.kind === 'reset') {
      r.releasedAt = e.t;
      r.failedAt = e.t;
    } else if (e.kind === 'held') {
      // OCS gives up on it after its response timeout: a failure then, and its connection free.
      r.failedAt = r.arrivedAt + h;
      r.releasedAt = Math.min(r.releasedAt ?? Infinity, r.arrivedAt + h);
    } else if (e.kind === 'closed') {
      r.releasedAt = Math.min(r.releasedAt ?? Infinity, e.t);
      // A client that closes a held request has given up on it by then: its timer ran from when it
      // queued the request, which may be well before the request arrived (a pool that queues).
      if (r.failedAt !== null) r.failedAt = Math.min(r.failedAt, e.t);
    }
  }
  const all = [...requests.values()].sort((a, b) => a.arrivedAt - b.arrivedAt || a.id - b.id);
  const records = all.filter((r) => r.record !== null);
  const checks = [resubmittedOnTime(records, settings), poolBound(all, settings, nowMs), seqOneAfterSeqZero(records), resentUntilSaved(records, settings, nowMs), noDialDuringWaitCondition(records, settings)];
  return { conforms: checks.every((c) => c.status !== 'violated'), judgedAtMs: nowMs, records: new Set(records.map((r) => r.record!.key)).size, checks };
}

/** A failed record is posted again no sooner than history-wait-recovery-timeout after the client learnt of the failure. */
function resubmittedOnTime(records: RequestSeen[], settings: ClientSettings): VerdictCheck {
  const f = new Findings();
  const lastFailure = new Map<string, RequestSeen>();
  let resubmissions = 0;
  for (const r of records) {
    const rec = r.record!;
    const earlier = lastFailure.get(rec.key);
    if (earlier !== undefined) {
      resubmissions++;
      const failed = earlier.failedAt!;
      const recovery = settings.group(rec.group).recoveryMs;
      if (r.arrivedAt < failed) {
        // Not a short interval: the earlier POST had not failed yet. OCS holds a record until its POST ends.
        f.add(`${at(r.arrivedAt)} record ${rec.key} posted again while its earlier POST (sent at ${at(earlier.arrivedAt)}) was still in flight; it failed only at ${at(failed)}, and history-wait-recovery-timeout (${recovery} ms) runs from then`);
      } else if (r.arrivedAt < failed + recovery - TOLERANCE_MS) f.add(`${at(r.arrivedAt)} record ${rec.key} posted again ${Math.round(r.arrivedAt - failed)} ms after its failure; history-wait-recovery-timeout is ${recovery} ms`);
    }
    if (r.failedAt !== null) lastFailure.set(rec.key, r);
    else lastFailure.delete(rec.key);
  }
  return f.check('failed records are re-submitted no sooner than history-wait-recovery-timeout', `${resubmissions} re-submissions`, resubmissions, 're-submissions of a failed record', 'no record was posted again after a failure');
}

/** At no moment more requests in flight than http-connection-pool-size. */
function poolBound(all: RequestSeen[], settings: ClientSettings, nowMs: number): VerdictCheck {
  const f = new Findings();
  const edges: Array<[number, number]> = [];
  for (const r of all) {
    edges.push([r.arrivedAt, 1]);
    edges.push([r.releasedAt ?? nowMs, -1]);
  }
  // Releases before arrivals at the same instant: a connection passed on is not two.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let peak = 0;
  for (const [t, delta] of edges) {
    level += delta;
    if (level > peak) peak = level;
    if (delta > 0 && level > settings.poolSize) f.add(`${at(t)} ${level} requests in flight at once; http-connection-pool-size is ${settings.poolSize}`);
  }
  return f.check('no more requests at once than http-connection-pool-size', `at most ${peak} at once (pool of ${settings.poolSize})`, all.length, 'requests', 'no request came');
}

/** The first seq 1 of an attempt comes after a seq 0 of it. */
function seqOneAfterSeqZero(records: RequestSeen[]): VerdictCheck {
  const f = new Findings();
  const seq0 = new Set<string>();
  const checked = new Set<string>();
  for (const r of records) {
    const rec = r.record!;
    if (rec.seq === 0) seq0.add(rec.guid);
    else if (!checked.has(rec.guid)) {
      checked.add(rec.guid);
      if (!seq0.has(rec.guid)) f.add(`${at(r.arrivedAt)} seq 1 of ${rec.guid} posted before any seq 0 of it`);
    }
  }
  return f.check('seq 1 of an attempt only after its seq 0', `${checked.size} attempts with a seq 1`, checked.size, 'attempts with a seq 1', 'no seq 1 came');
}

/** A record that failed is posted again until it is saved, unless there has not been time yet. */
function resentUntilSaved(records: RequestSeen[], settings: ClientSettings, nowMs: number): VerdictCheck {
  const f = new Findings();
  const last = new Map<string, RequestSeen>();
  const failedOnce = new Set<string>();
  for (const r of records) {
    last.set(r.record!.key, r);
    if (r.failedAt !== null) failedOnce.add(r.record!.key);
  }
  let open = 0;
  let judged = 0;
  for (const r of last.values()) {
    if (r.saved || r.failedAt === null) {
      if (r.saved && r.failedAt === null && failedOnce.has(r.record!.key)) judged++;
      continue;
    }
    const g = settings.group(r.record!.group);
    // It failed; a re-submission is due within the recovery timeout (plus a wait for a connection of at most one response timeout).
    if (nowMs > r.failedAt + g.recoveryMs + g.responseTimeoutMs + TOLERANCE_MS) {
      judged++;
      f.add(`${at(r.failedAt)} record ${r.record!.key} failed and was never posted again (judged at ${at(nowMs)})`);
    } else open++;
  }
  return f.check(
    'a failed record is posted again until it gets 200 OK',
    `${last.size} records seen, ${judged} of them failed at least once and were judged${open > 0 ? `, ${open} failed too recently to judge` : ''}`,
    judged,
    'records that failed at least once',
    `no record failed${open > 0 ? ` long enough ago to judge (${open} failed too recently)` : ''}`,
  );
}

/**
 * While more records of a campaign group have failed and are not yet saved
 * than history-wait-condition-threshold (for longer than a grace second), the
 * group dials nothing: no seq 0 of a new attempt arrives.
 */
function noDialDuringWaitCondition(records: RequestSeen[], settings: ClientSettings): VerdictCheck {
  const f = new Findings();
  type Change = { t: number; order: number; group: string; key: string; marked: boolean } | { t: number; order: number; newAttempt: RequestSeen };
  const changes: Change[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const rec = r.record!;
    if (rec.seq === 0 && !seen.has(rec.guid)) changes.push({ t: r.arrivedAt, order: 2, newAttempt: r });
    seen.add(rec.guid);
    if (r.failedAt !== null) changes.push({ t: r.failedAt, order: 0, group: rec.group, key: rec.key, marked: true });
  }
  for (const r of records) if (r.saved) changes.push({ t: r.releasedAt ?? r.arrivedAt, order: 1, group: r.record!.group, key: r.record!.key, marked: false });
  changes.sort((a, b) => a.t - b.t || a.order - b.order);
  const marked = new Map<string, Set<string>>();
  const overSince = new Map<string, number>();
  let waits = 0;
  for (const c of changes) {
    if ('newAttempt' in c) {
      const group = c.newAttempt.record!.group;
      const since = overSince.get(group);
      if (since !== undefined && c.t > since + WAIT_GRACE_MS) {
        f.add(`${at(c.t)} new attempt ${c.newAttempt.record!.guid} of ${group} while ${marked.get(group)!.size} of its records had failed unsaved since ${at(since)} (history-wait-condition-threshold ${settings.group(group).threshold}): dialed during a wait condition`);
      }
      continue;
    }
    const set = marked.get(c.group) ?? new Set<string>();
    marked.set(c.group, set);
    if (c.marked) set.add(c.key);
    else set.delete(c.key);
    const over = set.size > settings.group(c.group).threshold;
    if (over && !overSince.has(c.group)) {
      overSince.set(c.group, c.t);
      waits++;
    } else if (!over) overSince.delete(c.group);
  }
  return f.check('no new attempt is dialed while more failed records than history-wait-condition-threshold await re-submission (a wait condition)', `${waits} wait condition(s) implied by the failures`, waits, 'wait conditions implied by the failures', 'no wait condition: never more failed records unsaved than history-wait-condition-threshold');
}
