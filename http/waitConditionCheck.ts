import { PoolOccupancy, poolFullSince } from './poolOccupancy.ts';
import { at, Findings, TOLERANCE_MS, WAIT_GRACE_MS, type ClientSettings, type RequestSeen, type VerdictCheck } from './verdictFindings.ts';

/** The check's claim, as verdict.json states it (the proxy reads its evidence count by it). */
export const WAIT_CONDITION_CLAIM =
  'no new attempt is dialed while more failed records than history-wait-condition-threshold await re-submission (a wait condition)';

/**
 * While more records of a campaign group have failed and are not yet saved
 * than history-wait-condition-threshold (for longer than a grace second), the
 * group dials nothing: no new attempt is dialed. Judged on when the attempt
 * was dialed, not when its seq 0 arrived: a seq 0 waits for a pooled
 * connection, so while the pool stayed full before it came it may have been
 * dialed as early as when the pool filled; and a record that states its dial
 * time (GSW_DIALING, else GSW_START_PROCESSING, whole seconds on the
 * client's clock, set against the server's by the least lag seen) clears the
 * dials it places before the wait condition. A violation is a dial that,
 * at its earliest, was inside the wait condition.
 */
export function noDialDuringWaitCondition(records: RequestSeen[], all: RequestSeen[], settings: ClientSettings, nowMs: number): VerdictCheck {
  const f = new Findings();
  type Change = MarkedChange | { t: number; order: number; newAttempt: RequestSeen };
  const changes: Change[] = markedChanges(records);
  const seen = new Set<string>();
  for (const r of records) {
    const rec = r.record!;
    if (rec.seq === 0 && !seen.has(rec.guid)) changes.push({ t: r.arrivedAt, order: 2, newAttempt: r });
    seen.add(rec.guid);
  }
  changes.sort((a, b) => a.t - b.t || a.order - b.order);
  const fullSince = poolFullSince(new PoolOccupancy(all, settings.poolSize, nowMs));
  const statedDial = statedDialTimes(records);
  const marked = new MarkedSets(settings);
  const overSince = new Map<string, number>();
  let waits = 0;
  let queued = 0;
  let stated = 0;
  for (const c of changes) {
    if ('newAttempt' in c) {
      const r = c.newAttempt;
      const group = r.record!.group;
      const since = overSince.get(group);
      if (since === undefined || c.t <= since + WAIT_GRACE_MS) continue;
      // The earliest it can have been dialed: when the pool filled, if it was full until the seq 0 came.
      const earliest = fullSince(r.arrivedAt) ?? r.arrivedAt - TOLERANCE_MS;
      if (earliest <= since + WAIT_GRACE_MS) {
        queued++;
        continue;
      }
      // The latest the record says it was dialed.
      const latest = statedDial(r);
      if (latest !== null && latest <= since + WAIT_GRACE_MS) {
        stated++;
        continue;
      }
      f.add(
        `${at(c.t)} new attempt ${r.record!.guid} of ${group} while ${marked.size(group)} of its records had failed unsaved since ${at(since)} (history-wait-condition-threshold ${settings.group(group).threshold}): dialed during a wait condition${earliest < r.arrivedAt - TOLERANCE_MS ? ` (at the earliest at ${at(earliest)}, when the pool filled)` : ''}`,
      );
      continue;
    }
    const over = marked.apply(c);
    if (over && !overSince.has(c.group)) {
      overSince.set(c.group, c.t);
      waits++;
    } else if (!over) overSince.delete(c.group);
  }
  const cleared =
    queued + stated > 0
      ? `; ${queued + stated} new attempt(s) came during one but were dialed before it (${queued} waited for a pooled connection, ${stated} by the dial time their record states)`
      : '';
  return f.check(
    WAIT_CONDITION_CLAIM,
    `${waits} wait condition(s) implied by the failures${cleared}`,
    waits,
    'wait conditions implied by the failures',
    'no wait condition: never more failed records unsaved than history-wait-condition-threshold',
  );
}

/** A record joins its group's failed-and-unsaved set when the client learns it failed, and leaves it when a POST of it is saved. */
interface MarkedChange {
  t: number;
  order: number;
  group: string;
  key: string;
  marked: boolean;
}

/** Failures first, then saves, each in the records' order: a stable sort by (t, order) then puts them in time order. */
function markedChanges(records: RequestSeen[]): MarkedChange[] {
  const changes: MarkedChange[] = [];
  for (const r of records) if (r.failedAt !== null) changes.push({ t: r.failedAt, order: 0, group: r.record!.group, key: r.record!.key, marked: true });
  for (const r of records) if (r.saved) changes.push({ t: r.releasedAt ?? r.arrivedAt, order: 1, group: r.record!.group, key: r.record!.key, marked: false });
  return changes;
}

/** Each campaign group's failed-and-unsaved records as the changes come, held against its history-wait-condition-threshold. */
class MarkedSets {
  private readonly sets = new Map<string, Set<string>>();

  constructor(private readonly settings: ClientSettings) {}

  /** Applies the change; true when its group then has more such records than its threshold. */
  apply(c: MarkedChange): boolean {
    let set = this.sets.get(c.group);
    if (set === undefined) this.sets.set(c.group, (set = new Set<string>()));
    if (c.marked) set.add(c.key);
    else set.delete(c.key);
    return set.size > this.settings.group(c.group).threshold;
  }

  size(group: string): number {
    return this.sets.get(group)?.size ?? 0;
  }
}

/**
 * How long, in seconds up to `nowMs`, some campaign group had more failed
 * records unsaved than its history-wait-condition-threshold: the time the
 * failures imply a wait condition was in force (any group, as the model's
 * waitConditions.secondsActive counts it). Unlike the number of wait
 * conditions, it hardly moves when the count hovers at the threshold and
 * crosses it back and forth.
 */
export function waitConditionSeconds(records: RequestSeen[], settings: ClientSettings, nowMs: number): number {
  const changes = markedChanges(records).sort((a, b) => a.t - b.t || a.order - b.order);
  const marked = new MarkedSets(settings);
  const over = new Set<string>();
  let since = 0;
  let totalMs = 0;
  for (const c of changes) {
    const wasWaiting = over.size > 0;
    if (marked.apply(c)) over.add(c.group);
    else over.delete(c.group);
    if (!wasWaiting && over.size > 0) since = c.t;
    else if (wasWaiting && over.size === 0) totalMs += c.t - since;
  }
  if (over.size > 0) totalMs += Math.max(0, nowMs - since);
  // To the millisecond, as summary.json gives seconds.
  return Math.round(totalMs) / 1000;
}

/**
 * The latest a record can have been dialed, on the server's clock, from the
 * dial time it states (whole epoch seconds on the client's clock): the
 * clocks are set against each other by the least lag any record showed
 * (arrival less stated dial), which is at least their true offset, so the
 * bound errs late, never early.
 */
function statedDialTimes(records: RequestSeen[]): (r: RequestSeen) => number | null {
  let offset = Infinity;
  for (const r of records) if (r.record!.dialedAtS !== undefined) offset = Math.min(offset, r.arrivedAt - r.record!.dialedAtS * 1000);
  return (r) =>
    r.record!.dialedAtS === undefined || offset === Infinity ? null : Math.min(r.arrivedAt, r.record!.dialedAtS * 1000 + offset + 1000 + TOLERANCE_MS);
}
