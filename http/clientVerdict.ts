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

import { at, Findings, TOLERANCE_MS, type ClientSettings, type RequestSeen, type VerdictCheck } from './verdictFindings.ts';
import { PoolOccupancy } from './poolOccupancy.ts';
import { noDialDuringWaitCondition } from './waitConditionCheck.ts';

export { clientSettingsOf, TOLERANCE_MS, type CheckStatus, type ClientSettings, type VerdictCheck } from './verdictFindings.ts';

export type ClientEvent =
  /** `dialedAtS`: the dial time the record states (GSW_DIALING, else GSW_START_PROCESSING), epoch seconds on the client's clock, when it states one. */
  | { t: number; kind: 'arrived'; id: number; record: { guid: string; seq: 0 | 1; group: string; dialedAtS?: number } | null }
  | { t: number; kind: 'answered'; id: number; status: number }
  /** Never answered on purpose (hang, request loss, response loss): OCS times it out. */
  | { t: number; kind: 'held'; id: number }
  /** The connection was reset (a refused connection): OCS answers itself 418 at once. */
  | { t: number; kind: 'reset'; id: number }
  /** The client closed the connection of a held request. */
  | { t: number; kind: 'closed'; id: number };

export interface ClientVerdict {
  /** False only when a check is violated. */
  conforms: boolean;
  judgedAtMs: number;
  records: number;
  checks: VerdictCheck[];
}

export function clientVerdict(events: readonly ClientEvent[], settings: ClientSettings, nowMs: number): ClientVerdict {
  return verdictOnRequests(requestsSeen(events, settings), settings, nowMs);
}

/** The verdict on requests already built by `requestsSeen` (for a caller that measures them too). */
export function verdictOnRequests({ all, records }: RequestsSeen, settings: ClientSettings, nowMs: number): ClientVerdict {
  const checks = [
    resubmittedOnTime(records, settings),
    poolBound(all, settings, nowMs),
    seqOneAfterSeqZero(records, settings, nowMs),
    resentUntilSaved(records, new PoolOccupancy(all, settings.poolSize, nowMs), settings, nowMs),
    noDialDuringWaitCondition(records, all, settings, nowMs),
  ];
  return { conforms: checks.every((c) => c.status !== 'violated'), judgedAtMs: nowMs, records: new Set(records.map((r) => r.record!.key)).size, checks };
}

/** Each request the client made, as its events tell it (arrival, answer or failure, release), in arrival order; `records` are those that carry a record. */
export interface RequestsSeen {
  all: RequestSeen[];
  records: RequestSeen[];
}

export function requestsSeen(events: readonly ClientEvent[], settings: ClientSettings): RequestsSeen {
  const requests = new Map<number, RequestSeen>();
  for (const e of events) {
    if (e.kind === 'arrived') {
      requests.set(e.id, {
        id: e.id,
        arrivedAt: e.t,
        record: e.record === null ? null : { ...e.record, key: `${e.record.guid}:${e.record.seq}` },
        failedAt: null,
        saved: false,
        releasedAt: null,
      });
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
  return { all, records: all.filter((r) => r.record !== null) };
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
        f.add(
          `${at(r.arrivedAt)} record ${rec.key} posted again while its earlier POST (sent at ${at(earlier.arrivedAt)}) was still in flight; it failed only at ${at(failed)}, and history-wait-recovery-timeout (${recovery} ms) runs from then`,
        );
      } else if (r.arrivedAt < failed + recovery - TOLERANCE_MS)
        f.add(
          `${at(r.arrivedAt)} record ${rec.key} posted again ${Math.round(r.arrivedAt - failed)} ms after its failure; history-wait-recovery-timeout is ${recovery} ms`,
        );
    }
    if (r.failedAt !== null) lastFailure.set(rec.key, r);
    else lastFailure.delete(rec.key);
  }
  return f.check(
    'failed records are re-submitted no sooner than history-wait-recovery-timeout',
    `${resubmissions} re-submissions`,
    resubmissions,
    're-submissions of a failed record',
    'no record was posted again after a failure',
  );
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
  return f.check(
    'no more requests at once than http-connection-pool-size',
    `at most ${peak} at once (pool of ${settings.poolSize})`,
    all.length,
    'requests',
    'no request came',
  );
}

/**
 * The first seq 1 of an attempt comes after a seq 0 of it, or, when its seq
 * 0 never reached the server (refused or lost on the way: OCS posts seq 1 at
 * the call's end whatever became of seq 0), a seq 0 follows as OCS
 * re-submits it. A violation is a seq 1 whose seq 0 never comes, once there
 * was time for the re-submission.
 */
function seqOneAfterSeqZero(records: RequestSeen[], settings: ClientSettings, nowMs: number): VerdictCheck {
  const f = new Findings();
  const seq0 = new Set<string>();
  const early = new Map<string, RequestSeen>();
  const checked = new Set<string>();
  for (const r of records) {
    const rec = r.record!;
    if (rec.seq === 0) {
      seq0.add(rec.guid);
      continue;
    }
    if (checked.has(rec.guid)) continue;
    checked.add(rec.guid);
    if (!seq0.has(rec.guid)) early.set(rec.guid, r);
  }
  let lostOnTheWay = 0;
  let open = 0;
  for (const [guid, r] of early) {
    if (seq0.has(guid)) {
      lostOnTheWay++;
      continue;
    }
    const g = settings.group(r.record!.group);
    // Its seq 0 failed before the seq 1 came; a re-submission was due within the recovery timeout (and a wait for a connection).
    if (nowMs > r.arrivedAt + g.recoveryMs + g.responseTimeoutMs + TOLERANCE_MS)
      f.add(`${at(r.arrivedAt)} seq 1 of ${guid} came, and no seq 0 of it ever did (judged at ${at(nowMs)})`);
    else open++;
  }
  const apart =
    lostOnTheWay > 0
      ? `; ${lostOnTheWay} seq 1 came before their seq 0, which came later: the seq 0 was lost on the way (refused or lost in the network, on the client's side) and re-submitted, as OCS does`
      : '';
  return f.check(
    'seq 1 of an attempt only after its seq 0 (or with its seq 0 re-submitted after it, when the first was lost on the way)',
    `${checked.size} attempts with a seq 1${apart}${open > 0 ? `, ${open} too recent to judge` : ''}`,
    checked.size - open,
    'attempts with a seq 1',
    open > 0 ? `${open} seq 1 came too recently to judge` : 'no seq 1 came',
  );
}

/** A record that failed is posted again until it is saved, unless there has not been time yet. */
function resentUntilSaved(records: RequestSeen[], pool: PoolOccupancy, settings: ClientSettings, nowMs: number): VerdictCheck {
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
    const due = r.failedAt + g.recoveryMs + g.responseTimeoutMs + TOLERANCE_MS;
    // Due, and a connection was free since: OCS would have posted it. While every connection stays taken (hung requests), it waits its turn.
    if (nowMs > due && !pool.fullThrough(due, nowMs)) {
      judged++;
      f.add(`${at(r.failedAt)} record ${r.record!.key} failed and was never posted again (judged at ${at(nowMs)})`);
    } else open++;
  }
  return f.check(
    'a failed record is posted again until it gets 200 OK',
    `${last.size} records seen, ${judged} of them failed at least once and were judged${open > 0 ? `, ${open} failed too recently to judge or wait for a pooled connection (every one taken)` : ''}`,
    judged,
    'records that failed at least once',
    `no record failed${open > 0 ? ` long enough ago to judge (${open} failed too recently or wait for a pooled connection, every one taken)` : ''}`,
  );
}
