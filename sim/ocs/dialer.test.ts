import { describe, expect, it } from 'vitest';
import type { TraceLine } from '../observer.ts';
import { groupEntity, phoneOfContactEntity } from '../traceEntities.ts';
import { runObserved, tinyScenario, TEST_GROUP } from '../../test-support/scenarios.ts';
import { runScenario } from '../run.ts';

/**
 * The dialing side of OCS as a campaign group's user sees it: how many calls
 * a group dials at once (preview, progressive, predictive pacing), which
 * calling-list records it dials, how long each kind of call rings, when the
 * dialer abandons a call, and the treatments that redial a record.
 */

type Group = Parameters<typeof tinyScenario>[1];
type Outcomes = { Answer: number; Busy: number; 'Answering Machine Detected': number; 'Fax Detected': number; 'Wrong Number': number };
const outcomes = (o: Partial<Outcomes>): Outcomes => ({ Answer: 0, Busy: 0, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0, ...o });

interface Call {
  phone: string;
  attempt: number;
  dialedAt: number;
  finalizedAt?: number;
  result?: string;
}

/** The calls of a run, from its trace: dial and finalization, by GUID, in dial order. */
function callsOf(trace: readonly TraceLine[]): Call[] {
  const calls = new Map<string, Call>();
  for (const l of trace) {
    if (l.event === 'dial') calls.set(String(l.guid), { phone: phoneOfContactEntity(l.entity)!, attempt: Number(l.attempt), dialedAt: l.t });
    if (l.event === 'callFinalized') Object.assign(calls.get(String(l.guid))!, { finalizedAt: l.t, result: String(l.callResult) });
  }
  return [...calls.values()];
}

function run(overrides: Parameters<typeof tinyScenario>[0], group: Group) {
  const observed = runObserved(tinyScenario(overrides, group));
  return { ...observed, calls: callsOf(observed.trace) };
}

const AGENT_RESULTS = new Set(['Answer', 'Do Not Call', 'Wrong Party']);

