import { describe, expect, it } from 'vitest';
import { clientVerdict, requestsSeen, type ClientEvent, type ClientSettings } from './clientVerdict.ts';
import { waitConditionSeconds } from './waitConditionCheck.ts';

/**
 * The verdict on a client, on hand-made histories: what an OCS that follows
 * the documentation does passes every check, and each way of departing from
 * it fails exactly the check that names it.
 */
const settings: ClientSettings = { poolSize: 2, group: () => ({ recoveryMs: 1000, responseTimeoutMs: 500, threshold: 1 }) };

/** A little language for histories: requests by id, each arriving, then answered or held. */
class History {
  readonly events: ClientEvent[] = [];
  private next = 0;
  post(t: number, guid: string, seq: 0 | 1, outcome: number | 'held' | 'reset', answeredAfter = 10, group = 'G', dialedAtS?: number): this {
    const id = this.next++;
    this.events.push({ t, kind: 'arrived', id, record: { guid, seq, group, ...(dialedAtS === undefined ? {} : { dialedAtS }) } });
    if (outcome === 'held') this.events.push({ t, kind: 'held', id });
    else if (outcome === 'reset') this.events.push({ t, kind: 'reset', id });
    else this.events.push({ t: t + answeredAfter, kind: 'answered', id, status: outcome });
    return this;
  }
}

const failing = (verdict: ReturnType<typeof clientVerdict>) => verdict.checks.filter((c) => !c.holds).map((c) => c.claim);

const WAIT_CLAIM = 'no new attempt is dialed while more failed records than history-wait-condition-threshold await re-submission (a wait condition)';

