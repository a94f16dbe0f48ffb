import { describe, expect, it } from 'vitest';
import { DOCUMENTED } from '../properties/documentedLog.ts';
import { documentedLogLines } from '../test-support/documentation.ts';
import { runObserved, TEST_GROUP, tinyScenario, transitions } from '../test-support/scenarios.ts';
import { contactEntity, groupEntity, parseRecordEntity, recordEntity } from './traceEntities.ts';

/**
 * One named test per row of the documented responses table (docs/ocs-behaviour.md) and
 * per documented log line, each driving the whole model (OCS, network,
 * external system) into it with a small scenario and checking the exact text.
 * The model prefixes each response line with the status it handled
 * (`[HTTP 409] `, or `[OCS 408 history-http-response-timeout] ` for its own
 * timeout); what follows the prefix is the documented text verbatim.
 */

const FIRST_PHONE = String(TEST_GROUP.firstPhone);

/** The trace lines of the records of one phone's first call attempt (seq 0 and seq 1). */
function firstAttemptLines(run: ReturnType<typeof runObserved>, phone: string) {
  const dial = run.trace.find((l) => l.entity === contactEntity(phone) && l.event === 'dial');
  expect(dial, `phone ${phone} was never dialed`).toBeDefined();
  return run.trace.filter((l) => parseRecordEntity(l.entity)?.guid === dial!.guid);
}

describe('the documented texts (properties/documentedLog.ts)', () => {
  it("are the documentation's own words, character for character (docs/ocs-behaviour.md)", () => {
    const page = documentedLogLines();
    // Each documented line filled with the page's own placeholders: %s for a phone or a name, %d for a DBID.
    const templates = Object.values(DOCUMENTED).map((line) => (line as (...placeholders: string[]) => string)('%s', '%d'));
    expect(templates).toHaveLength(6);
    for (const template of templates) expect(page).toContain(template);
    // 409 and 418 share one line: the page lists seven rows, six distinct texts.
    expect(new Set(page)).toEqual(new Set(templates));
  });
});

describe('200 OK: "Call Attempt Record has been saved for phone %s"', () => {
  const run = runObserved(tinyScenario());

  it('logs the saved line, with the phone, for seq 0 and again for seq 1 of the attempt', () => {
    const line = `[HTTP 200] ${DOCUMENTED.saved(FIRST_PHONE)}`;
    expect(run.logText.filter((t) => t === line)).toHaveLength(2);
    expect(run.logText[0]).toBe(line);
  });

  it('moves both records of the attempt from pending to saved, and OCS keeps neither', () => {
    const lines = firstAttemptLines(run, FIRST_PHONE);
    const saved = lines.filter((l) => l.event === 'HTTP_200');
    expect(saved.map((l) => [l.entity.slice(-1), l.state])).toEqual([
      ['0', 'saved'],
      ['1', 'saved'],
    ]);
    expect(run.summary.records.unconfirmed).toBe(0);
    expect(run.summary.responses).toEqual({ '200': run.summary.records.created });
  });
});

describe('409 Conflict: "Call Attempt Record was not saved and has been queued for reprocessing for phone %s"', () => {
  // The external system answers 409 for the first 3 s: the first records fail, and are saved on re-submission.
  const run = runObserved(tinyScenario({ externalSystem: { outages: [{ from: '0s', until: '3s', status: 409 }] } }));

  it('logs the not-saved line with the phone and queues the record', () => {
    const line = `[HTTP 409] ${DOCUMENTED.notSaved(FIRST_PHONE)}`;
    expect(run.logText[0]).toBe(line);
    const seq0 = firstAttemptLines(run, FIRST_PHONE).filter((l) => l.entity.endsWith(':0'));
    expect(seq0.find((l) => l.event === 'HTTP_409')?.state).toBe('queued');
  });

  it('re-submits the record after history-wait-recovery-timeout and logs it saved', () => {
    const failedAt = run.log.find((l) => l.text.startsWith('[HTTP 409]') && l.text.endsWith(FIRST_PHONE))!.t;
    const saved = run.log.find((l) => l.text === `[HTTP 200] ${DOCUMENTED.saved(FIRST_PHONE)}`);
    expect(saved).toBeDefined();
    // 5 s recovery timeout, then one round trip (10 ms each way + 5 ms service).
    expect(saved!.t - failedAt).toBeCloseTo(5025, 0);
    expect(run.summary.responses['409']).toBeGreaterThan(0);
    expect(run.summary.records.unconfirmed).toBe(0);
  });

  it('keeps a record answered 409 forever: never dropped, still unconfirmed at the end', () => {
    const stuck = runObserved(tinyScenario({ duration: '30s', drainLimit: '1m', externalSystem: { errors: { '409': 1 } } }));
    expect(stuck.summary.records.saved).toBe(0);
    expect(stuck.summary.records.unconfirmed).toBe(stuck.summary.records.created);
    expect(stuck.summary.records.created).toBeGreaterThan(0);
    expect(stuck.logText).toContain(`[HTTP 409] ${DOCUMENTED.notSaved(FIRST_PHONE)}`);
    expect(stuck.logText.some((t) => t.startsWith('[HTTP 200]'))).toBe(false);
  });
});