describe('pacing: how many calls a campaign group dials at once', () => {
  it('progressive: one call per free agent, never more calls in progress than agents', () => {
    const { calls } = run(
      { duration: '5m' },
      { agents: 3, calls: { outcomes: outcomes({ Answer: 0.5, Busy: 0.2 }), answerTime: { uniform: ['2s', '8s'] }, talkTime: { uniform: ['5s', '30s'] } } },
    );
    expect(calls.filter((c) => c.dialedAt === 0)).toHaveLength(3);
    const peak = peakInProgress(calls);
    expect(peak).toBe(3);
  });

  it('preview: each free agent previews the record first, then dials it', () => {
    const { calls } = run({ duration: '3m' }, { agents: 3, dialMode: 'preview', previewTime: { fixed: '4s' } });
    expect(calls.filter((c) => c.dialedAt < 4000)).toHaveLength(0);
    expect(calls.filter((c) => c.dialedAt === 4000)).toHaveLength(3);
    // Every later dial comes a preview after the call its agent finished (5 s ringing, 20 s talk, 2 s after-call work).
    expect(new Set(calls.map((c) => c.dialedAt))).toEqual(new Set(calls.map((_, i) => 4000 + Math.floor(i / 3) * 31_000)));
    expect(peakInProgress(calls)).toBe(3);
  });

  it('preview: a record previewed while dialing gets suspended is not dialed; it goes back first in line, its agent free', () => {
    // Calls dialed at 10 s end at 37 s; their seq 1 records are refused until 1 min, and with a
    // threshold of 0 the wait condition is active from 37 s until a re-submission is confirmed.
    // The records previewed from 37 s are due at 47 s, while dialing is suspended.
    const { calls, trace } = run(
      { duration: '3m', ocs: { 'history-wait-condition-threshold': 0 }, network: { outages: [{ kind: 'refused', from: '12s', until: '1m' }] } },
      { agents: 2, dialMode: 'preview', previewTime: { fixed: '10s' }, callingListSize: 8 },
    );
    const groupStates = trace.filter((l) => l.entity === groupEntity(TEST_GROUP.name) && l.state !== undefined);
    const suspendedAt = groupStates.find((l) => l.state === 'waiting')!.t;
    const resumedAt = groupStates.find((l) => l.t > suspendedAt && l.state === 'running')!.t;
    expect(suspendedAt).toBeLessThan(47_000);
    expect(resumedAt).toBeGreaterThan(47_000);
    expect(calls.filter((c) => c.dialedAt >= suspendedAt && c.dialedAt < resumedAt)).toEqual([]);
    const phone = (i: number) => String(TEST_GROUP.firstPhone + i);
    // Previewed again once dialing resumed, both agents free, ahead of the rest of the calling list.
    const secondRound = calls.filter((c) => c.phone === phone(2) || c.phone === phone(3));
    expect(secondRound.map((c) => c.dialedAt)).toEqual([resumedAt + 10_000, resumedAt + 10_000]);
    const order = calls.map((c) => c.phone);
    expect(order.slice(0, 2)).toEqual([phone(0), phone(1)]);
    expect(new Set(order.slice(2, 4))).toEqual(new Set([phone(2), phone(3)]));
    expect(order.slice(4)).toEqual([4, 5, 6, 7].map(phone));
  });

  // [model] Predictive pacing keeps the expected answers from calls in progress at the free agents:
  // free agents / answer rate calls at once, at most max-dial-ratio per free agent. At the start the
  // dialer's estimate of the answer rate is the configured Answer probability.
  for (const [answer, maxDialRatio, expected] of [
    [0.5, 3, 20],
    [0.4, 3, 25],
    [0.8, 3, 12],
    [0.2, 3, 30],
    [0.2, 4, 40],
    [0, 2, 20],
  ] as const) {
    it(`predictive: 10 free agents, answer probability ${answer}, max dial ratio ${maxDialRatio}: dials ${expected} calls at the start`, () => {
      const { calls } = run(
        { duration: '1m' },
        {
          agents: 10,
          dialMode: 'predictive',
          maxDialRatio,
          callingListSize: 100,
          calls: { outcomes: outcomes({ Answer: answer }), answerTime: { fixed: '5s' }, noAnswerTime: { fixed: '5s' } },
        },
      );
      expect(calls.filter((c) => c.dialedAt === 0)).toHaveLength(expected);
    });
  }

  it('predictive: the starting estimate is the Answer probability wherever the scenario lists it', () => {
    // A program may hand runScenario a scenario whose outcomes are in any order.
    const scenario = tinyScenario(
      { duration: '1m' },
      {
        agents: 10,
        dialMode: 'predictive',
        callingListSize: 100,
        calls: { outcomes: outcomes({ Answer: 0.5, Busy: 0.3 }), answerTime: { fixed: '5s' }, busyTime: { fixed: '5s' }, noAnswerTime: { fixed: '5s' } },
      },
    );
    const calls = scenario.campaignGroups[0].calls;
    calls.outcomes = { Busy: 0.3, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0, Answer: 0.5 };
    const dialedAtStart = callsOf(runObserved(scenario).trace).filter((c) => c.dialedAt === 0);
    expect(dialedAtStart).toHaveLength(20);
  });

  it('predictive: keeps about free agents / answer rate calls ringing as it learns the answer rate', () => {
    // Every call rings 10 s; answered calls free their agent 1 ms later: the group keeps about
    // 10 / 0.5 = 20 calls ringing, i.e. dials about 20 calls every 10 s.
    const { calls, summary } = run(
      { duration: '10m', ocs: { 'send-history': false } },
      {
        agents: 10,
        dialMode: 'predictive',
        callingListSize: 5000,
        calls: {
          outcomes: outcomes({ Answer: 0.5 }),
          answerTime: { fixed: '10s' },
          noAnswerTime: { fixed: '10s' },
          talkTime: { fixed: '1ms' },
          afterCallWork: { fixed: '0ms' },
        },
        treatments: {},
      },
    );
    const secondHalf = calls.filter((c) => c.dialedAt >= 300_000 && c.dialedAt < 600_000).length;
    const perTenSeconds = secondHalf / 30;
    expect(perTenSeconds).toBeGreaterThan(16);
    expect(perTenSeconds).toBeLessThan(24);
    expect(summary.calls.abandoned).toBeLessThan(summary.dials * 0.05);
  });

  it('predictive: a validation request holds a pacing slot only while it is under way, rejected or not', () => {
    // As above, with pre-dial validation and half the requests rejected (409): each rejected
    // request gives its slot back at once, so about 20 calls still ring at once.
    const { calls, summary } = run(
      { duration: '10m', ocs: { 'send-history': false, 'pre-dial-validation': true }, externalSystem: { validationRejectProbability: 0.5 } },
      {
        agents: 10,
        dialMode: 'predictive',
        callingListSize: 5000,
        calls: {
          outcomes: outcomes({ Answer: 0.5 }),
          answerTime: { fixed: '10s' },
          noAnswerTime: { fixed: '10s' },
          talkTime: { fixed: '1ms' },
          afterCallWork: { fixed: '0ms' },
        },
        treatments: {},
      },
    );
    expect(summary.validations.rejected).toBeGreaterThan(500);
    const perTenSeconds = calls.filter((c) => c.dialedAt >= 300_000 && c.dialedAt < 600_000).length / 30;
    expect(perTenSeconds).toBeGreaterThan(16);
    expect(perTenSeconds).toBeLessThan(24);
  });

  it('predictive: a call answered while every agent is busy is abandoned, and only then', () => {
    // Every call rings 4 s: a talked call's agent is busy from dial + 4 s to the call's finalization.
    const agents = 3;
    const { calls, summary } = run(
      { duration: '20m' },
      {
        agents,
        dialMode: 'predictive',
        callingListSize: 2000,
        calls: {
          outcomes: outcomes({ Answer: 0.5 }),
          answerTime: { fixed: '4s' },
          noAnswerTime: { fixed: '4s' },
          talkTime: { uniform: ['5s', '20s'] },
          afterCallWork: { uniform: ['0s', '2s'] },
        },
      },
    );
    const talked = calls.filter((c) => AGENT_RESULTS.has(c.result!));
    const abandoned = calls.filter((c) => c.result === 'Abandoned');
    expect(abandoned.length).toBeGreaterThan(5);
    expect(summary.calls.abandoned).toBe(abandoned.length);
    expect(summary.calls.results.Abandoned).toBe(abandoned.length);
    const busyAt = (t: number) => talked.filter((c) => c.dialedAt + 4000 <= t && t < c.finalizedAt!).length;
    for (const a of abandoned) {
      expect(a.finalizedAt! - a.dialedAt, 'abandoned as it is answered').toBe(4000);
      expect(busyAt(a.finalizedAt!), `agents busy when the call answered at ${a.finalizedAt} was abandoned`).toBe(agents);
    }
    // A call answered with an agent free gets it: never more agents talking than the group has.
    for (const c of talked) expect(busyAt(c.dialedAt + 4000), `answered at ${c.dialedAt + 4000}`).toBeLessThanOrEqual(agents);
  });
});

