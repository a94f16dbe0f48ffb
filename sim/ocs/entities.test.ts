import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../scenario/scenario.ts';
import { runObserved, tinyScenario, TEST_GROUP } from '../../test-support/scenarios.ts';
import { callResultCode } from '../scenario/resolve.ts';
import { Attempt } from './attempt.ts';
import { CallReportRecord, UnconfirmedRecords, type Contact } from './entities.ts';
import type { CallResult } from '../scenario/callResults.ts';

/**
 * What OCS keeps and counts, as the user sees it: call attempt GUIDs (shape,
 * uniqueness, made from the seed), the stage timestamps a record carries, the
 * list of records OCS keeps until a 200 OK confirms them, and the per-group
 * state behind pacing, call outcomes and recovery figures in summary.json.
 */

const UUID_V4 = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-8[0-9A-F]{3}-[0-9A-F]{12}$/;
const contact = { phone: '5550000000', group: null, attempts: 0, treatmentCounts: null, unconfirmed: 0 } as unknown as Contact;
const guidOf = (seed: number, serial: number) => new Attempt(contact, serial, seed, 0).guid;
/** The GUID without its last group (the serial): the seeded, hashed part. */
const randomPart = (guid: string) => guid.slice(0, 23);

describe('GSW_CALL_ATTEMPT_GUID', () => {
  const SEEDS = [0, 1, 2, 7, 42, 123_456, 2 ** 31 - 1];
  const SERIALS = 2000;

  it('is an upper-case version-4 UUID (variant 8) for any seed and attempt', () => {
    for (const seed of SEEDS) {
      const misshapen = Array.from({ length: SERIALS }, (_, serial) => guidOf(seed, serial)).filter((g) => !UUID_V4.test(g));
      expect(misshapen, `seed ${seed}`).toEqual([]);
      // The last group holds 48 bits of serial: a run of a trillion attempts still fits.
      expect(guidOf(seed, 2 ** 40 + 5)).toMatch(UUID_V4);
    }
  });

  it("ends in the attempt's serial number in hex, so no two attempts of a run share a GUID", () => {
    for (const seed of SEEDS) {
      const guids = Array.from({ length: SERIALS }, (_, serial) => guidOf(seed, serial));
      expect(guids.map((g) => parseInt(g.slice(24), 16))).toEqual(guids.map((_, serial) => serial));
      expect(new Set(guids).size).toBe(SERIALS);
    }
    expect(guidOf(7, 2 ** 40 + 5).slice(24)).toBe('010000000005');
  });

  it('is the same for the same seed and attempt, however often and wherever it is read', () => {
    const attempt = new Attempt(contact, 17, 42, 0);
    expect(attempt.guid).toBe(attempt.guid);
    expect(new Attempt(contact, 17, 42, 5000).guid).toBe(attempt.guid);
  });

  it('has random bits that depend on the seed: two runs name their attempts differently', () => {
    for (const [a, b] of [
      [0, 1],
      [1, 2],
      [7, 8],
      [42, 43],
    ]) {
      let same = 0;
      for (let serial = 0; serial < 200; serial++) if (randomPart(guidOf(a, serial)) === randomPart(guidOf(b, serial))) same++;
      expect(same, `seeds ${a} and ${b}`).toBe(0);
    }
  });

  it('has fresh random bits for every attempt, not only a new serial', () => {
    for (const seed of SEEDS) {
      const firstGroups = new Set(Array.from({ length: SERIALS }, (_, serial) => guidOf(seed, serial).slice(0, 8)));
      // 32 random bits each: a handful of collisions among 2000 at most.
      expect(firstGroups.size, `seed ${seed}`).toBeGreaterThan(SERIALS - 5);
    }
  });

  it('fills its random groups independently of one another', () => {
    for (const seed of SEEDS) {
      let copies = 0;
      for (let serial = 0; serial < SERIALS; serial++) {
        // Groups 1, 2 and 4 (after its variant digit) hold bits of three different hashes.
        const [g1, g2, , g4] = guidOf(seed, serial).split('-');
        if (g2 === g1.slice(0, 4) || g4.slice(1) === g2.slice(0, 3)) copies++;
      }
      // By chance, 1 in 65,536 and 1 in 4,096: a few among 2000 at most.
      expect(copies, `seed ${seed}`).toBeLessThan(5);
    }
  });
});

