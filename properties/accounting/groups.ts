import type { RunFacts } from '../runFacts.ts';
import { Level, seconds } from './measures.ts';
import type { Fold, RunEnd, Step } from './step.ts';

/**
 * The campaign groups: each one's state, dials, wait conditions (entered,
 * and the time in them), its records marked for re-submission and its
 * race conditions; and the wait conditions over all groups (how many at
 * once, and the time at least one was on: the union of their periods).
 */
interface Group {
  state: string;
  dials: number;
  activations: number;
  waiting: Level;
  marked: Level;
  raceConditions: number;
  /** When its last wait condition cleared (-1: never). */
  lastCleared: number;
  /** A restart ended one of its wait conditions (without clearing it). */
  stoppedWaiting: boolean;
}

export class GroupsFold implements Fold<ReturnType<GroupsFold['result']>> {
  private readonly groups: Map<string, Group>;
  private readonly groupsWaiting = new Level();
  private readonly anyGroupWaiting = new Level();

  constructor(private readonly facts: RunFacts) {
    this.groups = new Map(
      facts.model.groups.map((g) => [
        g.name,
        { state: 'loaded', dials: 0, activations: 0, waiting: new Level(), marked: new Level(), raceConditions: 0, lastCleared: -1, stoppedWaiting: false },
      ]),
    );
  }

  line({ line, t, entity, change }: Step): void {
    if (change !== null && change.marked !== 0)
      this.groups.get(this.facts.attempts.get(change.guid)?.group ?? this.facts.firstGroup)!.marked.add(t, change.marked);
    else if (entity.kind === 'group' && typeof line.state === 'string') {
      const g = this.groups.get(entity.name)!;
      if (line.state === 'waiting' && g.state !== 'waiting') {
        g.activations++;
        g.waiting.add(t, 1);
        this.waitingChanged(t, 1);
      } else if (g.state === 'waiting' && line.state !== 'waiting') {
        g.waiting.add(t, -1);
        this.waitingChanged(t, -1);
        if (line.state === 'running') g.lastCleared = t;
        // A restart ends a wait condition too, without clearing it.
        else if (line.state === 'stopped') g.stoppedWaiting = true;
      }
      g.state = line.state;
    } else if (entity.kind === 'contact') {
      if (line.event === 'dial') this.groups.get(String(line.group))!.dials++;
      else if (line.event === 'raceCondition') {
        const g = this.groups.get(String(line.group));
        if (g) g.raceConditions++;
      }
    }
  }

  private waitingChanged(t: number, delta: number): void {
    const before = this.groupsWaiting.level > 0 ? 1 : 0;
    this.groupsWaiting.add(t, delta);
    const after = this.groupsWaiting.level > 0 ? 1 : 0;
    if (after !== before) this.anyGroupWaiting.add(t, after - before);
  }

  /** When each group's last wait condition cleared (-1: never). */
  lastCleared(): number[] {
    return [...this.groups.values()].map((g) => g.lastCleared);
  }

  /** Whether a restart ended a wait condition of any group. */
  anyStoppedWaiting(): boolean {
    return [...this.groups.values()].some((g) => g.stoppedWaiting);
  }

  result(end: RunEnd) {
    const groups = [...this.groups.values()];
    return {
      waitConditions: {
        activations: groups.reduce((n, g) => n + g.activations, 0),
        secondsActive: seconds(this.anyGroupWaiting.integral(end.t)),
        secondsActiveSummedOverGroups: seconds(groups.reduce((n, g) => n + g.waiting.integral(end.t), 0)),
        peakGroupsWaiting: this.groupsWaiting.peak,
      },
      groups: this.facts.model.groups.map(({ name }) => {
        const g = this.groups.get(name)!;
        return {
          name,
          state: g.state,
          dials: g.dials,
          waitConditionActivations: g.activations,
          waitConditionSecondsActive: seconds(g.waiting.integral(end.t)),
          peakMarkedForResubmission: g.marked.peak,
          raceConditions: g.raceConditions,
        };
      }),
    };
  }
}