describe('the verdict on a client: when an attempt was dialed, not when its seq 0 came', () => {
  it('a seq 0 that waited for a pooled connection through the start of a wait condition was dialed before it', () => {
    const oneFailure: ClientSettings = { poolSize: 2, group: () => ({ recoveryMs: 1000, responseTimeoutMs: 2000, threshold: 0 }) };
    // X holds a connection from 0 to 2600 ms; A holds the other and fails at 1500 ms (threshold 0: a wait condition from then).
    const base = () => new History().post(0, 'X', 0, 200, 2600).post(0, 'A', 0, 409, 1500);
    // R, queued ahead, takes A's connection at once until 2600 ms; C's seq 0 comes after it: it waited since the pool filled at 0.
    const queued = clientVerdict(base().post(1510, 'R', 1, 200, 1090).post(2610, 'C', 0, 200).post(2620, 'A', 0, 200).events, oneFailure, 3000);
    expect(failing(queued)).toEqual([]);
    expect(queued.checks[4].detail).toMatch(/1 new attempt\(s\) came during one but were dialed before it \(1 waited for a pooled connection/);
    // The same seq 0 with a connection free for a second before it came: dialed during the wait condition.
    const free = clientVerdict(base().post(2610, 'C', 0, 200).post(2620, 'A', 0, 200).events, oneFailure, 3000);
    expect(failing(free)).toEqual([WAIT_CLAIM]);
  });

  it('a record that states its dial time (GSW_DIALING) before the wait condition clears it; one stating a dial inside it does not', () => {
    const E = 1_767_607_200; // the client's epoch seconds at the first record
    const h = (cDialedAtS: number) =>
      new History()
        .post(0, 'W', 0, 200, 10, 'G', E)
        .post(1990, 'A', 0, 409, 10, 'G', E + 1)
        .post(1990, 'B', 0, 409, 10, 'G', E + 1)
        .post(3500, 'C', 0, 200, 10, 'G', cDialedAtS)
        .post(3600, 'A', 0, 200)
        .post(3600, 'B', 0, 200);
    expect(failing(clientVerdict(h(E).events, settings, 4000))).toEqual([]);
    expect(clientVerdict(h(E).events, settings, 4000).checks[4].detail).toMatch(/1 by the dial time their record states/);
    expect(failing(clientVerdict(h(E + 3).events, settings, 4000))).toEqual([WAIT_CLAIM]);
  });
});

describe('the verdict on a client', () => {
  it('a held request the client closed failed for it then: a pooled request that arrived late is not re-submitted early', () => {
    // OCS queued the request for a connection at -300 ms and times it out at 200 ms (500 ms response timeout), closing it;
    // the request arrived at 0, so arrival + timeout (500) is 300 ms later than OCS's failure. Posted again 1000 ms after it gave up.
    const h = new History().post(0, 'A', 0, 'held');
    h.events.push({ t: 200, kind: 'closed', id: 0 });
    h.post(1200, 'A', 0, 200);
    const v = clientVerdict(h.events, settings, 10_000);
    expect(v.checks.find((c) => c.claim.startsWith('failed records are re-submitted'))).toMatchObject({ status: 'held', judgedOn: 1 });
  });

  it('holds a check only on evidence: with none it is not checked (holds stays true, conforms too), saying why', () => {
    const v = clientVerdict(new History().post(0, 'A', 0, 200).post(100, 'A', 1, 200).events, settings, 10_000);
    const byClaim = Object.fromEntries(v.checks.map((c) => [c.claim, c]));
    expect(byClaim['failed records are re-submitted no sooner than history-wait-recovery-timeout']).toMatchObject({
      status: 'not checked',
      holds: true,
      judgedOn: 0,
      detail: 'not checked: no record was posted again after a failure',
    });
    expect(byClaim['no more requests at once than http-connection-pool-size']).toMatchObject({
      status: 'held',
      holds: true,
      judgedOn: 2,
      evidence: 'requests',
    });
    expect(v.checks[2]).toMatchObject({ status: 'held', judgedOn: 1 });
    expect(byClaim['a failed record is posted again until it gets 200 OK']).toMatchObject({ status: 'not checked' });
    expect(v.checks.find((c) => c.claim.startsWith('no new attempt is dialed'))).toMatchObject({ status: 'not checked' });
    expect(v.conforms).toBe(true);
    const violated = clientVerdict(new History().post(0, 'A', 1, 200).events, settings, 10_000);
    expect(violated.checks[2]).toMatchObject({ status: 'violated', holds: false });
    expect(violated.conforms).toBe(false);
  });

  it('passes a client that behaves as the documentation says OCS does', () => {
    const h = new History()
      .post(0, 'A', 0, 409) // fails at 10 ms
      .post(1010, 'A', 0, 200) // re-submitted R later
      .post(1100, 'A', 1, 'held') // OCS times it out at 1600 ms
      .post(2600, 'A', 1, 200) // re-submitted R after that
      .post(3000, 'B', 0, 200);
    const v = clientVerdict(h.events, settings, 10_000);
    expect(failing(v)).toEqual([]);
    expect(v.conforms).toBe(true);
    expect(v.records).toBe(3);
  });

  it("fails a re-submission sooner than history-wait-recovery-timeout (after an answer, a reset or OCS's own timeout)", () => {
    for (const outcome of [409, 'reset', 'held'] as const) {
      const failedAt = outcome === 'held' ? 500 : outcome === 'reset' ? 0 : 10;
      const v = clientVerdict(new History().post(0, 'A', 0, outcome).post(failedAt + 600, 'A', 0, 200).events, settings, 10_000);
      expect(failing(v)).toEqual(['failed records are re-submitted no sooner than history-wait-recovery-timeout']);
      expect(v.checks[0].violations[0]).toMatch(/record A:0 posted again 600 ms after its failure; history-wait-recovery-timeout is 1000 ms/);
    }
  });

  it('says a re-submission while the earlier POST of the record is still in flight as that, never as a negative interval', () => {
    // A held at 0 (OCS would time it out at 500 ms); posted again at 470 ms, while the first is still out.
    const v = clientVerdict(new History().post(0, 'A', 0, 'held').post(470, 'A', 0, 200).events, settings, 10_000);
    expect(failing(v)).toContain('failed records are re-submitted no sooner than history-wait-recovery-timeout');
    const said = v.checks[0].violations[0];
    expect(said).toMatch(/record A:0 posted again while its earlier POST \(sent at 0\.000 s\) was still in flight; it failed only at 0\.500 s/);
    expect(said).not.toMatch(/-\d+ ms/);
  });

  it('fails more requests at once than http-connection-pool-size, counting a held one until OCS gives up on it', () => {
    const v = clientVerdict(new History().post(0, 'A', 0, 200, 100).post(10, 'B', 0, 200, 100).post(20, 'C', 0, 200, 100).events, settings, 10_000);
    expect(failing(v)).toEqual(['no more requests at once than http-connection-pool-size']);
    // A held request frees its connection at OCS's timeout (500 ms): a third request after that is fine.
    const held = clientVerdict(
      new History().post(0, 'A', 0, 'held').post(10, 'B', 0, 200, 100).post(600, 'C', 0, 200).post(1600, 'A', 0, 200).events,
      settings,
      10_000,
    );
    expect(failing(held)).toEqual([]);
  });

  const SEQ1_CLAIM = 'seq 1 of an attempt only after its seq 0 (or with its seq 0 re-submitted after it, when the first was lost on the way)';

  it('fails a seq 1 whose seq 0 never comes; a seq 0 lost on the way and re-submitted after its seq 1 is what OCS does', () => {
    const never = clientVerdict(new History().post(0, 'A', 1, 200).events, settings, 10_000);
    expect(failing(never)).toEqual([SEQ1_CLAIM]);
    expect(never.checks[2].violations[0]).toMatch(/seq 1 of A came, and no seq 0 of it ever did/);
    // The seq 0 refused on the client's side (it never reached the server), re-submitted after the call's seq 1.
    const lost = clientVerdict(new History().post(0, 'A', 1, 200).post(1100, 'A', 0, 200).events, settings, 10_000);
    expect(failing(lost)).toEqual([]);
    expect(lost.checks[2].detail).toMatch(/1 seq 1 came before their seq 0, which came later: the seq 0 was lost on the way/);
    // Too recent to judge: not a violation yet.
    expect(failing(clientVerdict(new History().post(0, 'A', 1, 200).events, settings, 1000))).toEqual([]);
  });

  it('fails a failed record never posted again, once there was time to; not one that failed just now', () => {
    const h = new History().post(0, 'A', 0, 503);
    expect(failing(clientVerdict(h.events, settings, 10_000))).toEqual(['a failed record is posted again until it gets 200 OK']);
    const recent = clientVerdict(h.events, settings, 1200);
    expect(failing(recent)).toEqual([]);
    expect(recent.checks[3].detail).toMatch(/1 failed too recently/);
    expect(recent.checks[3]).toMatchObject({ status: 'not checked', holds: true, judgedOn: 0 });
  });

  it('does not fail a failed record not yet posted again while every pooled connection is taken (hung validation requests): it waits its turn', () => {
    // A fails at 10 ms; from 100 ms two validation requests hang on both connections until OCS cuts them at 10 s.
    const h = new History().post(0, 'A', 0, 409);
    const hung = (until: number | null): ClientEvent[] => [
      ...h.events,
      { t: 100, kind: 'arrived', id: 100, record: null },
      { t: 100, kind: 'held', id: 100 },
      { t: 100, kind: 'arrived', id: 101, record: null },
      { t: 100, kind: 'held', id: 101 },
      ...(until === null
        ? []
        : ([
            { t: until, kind: 'closed', id: 100 },
            { t: until, kind: 'closed', id: 101 },
          ] as ClientEvent[])),
    ];
    const waiting = clientVerdict(hung(null), settings, 5000);
    expect(failing(waiting)).toEqual([]);
    expect(waiting.checks[3].detail).toMatch(/1 failed too recently or wait for a pooled connection/);
    // The connections freed at 10 s and it was still not posted by 12 s: the client's doing.
    expect(failing(clientVerdict(hung(10_000), settings, 12_000))).toEqual(['a failed record is posted again until it gets 200 OK']);
  });

  it('fails a new attempt dialed while more records than the threshold have failed unsaved (after a grace second)', () => {
    // Threshold 1: two records failed and unsaved from 10 ms on.
    const h = new History().post(0, 'A', 0, 409).post(0, 'B', 0, 409).post(500, 'C', 0, 200).post(1300, 'D', 0, 200);
    const v = clientVerdict(h.events, settings, 1500);
    expect(failing(v)).toEqual([
      'no new attempt is dialed while more failed records than history-wait-condition-threshold await re-submission (a wait condition)',
    ]);
    expect(v.checks[4].violations).toHaveLength(1);
    expect(v.checks[4].violations[0]).toMatch(/new attempt D of G/);
    // Another campaign group is not in that wait condition (D arrives with a connection free: it was dialed then).
    const other = clientVerdict(new History().post(0, 'A', 0, 409).post(0, 'B', 0, 409).post(1300, 'D', 0, 200, 10, 'H').events, settings, 1500);
    expect(failing(other)).toEqual([]);
  });
});

describe("the time the failures imply a wait condition (the proxy twin's figure)", () => {
  const seconds = (h: History, nowMs: number) => waitConditionSeconds(requestsSeen(h.events, settings).records, settings, nowMs);

  it('runs from the failure that takes a group over its threshold to the save that brings it back', () => {
    // Threshold 1: A and B fail at 10 ms (two unsaved: over), A is saved at 2010 ms (one: not over).
    const h = new History().post(0, 'A', 0, 409).post(0, 'B', 0, 409).post(2000, 'A', 0, 200);
    expect(seconds(h, 5000)).toBeCloseTo(2, 6);
    // Still over when judged: counted up to then.
    expect(seconds(new History().post(0, 'A', 0, 409).post(0, 'B', 0, 409), 3010)).toBeCloseTo(3, 6);
    expect(seconds(new History().post(0, 'A', 0, 409).post(1000, 'A', 0, 200), 5000)).toBe(0);
  });

  it('counts time when any group waits, once, however the groups overlap', () => {
    const h = new History()
      .post(0, 'A', 0, 409, 10, 'G')
      .post(0, 'B', 0, 409, 10, 'G')
      .post(1000, 'C', 0, 409, 10, 'H')
      .post(1000, 'D', 0, 409, 10, 'H')
      .post(2000, 'A', 0, 200, 10, 'G')
      .post(4000, 'C', 0, 200, 10, 'H');
    // G waits 0.01-2.01 s, H 1.01-4.01 s: together 4 s, not 5.
    expect(seconds(h, 9000)).toBeCloseTo(4, 6);
  });
});