describe('408 Time-out: "Save operation for Call Attempt Record was aborted (timeout elapsed) and the record has been queued for reprocessing for phone %s"', () => {
  const timeoutLine = DOCUMENTED.timeoutElapsed(FIRST_PHONE);

  it('sent by the external system: logs the timeout line and queues the record', () => {
    const run = runObserved(tinyScenario({ externalSystem: { outages: [{ from: '0s', until: '3s', status: 408 }] } }));
    expect(run.logText[0]).toBe(`[HTTP 408] ${timeoutLine}`);
    const seq0 = firstAttemptLines(run, FIRST_PHONE).filter((l) => l.entity.endsWith(':0'));
    expect(seq0.find((l) => l.event === 'HTTP_408')?.state).toBe('queued');
    expect(run.summary.responses['408']).toBeGreaterThan(0);
    // Not OCS's own timeout.
    expect(run.summary.timeouts).toBe(0);
    expect(run.summary.records.unconfirmed).toBe(0);
  });

  it('generated inside OCS when no response comes within history-http-response-timeout (connection hangs)', () => {
    const run = runObserved(tinyScenario({ network: { outages: [{ kind: 'hang', from: '0s', until: '3s' }] } }));
    const first = run.log[0];
    expect(first.text).toBe(`[OCS 408 history-http-response-timeout] ${timeoutLine}`);
    // The POST went out at 0 s; history-http-response-timeout is 2 s.
    expect(first.t).toBe(2000);
    const seq0 = firstAttemptLines(run, FIRST_PHONE).filter((l) => l.entity.endsWith(':0'));
    expect(seq0.find((l) => l.event.startsWith('xstate.after.historyHttpResponseTimeout'))?.state).toBe('queued');
    expect(run.summary.timeouts).toBeGreaterThan(0);
    // OCS's own 408 is counted as a timeout, not as a response from the external system.
    expect(run.summary.responses['408']).toBeUndefined();
    expect(run.summary.records.unconfirmed).toBe(0);
  });

  it('generated inside OCS when the response is lost: the external system saved it, the re-submission is a duplicate', () => {
    const run = runObserved(tinyScenario({ network: { outages: [{ kind: 'response-loss', from: '0s', until: '3s' }] } }));
    expect(run.log[0].text).toBe(`[OCS 408 history-http-response-timeout] ${timeoutLine}`);
    expect(run.summary.timeouts).toBeGreaterThan(0);
    expect(run.summary.external.duplicates).toBeGreaterThan(0);
    expect(run.summary.records.unconfirmed).toBe(0);
  });

  it('generated inside OCS when the request is lost on the way', () => {
    const run = runObserved(tinyScenario({ network: { outages: [{ kind: 'request-loss', from: '0s', until: '3s' }] } }));
    expect(run.log[0].text).toBe(`[OCS 408 history-http-response-timeout] ${timeoutLine}`);
    expect(run.summary.timeouts).toBeGreaterThan(0);
    expect(run.summary.external.duplicates).toBe(0);
  });
});

