import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventObject } from 'xstate';
import { ExternalSystem, type Arrival, type StoredAttempt } from '../sim/world/externalSystem.ts';
import { Kernel } from '../sim/kernel/kernel.ts';
import { RandomStreams } from '../sim/kernel/random.ts';
import type { ResolvedModel } from '../sim/scenario/resolve.ts';
import { type MachineUnderTest, newGroup } from './machineHarness.ts';
import { assertProperty, checkProperty, numRuns, replayPathOf } from './replay.ts';

/**
 * fc.commands model-based tests where the state space is unbounded: a
 * campaign group's marked count against history-wait-condition-threshold,
 * and the external system's concurrency limit with its queue or 409s.
 * A failure prints seed, path and replayPath; FC_REPLAY_PATH replays it.
 */
const file = 'properties/commands.test.ts';
const replayPath = process.env.FC_REPLAY_PATH;

// ---------------------------------------------------------------------------
// Campaign group: marked count vs threshold.

interface GroupModel {
  threshold: number;
  marked: number;
  phase: 'loaded' | 'started' | 'stopped';
}
interface GroupReal {
  group: MachineUnderTest;
}

/** After every command: dialing is suspended exactly while more than the threshold are marked; log lines alternate. */
function checkGroup(m: GroupModel, r: GroupReal): void {
  const state = r.group.state;
  const expected = m.phase === 'loaded' ? 'loaded' : m.phase === 'stopped' ? 'stopped' : m.marked > m.threshold ? 'waiting' : 'running';
  expect(state, `${m.marked} marked, threshold ${m.threshold}`).toBe(expected);
  const activated = r.group.ledger.logs.filter((l) => l === 'logWaitConditionActivated').length;
  const cleared = r.group.ledger.logs.filter((l) => l === 'logWaitConditionCleared').length;
  expect(activated - cleared).toBe(state === 'waiting' ? 1 : state === 'stopped' ? activated - cleared : 0);
  expect(activated - cleared === 0 || activated - cleared === 1).toBe(true);
}

const markedChanged = (count: number): EventObject => ({ type: 'MARKED_COUNT_CHANGED', count }) as EventObject;

class Start implements fc.Command<GroupModel, GroupReal> {
  check = (m: Readonly<GroupModel>) => m.phase === 'loaded';
  run(m: GroupModel, r: GroupReal): void {
    r.group.send({ type: 'START' });
    m.phase = 'started';
    // The simulator sends the count with every change; a group started with records already marked learns it at the next change.
    checkGroup({ ...m, marked: 0 }, r);
  }
  toString = () => 'START';
}
class Mark implements fc.Command<GroupModel, GroupReal> {
  check = () => true;
  run(m: GroupModel, r: GroupReal): void {
    m.marked++;
    r.group.send(markedChanged(m.marked));
    if (m.phase !== 'loaded') checkGroup(m, r);
  }
  toString = () => 'mark';
}
class Unmark implements fc.Command<GroupModel, GroupReal> {
  check = (m: Readonly<GroupModel>) => m.marked > 0;
  run(m: GroupModel, r: GroupReal): void {
    m.marked--;
    r.group.send(markedChanged(m.marked));
    if (m.phase !== 'loaded') checkGroup(m, r);
  }
  toString = () => 'unmark';
}
class Stop implements fc.Command<GroupModel, GroupReal> {
  check = (m: Readonly<GroupModel>) => m.phase !== 'stopped';
  run(m: GroupModel, r: GroupReal): void {
    r.group.send({ type: 'STOP' });
    m.phase = 'stopped';
    checkGroup(m, r);
  }
  toString = () => 'STOP';
}

const groupCommands = (path?: string) =>
  fc.commands(
    [
      fc.oneof(
        { arbitrary: fc.constant(new Mark()), weight: 12 },
        { arbitrary: fc.constant(new Unmark()), weight: 10 },
        { arbitrary: fc.constant(new Start()), weight: 2 },
        { arbitrary: fc.constant(new Stop()), weight: 1 },
      ),
    ],
    { maxCommands: 300, ...(path ? { replayPath: path } : {}) },
  );