describe('the records OCS keeps until a 200 OK confirms them', () => {
  const context = {
    historyHttpResponseTimeoutMs: 1000,
    historyWaitRecoveryTimeoutMs: 1000,
    recoveryTimer: 'per-record' as const,
    recordsAfterRestart: 'resent' as const,
  };
  const record = (serial: number) => new CallReportRecord(new Attempt(contact, serial, 1, 0), 0, context);

  it('hold every record kept and not yet released, whichever is released first', () => {
    const kept = new UnconfirmedRecords();
    const [a, b, c, d, e, f] = [0, 1, 2, 3, 4, 5].map(record);
    const expectKept = (...records: CallReportRecord[]) => {
      expect(new Set(kept)).toEqual(new Set(records));
      expect([...kept]).toHaveLength(records.length);
      expect(kept.size).toBe(records.length);
    };
    expectKept();
    for (const r of [a, b, c, d, e]) kept.add(r);
    expectKept(a, b, c, d, e);
    kept.delete(c); // one in the middle
    expectKept(a, b, d, e);
    kept.delete(e); // the latest kept
    expectKept(a, b, d);
    kept.delete(d); // the latest again
    expectKept(a, b);
    kept.delete(a); // the first kept
    expectKept(b);
    kept.add(f);
    expectKept(b, f);
    kept.delete(b);
    kept.delete(f);
    expectKept();
    kept.add(a);
    expectKept(a);
  });

  it('are counted by state in summary.json when a run ends with records still kept', () => {
    // The external system is unreachable from 1 min on, and the drain is short: records stay kept.
    const run = runObserved(tinyScenario({ duration: '2m', drainLimit: '1m', network: { outages: [{ kind: 'refused', from: '1m', until: '10m' }] } }));
    const { records } = run.summary;
    expect(records.unconfirmed).toBeGreaterThan(0);
    expect(Object.values(records.unconfirmedByState).reduce((n, k) => n + k, 0)).toBe(records.unconfirmed);
    expect(records.created).toBe(records.saved + records.unconfirmed);
  });
});

/** Stage timestamps of a record, by name, in seconds (epoch). */
const STAGES = [
  'GSW_DIALING',
  'GSW_RINGING',
  'GSW_CPD_COMPLETED',
  'GSW_ANSWERED',
  'GSW_QUEUED',
  'GSW_AGENT_RINGING',
  'GSW_AGENT_ANSWERED',
  'GSW_DIVERTED',
  'GSW_ABANDONED',
  'GSW_RELEASED',
  'GSW_AGENT_RELEASED',
  'GSW_ACW_COMPLETED',
  'GSW_COMPLETE_PROCESSING',
];
const stagesOf = (body: Record<string, unknown>) => STAGES.filter((s) => s in body).sort();

/** First POSTs' bodies of a run, with the call result each attempt was finalized with. */
function bodies(overrides: Parameters<typeof tinyScenario>[0], group: Parameters<typeof tinyScenario>[1]) {
  const run = runObserved(tinyScenario(overrides, group));
  const results = new Map(run.trace.filter((l) => l.event === 'callFinalized').map((l) => [String(l.guid), l.callResult as CallResult]));
  const posted = run.trace.filter((l) => l.event === 'POST' && l.body !== undefined).map((l) => ({ t: l.t, body: l.body as Record<string, string | number> }));
  return { run, results, posted };
}

describe('the stage timestamps a record carries: only the stages its call went through', () => {
  const UNANSWERED = ['GSW_DIALING', 'GSW_RINGING', 'GSW_CPD_COMPLETED', 'GSW_RELEASED', 'GSW_COMPLETE_PROCESSING'].sort();
  const TALKED = [
    'GSW_DIALING',
    'GSW_RINGING',
    'GSW_CPD_COMPLETED',
    'GSW_ANSWERED',
    'GSW_AGENT_RINGING',
    'GSW_AGENT_ANSWERED',
    'GSW_DIVERTED',
    'GSW_RELEASED',
    'GSW_AGENT_RELEASED',
    'GSW_ACW_COMPLETED',
    'GSW_COMPLETE_PROCESSING',
  ].sort();
  const ABANDONED = ['GSW_DIALING', 'GSW_RINGING', 'GSW_CPD_COMPLETED', 'GSW_ANSWERED', 'GSW_ABANDONED', 'GSW_RELEASED', 'GSW_COMPLETE_PROCESSING'].sort();
  const expectedStages: Partial<Record<CallResult, string[]>> = {
    Busy: UNANSWERED,
    'No Answer': UNANSWERED,
    'Answering Machine Detected': UNANSWERED,
    Answer: TALKED,
    'Do Not Call': TALKED,
    Abandoned: ABANDONED,
  };

  for (const dialMode of ['progressive', 'predictive'] as const) {
    it(`${dialMode}: seq 0 carries the dial alone, seq 1 the stages of its call's result`, () => {
      const { results, posted } = bodies(
        { duration: '4m' },
        {
          dialMode,
          agents: 3,
          calls: {
            outcomes: { Answer: dialMode === 'predictive' ? 0.6 : 0.4, Busy: 0.15, 'Answering Machine Detected': 0.15, 'Fax Detected': 0, 'Wrong Number': 0 },
            answerTime: { uniform: ['2s', '8s'] },
            busyTime: { fixed: '3s' },
            noAnswerTime: { fixed: '12s' },
            machineDetectionTime: { fixed: '6s' },
            talkTime: { uniform: ['10s', '40s'] },
            afterCallWork: { fixed: '2s' },
            agentResults: { 'Do Not Call': 0.3, 'Wrong Party': 0 },
          },
          treatments: { Busy: { redialAfter: '20s', maxAttempts: 3 }, 'No Answer': { redialAfter: '20s', maxAttempts: 3 } },
        },
      );
      const seen = new Set<CallResult>();
      let laterDials = 0;
      for (const { t, body } of posted) {
        if (body.GSW_HIST_SEQUENCE_NUM === 0) {
          expect(stagesOf(body)).toEqual(['GSW_DIALING']);
          if (t > 0) laterDials++;
          continue;
        }
        const result = results.get(String(body.GSW_CALL_ATTEMPT_GUID))!;
        seen.add(result);
        expect(body.GSW_CALL_RESULT).toBe(callResultCode(result));
        expect(stagesOf(body), `${result} at ${t} ms`).toEqual(expectedStages[result]);
        // The stages happened in order, from the dial to the end of processing.
        expect(Number(body.GSW_DIALING)).toBeLessThanOrEqual(Number(body.GSW_RELEASED));
        expect(Number(body.GSW_RELEASED)).toBeLessThanOrEqual(Number(body.GSW_COMPLETE_PROCESSING));
      }
      expect(laterDials).toBeGreaterThan(10);
      const expectedResults: CallResult[] = ['Busy', 'No Answer', 'Answering Machine Detected', 'Answer', 'Do Not Call'];
      for (const result of expectedResults) expect(seen, result).toContain(result);
      if (dialMode === 'predictive') expect(seen).toContain('Abandoned');
    });
  }
});