describe('418 I\'m a teapot: "Call Attempt Record was not saved and has been queued for reprocessing for phone %s"', () => {
  it('is what OCS answers itself when the connection is refused; the record is queued and saved later', () => {
    const run = runObserved(tinyScenario({ network: { outages: [{ kind: 'refused', from: '0s', until: '3s' }] } }));
    expect(run.logText[0]).toBe(`[HTTP 418] ${DOCUMENTED.notSaved(FIRST_PHONE)}`);
    const seq0 = firstAttemptLines(run, FIRST_PHONE).filter((l) => l.entity.endsWith(':0'));
    expect(seq0.find((l) => l.event === 'HTTP_418')?.state).toBe('queued');
    expect(run.summary.responses['418']).toBe(run.summary.network.refused);
    expect(run.summary.external.requests).toBe(run.summary.records.saved);
    expect(run.summary.records.unconfirmed).toBe(0);
  });
});

describe('[model] any other status is handled like 409 and logged with its own code', () => {
  it('503 from the external system: the not-saved line prefixed [HTTP 503]', () => {
    const run = runObserved(tinyScenario({ externalSystem: { outages: [{ from: '0s', until: '3s', status: 503 }] } }));
    expect(run.logText[0]).toBe(`[HTTP 503] ${DOCUMENTED.notSaved(FIRST_PHONE)}`);
    const seq0 = firstAttemptLines(run, FIRST_PHONE).filter((l) => l.entity.endsWith(':0'));
    const failed = seq0.find((l) => l.event === 'HTTP_OTHER');
    expect(failed).toMatchObject({ state: 'queued', status: 503 });
    expect(run.summary.records.unconfirmed).toBe(0);
  });
});

describe('"Wait condition has been activated / cleared for Campaign Group %s (DBID %d)"', () => {
  // Threshold 1: the two first seq 0 records failing with 409 for 30 s are enough to suspend dialing.
  const run = runObserved(
    tinyScenario({
      ocs: { 'history-wait-condition-threshold': 1 },
      externalSystem: { outages: [{ from: '0s', until: '30s', status: 409 }] },
    }),
  );
  const activated = DOCUMENTED.waitActivated(TEST_GROUP.name, TEST_GROUP.dbid);
  const cleared = DOCUMENTED.waitCleared(TEST_GROUP.name, TEST_GROUP.dbid);
  const activatedAt = run.log.find((l) => l.text === activated)?.t;
  const clearedAt = run.log.find((l) => l.text === cleared)?.t;

  it('logs activated, with the group name and DBID, once more records than the threshold are marked for re-submission', () => {
    expect(run.logText.filter((t) => t === activated)).toHaveLength(1);
    const marked = run.trace.find((l) => l.entity === groupEntity(TEST_GROUP.name) && l.state === 'waiting');
    expect(marked).toMatchObject({ t: activatedAt, event: 'MARKED_COUNT_CHANGED', count: 2 });
  });

  it('logs cleared, later, when the count falls back to the threshold, and dialing resumes', () => {
    expect(run.logText.filter((t) => t === cleared)).toHaveLength(1);
    expect(clearedAt).toBeGreaterThan(activatedAt!);
    // Re-submissions only succeed once the outage is over.
    expect(clearedAt).toBeGreaterThanOrEqual(30_000);
    const resumed = run.trace.find((l) => l.entity === groupEntity(TEST_GROUP.name) && l.t === clearedAt && l.state === 'running');
    expect(resumed).toMatchObject({ event: 'MARKED_COUNT_CHANGED', count: 1 });
    expect(run.summary.waitConditions.activations).toBe(1);
    expect(run.summary.waitConditions.secondsActive).toBeCloseTo((clearedAt! - activatedAt!) / 1000, 3);
  });

  it('suspends dialing while active: no call is dialed between activated and cleared, and some are after', () => {
    const dials = run.trace.filter((l) => l.event === 'dial').map((l) => l.t);
    expect(dials.filter((t) => t > activatedAt! && t < clearedAt!)).toEqual([]);
    expect(dials.some((t) => t >= clearedAt!)).toBe(true);
  });

  it("is counted per campaign group, with the threshold set on the group winning over the application's", () => {
    const other = { name: 'Second Group@Other Agents', dbid: 202 };
    const calls = { outcomes: { Answer: 1, Busy: 0, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0 }, talkTime: { fixed: '20s' } };
    const two = runObserved(
      tinyScenario({
        ocs: { 'history-wait-condition-threshold': 100 },
        externalSystem: { outages: [{ from: '0s', until: '30s', status: 409 }] },
        campaignGroups: [
          { name: TEST_GROUP.name, dbid: TEST_GROUP.dbid, agents: 2, dialMode: 'progressive', calls, options: { 'history-wait-condition-threshold': 1 } },
          { name: other.name, dbid: other.dbid, firstPhone: 5551000000, agents: 2, dialMode: 'progressive', calls },
        ],
      }),
    );
    const wait = two.logText.filter((t) => t.startsWith('Wait condition'));
    expect(wait).toEqual([DOCUMENTED.waitActivated(TEST_GROUP.name, TEST_GROUP.dbid), DOCUMENTED.waitCleared(TEST_GROUP.name, TEST_GROUP.dbid)]);
    expect(two.summary.groups.map((g) => g.waitConditionActivations)).toEqual([1, 0]);
    // The second group had as many failures, and kept dialing.
    expect(two.summary.groups[1].peakMarkedForResubmission).toBeGreaterThan(1);
  });

  it('is never logged below the threshold', () => {
    const calm = runObserved(tinyScenario({ externalSystem: { outages: [{ from: '0s', until: '30s', status: 409 }] } }));
    expect(calm.summary.responses['409']).toBeGreaterThan(1);
    expect(calm.logText.filter((t) => t.startsWith('Wait condition'))).toEqual([]);
  });
});