describe('fc.commands: the campaign group against its marked count', () => {
  const name = 'dialing is suspended exactly while more records than the threshold are marked, however the count moves';
  it(name, () => {
    assertProperty(
      { file, name },
      fc.property(fc.integer({ min: 0, max: 20 }), groupCommands(replayPath), (threshold, commands) => {
        fc.modelRun(
          () => ({ model: { threshold, marked: 0, phase: 'loaded' as const }, real: { group: newGroup({ historyWaitConditionThreshold: threshold }) } }),
          commands,
        );
      }),
      { numRuns: numRuns() },
    );
  });

  it('a failing command sequence prints FC_REPLAY_PATH, and seed + path + replayPath replay it', () => {
    const spec = { file, name: 'a deliberately false claim: the wait condition is never activated twice' };
    const first = checkProperty(spec, activatedAtMostOnce(), { seed: 99, numRuns: 300 });
    expect(first.details.failed).toBe(true);
    const path = replayPathOf(first.details);
    expect(path).not.toBeNull();
    expect(first.report).toContain(`FC_SEED=99 FC_PATH='${first.details.counterexamplePath}' FC_REPLAY_PATH='${path}' npx vitest run ${file}`);
    const again = fc.check(activatedAtMostOnce(path!), { seed: 99, path: first.details.counterexamplePath! });
    expect(again.failed).toBe(true);
    expect(fc.stringify(again.counterexample)).toBe(fc.stringify(first.details.counterexample));
  });
});

/** A deliberately false claim ("the wait condition is never activated twice"), its commands replayed from `path` when given. */
function activatedAtMostOnce(path?: string) {
  return fc.property(fc.integer({ min: 0, max: 3 }), groupCommands(path), (threshold, commands) => {
    const group = newGroup({ historyWaitConditionThreshold: threshold });
    fc.modelRun(() => ({ model: { threshold, marked: 0, phase: 'loaded' as const }, real: { group } }), commands);
    expect(group.ledger.logs.filter((l) => l === 'logWaitConditionActivated').length).toBeLessThan(2);
  });
}

// ---------------------------------------------------------------------------
// The external system's concurrency limit.

interface Request extends Arrival {
  id: number;
}
interface ExternalModel {
  concurrency: number;
  overflow: 'queue' | 'reject';
  inService: number[];
  waiting: number[];
  next: number;
}
interface ExternalReal {
  kernel: Kernel;
  external: ExternalSystem<Request>;
  answered: Array<[number, number]>;
}

function checkExternal(m: ExternalModel, r: ExternalReal): void {
  expect(r.external.busy).toBe(m.inService.length);
  expect(r.external.queued).toBe(m.waiting.length);
  expect(r.external.busy).toBeLessThanOrEqual(m.concurrency);
}

class Arrive implements fc.Command<ExternalModel, ExternalReal> {
  check = () => true;
  run(m: ExternalModel, r: ExternalReal): void {
    const id = m.next++;
    const stored: StoredAttempt = { storedSeq: -1, storedTimes: [0, 0], outstanding: 1 };
    const before = r.answered.length;
    r.external.arrive({ kind: 'record', seq: 0, stored, id });
    if (m.inService.length < m.concurrency) m.inService.push(id);
    else if (m.overflow === 'queue') m.waiting.push(id);
    else expect(r.answered.slice(before), 'over capacity: 409 at once').toEqual([[id, 409]]);
    checkExternal(m, r);
  }
  toString = () => 'arrive';
}
class Finish implements fc.Command<ExternalModel, ExternalReal> {
  check = (m: Readonly<ExternalModel>) => m.inService.length > 0;
  run(m: ExternalModel, r: ExternalReal): void {
    const before = r.answered.length;
    r.kernel.run(Infinity, () => true);
    // Fixed service time: the request in service longest finishes first, and the oldest waiting one starts.
    const done = m.inService.shift()!;
    expect(r.answered.slice(before)).toEqual([[done, 200]]);
    const next = m.waiting.shift();
    if (next !== undefined) m.inService.push(next);
    checkExternal(m, r);
  }
  toString = () => 'finish';
}

describe('fc.commands: the external system against its concurrency limit', () => {
  const name = 'the external system serves at most its concurrency at once, queues or rejects the rest, first come first served';
  it(name, () => {
    assertProperty(
      { file, name },
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom('queue' as const, 'reject' as const),
        fc.commands([fc.constant(new Arrive()), fc.constant(new Finish())], { maxCommands: 200, ...(replayPath ? { replayPath } : {}) }),
        (concurrency, overflow, commands) => {
          const config: ResolvedModel['externalSystem'] = {
            serviceTime: { distribution: 'fixed', value: 20 },
            concurrency,
            overflow,
            errors: [],
            storagePolicy: 'by-sequence',
            validationRejectProbability: 0,
            validationRejectCallResult: 'Do Not Call',
            outages: [],
          };
          const setup = () => {
            const kernel = new Kernel();
            const answered: Array<[number, number]> = [];
            const external = new ExternalSystem<Request>(config, kernel, new RandomStreams(1), (request, status) => answered.push([request.id, status]));
            return { model: { concurrency, overflow, inService: [], waiting: [], next: 0 }, real: { kernel, external, answered } };
          };
          fc.modelRun(setup, commands);
        },
      ),
      { numRuns: numRuns() },
    );
  });
});
