import type { ClientEvent, ClientSettings } from '../clientVerdict.ts';

/**
 * Did OCS and the external system survive the faults together? Read off
 * what passed through the proxy, in the vocabulary of the settings-health
 * verdict: each fault window is a trigger; after it ends, recovery is the
 * time until the records OCS has marked for re-submission (failed and not
 * yet saved, as the proxy saw them fail) are back to their level before the
 * trigger, or never within what the proxy saw; goodput is the share of the
 * target's work (records forwarded) that ended in a 200 OCS received, in
 * total and per 10 s.
 */
export interface Trigger {
  what: string;
  fromMs: number;
  untilMs: number;
}

export interface PairHealth {
  /** survived: every trigger that ended was recovered from; not recovered: one was not; no trigger: nothing to judge. */
  verdict: 'survived' | 'not recovered' | 'no trigger';
  goodput: { share: number | null; saved: number; forwarded: number; per10s: Array<{ fromS: number; forwarded: number; saved: number }> };
  triggers: Array<Trigger & { markedBefore: number; peakMarked: number; recoverySeconds: number | null }>;
}

const BIN_MS = 10_000;

export function pairHealth(
  events: readonly ClientEvent[],
  settings: ClientSettings,
  triggers: readonly Trigger[],
  nowMs: number,
  work: { forwardedAt: readonly number[] },
): PairHealth {
  const steps = markedOverTime(events, settings);
  const levelAt = (t: number) => {
    let level = 0;
    for (const s of steps) {
      if (s.t > t) break;
      level = s.level;
    }
    return level;
  };
  const judged = triggers
    .filter((trigger) => trigger.untilMs <= nowMs)
    .map((trigger) => {
      const markedBefore = levelAt(trigger.fromMs);
      let peakMarked = markedBefore;
      for (const s of steps) if (s.t >= trigger.fromMs && s.t <= nowMs) peakMarked = Math.max(peakMarked, s.level);
      let recoveredAt: number | null = levelAt(trigger.untilMs) <= markedBefore ? trigger.untilMs : null;
      if (recoveredAt === null)
        for (const s of steps)
          if (s.t > trigger.untilMs && s.level <= markedBefore) {
            recoveredAt = s.t;
            break;
          }
      return { ...trigger, markedBefore, peakMarked, recoverySeconds: recoveredAt === null ? null : Math.round(recoveredAt - trigger.untilMs) / 1000 };
    });
  const bins = new Map<number, { forwarded: number; saved: number }>();
  const bin = (t: number) => {
    const key = Math.floor(t / BIN_MS);
    let b = bins.get(key);
    if (b === undefined) bins.set(key, (b = { forwarded: 0, saved: 0 }));
    return b;
  };
  for (const t of work.forwardedAt) bin(t).forwarded++;
  let saved = 0;
  for (const e of events)
    if (e.kind === 'answered' && e.status === 200) {
      saved++;
      bin(e.t).saved++;
    }
  const forwarded = work.forwardedAt.length;
  return {
    verdict: judged.length === 0 ? 'no trigger' : judged.every((t) => t.recoverySeconds !== null) ? 'survived' : 'not recovered',
    goodput: {
      share: forwarded === 0 ? null : Math.round((saved / forwarded) * 1e4) / 1e4,
      saved,
      forwarded,
      per10s: [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([key, b]) => ({ fromS: (key * BIN_MS) / 1000, ...b })),
    },
    triggers: judged,
  };
}

/** The count of records marked for re-submission after each change, in time order. */
function markedOverTime(events: readonly ClientEvent[], settings: ClientSettings): Array<{ t: number; level: number }> {
  const arrivals = new Map<number, { key: string; group: string; t: number }>();
  const changes: Array<{ t: number; key: string; marked: boolean }> = [];
  for (const e of events) {
    if (e.kind === 'arrived') {
      if (e.record !== null) arrivals.set(e.id, { key: `${e.record.guid}:${e.record.seq}`, group: e.record.group, t: e.t });
      continue;
    }
    const a = arrivals.get(e.id);
    if (a === undefined) continue;
    if (e.kind === 'answered') changes.push({ t: e.t, key: a.key, marked: e.status !== 200 });
    else if (e.kind === 'reset') changes.push({ t: e.t, key: a.key, marked: true });
    // OCS learns of a held request when its response timeout ends.
    else if (e.kind === 'held') changes.push({ t: a.t + settings.group(a.group).responseTimeoutMs, key: a.key, marked: true });
  }
  changes.sort((x, y) => x.t - y.t);
  const marked = new Set<string>();
  return changes.map((c) => {
    if (c.marked) marked.add(c.key);
    else marked.delete(c.key);
    return { t: c.t, level: marked.size };
  });
}