describe('"Predial check aborted due to race condition for phone %s"', () => {
  // One agent; every call is Busy after 2 s and redialed 5 s later. The external system is down
  // from 1 s to 20 s, so the first contact's seq 1 record is still queued when it comes up for redial.
  const raceWorld = (preDialValidation: boolean) =>
    tinyScenario(
      {
        duration: '40s',
        ocs: { 'pre-dial-validation': preDialValidation },
        externalSystem: { outages: [{ from: '1s', until: '20s', status: 503 }] },
      },
      {
        agents: 1,
        callingListSize: 3,
        calls: { outcomes: { Answer: 0, Busy: 1 }, busyTime: { fixed: '2s' } },
        treatments: { Busy: { redialAfter: '5s', maxAttempts: 10 }, Stale: { redialAfter: '10s', maxAttempts: 10 } },
      },
    );
  const run = runObserved(raceWorld(true));
  const raceLine = DOCUMENTED.raceCondition(FIRST_PHONE);
  const race = run.log.find((l) => l.text === raceLine);

  it('logs the race line with the phone when a contact comes up for dialing while its record is unconfirmed', () => {
    expect(race).toBeDefined();
    // Its seq 1 record (posted at the Busy at 2 s) is queued at that moment.
    const guid = run.trace.find((l) => l.entity === contactEntity(FIRST_PHONE) && l.event === 'dial')!.guid;
    const seq1 = transitions(run.trace, recordEntity(String(guid), 1)).filter((l) => l.t <= race!.t);
    expect(seq1.at(-1)?.state).not.toBe('saved');
    expect(run.summary.raceConditions).toBe(run.logText.filter((t) => t.startsWith('Predial check aborted')).length);
  });

  it('does not dial the contact and applies validation-race-condition-call-result (Stale, redial in 10 s)', () => {
    const contactLines = run.trace.filter((l) => l.entity === contactEntity(FIRST_PHONE));
    const raceAt = contactLines.findIndex((l) => l.event === 'raceCondition' && l.t === race!.t);
    expect(contactLines[raceAt]).toMatchObject({ callResult: 'Stale' });
    // The race check comes before the validation request: none was sent, so no validation outcome
    // (milliseconds away) follows; the contact's next line is its Stale redial, 10 s later.
    const next = contactLines[raceAt + 1];
    expect(next.event.startsWith('validation:')).toBe(false);
    expect(next.t - race!.t).toBeGreaterThanOrEqual(10_000);
    expect(next.t - race!.t).toBeLessThan(11_000);
  });

  it('does not happen without pre-dial validation: the contact is dialed with its record still unconfirmed', () => {
    const plain = runObserved(raceWorld(false));
    expect(plain.summary.raceConditions).toBe(0);
    expect(plain.logText.some((t) => t.startsWith('Predial check aborted'))).toBe(false);
    const redials = plain.trace.filter((l) => l.entity === contactEntity(FIRST_PHONE) && l.event === 'dial' && Number(l.attempt) > 1);
    expect(redials.length).toBeGreaterThan(0);
  });
});