/** Most calls in progress (dialed, not yet finalized) at once. */
function peakInProgress(calls: readonly Call[]): number {
  const edges = calls
    .flatMap(
      (c) =>
        [
          [c.dialedAt, 1],
          [c.finalizedAt ?? Infinity, -1],
        ] as const,
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (level += d));
  return peak;
}

describe('dial checks', () => {
  it("one per group at a time: calls ending together cost one check, as summary.json's event count shows", () => {
    // 2 agents, 2 records, no call report records. The model's events: the group's START and STOP,
    // a dial check at the start (dials both), then for each call its answer (5 s), end of talk (20 s)
    // and end of after-call work (2 s): 6; both calls end at 27 s, and their two requests for a
    // dial check make one check (which finds the calling list done). 1 + 1 + 6 + 1 + 1 = 10.
    const { summary } = run({ duration: '2m', ocs: { 'send-history': false } }, { agents: 2, callingListSize: 2 });
    expect(summary.dials).toBe(2);
    expect(summary.events).toBe(10);
  });
});

describe('the calling list', () => {
  it('is dialed record by record from the first phone number, each once when no treatment redials it, and no further', () => {
    const { calls, summary } = run({ duration: '5m' }, { agents: 2, callingListSize: 5 });
    expect(calls.map((c) => c.phone)).toEqual([0, 1, 2, 3, 4].map((i) => String(TEST_GROUP.firstPhone + i)));
    expect(calls.every((c) => c.attempt === 1 && c.result === 'Answer')).toBe(true);
    expect(summary.dials).toBe(5);
    expect(summary.groups[0].dials).toBe(5);
  });

  it('is dialed without call report records when send-history is off', () => {
    const { calls, summary } = run({ duration: '2m', ocs: { 'send-history': false } }, { agents: 2, callingListSize: 10 });
    expect(calls.length).toBeGreaterThan(3);
    expect(summary.records.created).toBe(0);
    expect(calls.every((c) => c.result === 'Answer')).toBe(true);
  });
});

describe('the call from dial to finalization', () => {
  it('rings for the time of what the dialer detects: no answer, busy or wrong number, machine or fax', () => {
    const { calls, summary } = run(
      { duration: '10m' },
      {
        agents: 5,
        callingListSize: 200,
        calls: {
          outcomes: { Answer: 0.2, Busy: 0.15, 'Answering Machine Detected': 0.15, 'Fax Detected': 0.1, 'Wrong Number': 0.1 },
          answerTime: { fixed: '5s' },
          noAnswerTime: { fixed: '12s' },
          busyTime: { fixed: '3s' },
          machineDetectionTime: { fixed: '7s' },
          talkTime: { fixed: '20s' },
          afterCallWork: { fixed: '2s' },
        },
      },
    );
    const expectedMs: Record<string, number> = {
      'No Answer': 12_000,
      Busy: 3000,
      'Wrong Number': 3000,
      'Answering Machine Detected': 7000,
      'Fax Detected': 7000,
      Answer: 5000 + 20_000 + 2000,
    };
    const finalized = calls.filter((c) => c.result !== undefined);
    for (const c of finalized) expect(c.finalizedAt! - c.dialedAt, `${c.result} dialed at ${c.dialedAt}`).toBe(expectedMs[c.result!]);
    expect(new Set(finalized.map((c) => c.result))).toEqual(new Set(Object.keys(expectedMs)));
    expect(summary.calls.results).toEqual(Object.fromEntries(Object.keys(expectedMs).map((r) => [r, finalized.filter((c) => c.result === r).length])));
  });
});