describe('call results a campaign group draws', () => {
  it('are No Answer for calls the dialer detects nothing for, and Answer for calls agents set no result on', () => {
    const { summary } = runObserved(
      tinyScenario(
        { duration: '4m' },
        {
          agents: 4,
          calls: {
            outcomes: { Answer: 0.5, Busy: 0, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0 },
            noAnswerTime: { fixed: '5s' },
            agentResults: { 'Do Not Call': 0, 'Wrong Party': 0 },
          },
        },
      ),
    );
    expect(Object.keys(summary.calls.results).sort()).toEqual(['Answer', 'No Answer']);
    const { Answer: answered, 'No Answer': unanswered } = summary.calls.results as Record<string, number>;
    expect(answered + unanswered).toBeGreaterThan(20);
    // Half the calls each way, give or take.
    expect(answered / (answered + unanswered)).toBeGreaterThan(0.3);
    expect(answered / (answered + unanswered)).toBeLessThan(0.7);
  });

  it('do not depend on the other campaign groups in the run: each draws outcomes, agent results and durations of its own', () => {
    const group = (name: string, dbid: number, firstPhone: number) => ({
      name,
      dbid,
      firstPhone,
      callingListSize: 200,
      agents: 3,
      dialMode: 'progressive' as const,
      calls: {
        outcomes: { Answer: 0.4, Busy: 0.2, 'Answering Machine Detected': 0.1, 'Fax Detected': 0, 'Wrong Number': 0 },
        answerTime: { uniform: ['2s', '10s'] as [string, string] },
        noAnswerTime: { uniform: ['5s', '15s'] as [string, string] },
        busyTime: { uniform: ['1s', '4s'] as [string, string] },
        machineDetectionTime: { uniform: ['3s', '9s'] as [string, string] },
        talkTime: { uniform: ['10s', '60s'] as [string, string] },
        afterCallWork: { uniform: ['1s', '5s'] as [string, string] },
        agentResults: { 'Do Not Call': 0.2, 'Wrong Party': 0.2 },
      },
    });
    const a = group(TEST_GROUP.name, TEST_GROUP.dbid, TEST_GROUP.firstPhone);
    const b = group('Other Sales@Other Agents', 202, 7770000000);
    const callsOfA = (campaignGroups: ScenarioInput['campaignGroups']) => {
      const run = runObserved(tinyScenario({ duration: '6m', campaignGroups } as never));
      // A's phone numbers start 555..., B's 777...
      return run.trace
        .filter((l) => l.entity.startsWith('contact:555') && (l.event === 'dial' || l.event === 'callFinalized'))
        .map((l) => `${l.t} ${l.entity} ${l.event} ${l.event === 'dial' ? l.attempt : l.callResult}`);
    };
    const alone = callsOfA([a]);
    const together = callsOfA([a, b]);
    expect(alone.length).toBeGreaterThan(30);
    expect(new Set(alone.filter((l) => l.includes('callFinalized')).map((l) => l.split(' ').slice(3).join(' '))).size).toBeGreaterThan(3);
    expect(together).toEqual(alone);
  });
});

describe("recovery figures that rest on the group's wait-condition history", () => {
  for (const until of ['0.5ms', '2s']) {
    it(`dialing is back the moment the last outage ends when no wait condition was ever activated (outage of ${until})`, () => {
      const { summary } = runObserved(tinyScenario({ duration: '1m', network: { outages: [{ kind: 'hang', from: '0ms', until }] } }));
      expect(summary.waitConditions.activations).toBe(0);
      expect(summary.recovery.dialingBackSeconds).toBe(0);
    });
  }
});