describe('treatments', () => {
  it('redial a record redialAfter after its call ended, until maxAttempts attempts', () => {
    const { calls } = run(
      { duration: '10m' },
      {
        agents: 2,
        callingListSize: 2,
        calls: { outcomes: outcomes({ Busy: 1 }), busyTime: { fixed: '3s' } },
        treatments: { Busy: { redialAfter: '1m', maxAttempts: 3 } },
      },
    );
    for (const phone of [0, 1].map((i) => String(TEST_GROUP.firstPhone + i))) {
      const mine = calls.filter((c) => c.phone === phone);
      expect(mine.map((c) => c.attempt)).toEqual([1, 2, 3]);
      // Dialed at 0, then 1 min after each 3 s busy call.
      expect(mine.map((c) => c.dialedAt)).toEqual([0, 63_000, 126_000]);
      expect(mine.every((c) => c.result === 'Busy')).toBe(true);
    }
  });

  it("count each call result's applications apart: a record is final once its call result reached that result's maxAttempts", () => {
    const maxAttempts: Record<string, number> = { Busy: 2, 'No Answer': 3 };
    const { calls } = run(
      { duration: '30m' },
      {
        agents: 5,
        callingListSize: 40,
        calls: { outcomes: outcomes({ Busy: 0.5 }), busyTime: { fixed: '2s' }, noAnswerTime: { fixed: '5s' } },
        treatments: { Busy: { redialAfter: '10s', maxAttempts: 2 }, 'No Answer': { redialAfter: '10s', maxAttempts: 3 } },
      },
    );
    const byPhone = new Map<string, Call[]>();
    for (const c of calls) byPhone.set(c.phone, [...(byPhone.get(c.phone) ?? []), c]);
    expect(byPhone.size).toBe(40);
    let longest = 0;
    for (const [phone, mine] of byPhone) {
      const counts: Record<string, number> = { Busy: 0, 'No Answer': 0 };
      mine.forEach((c, i) => {
        expect(c.attempt).toBe(i + 1);
        const count = ++counts[c.result!];
        const last = i === mine.length - 1;
        // Redialed while its result's count is below that result's maxAttempts; final when it reaches it.
        expect(count < maxAttempts[c.result!], `${phone} attempt ${c.attempt} (${c.result})`).toBe(!last);
        if (!last) expect(mine[i + 1].dialedAt - c.finalizedAt!).toBeGreaterThanOrEqual(10_000);
      });
      longest = Math.max(longest, mine.length);
    }
    // Some record alternated results, and so was dialed more often than either maxAttempts.
    expect(longest).toBe(4);
  });
});

describe('a run nobody observes', () => {
  it('comes to the same summary as a traced and logged one, race conditions, dials and finalizations included', () => {
    // Pre-dial validation on, failing requests and records: contacts come back (3 s redials) while
    // a failed record of theirs is still kept (20 s recovery), and the pre-dial check aborts.
    const scenario = tinyScenario(
      {
        duration: '10m',
        ocs: { 'pre-dial-validation': true, 'validation-timeout-call-result': 'Busy', 'history-wait-recovery-timeout': '20s' },
        externalSystem: { errors: { 500: 0.4 } },
      },
      {
        agents: 5,
        callingListSize: 50,
        calls: { outcomes: outcomes({ Answer: 0.3, Busy: 0.6 }), busyTime: { fixed: '1s' } },
        treatments: { Busy: { redialAfter: '3s', maxAttempts: 10 }, Stale: { redialAfter: '5s', maxAttempts: 10 } },
      },
    );
    const observed = runObserved(scenario);
    expect(observed.summary.raceConditions).toBeGreaterThan(10);
    expect(observed.logText.filter((t) => t.startsWith('Predial check aborted due to race condition for phone '))).toHaveLength(
      observed.summary.raceConditions,
    );
    expect(runScenario(scenario).summary).toEqual(observed.summary);
  });
});
