import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runScenario } from '../../sim/run.ts';
import { scenarioFrom } from '../../test-support/scenarios.ts';
import { calibrate, calibrationYaml } from './calibration.ts';
import { conformanceMarkdown, judge, storageFindings, type JudgeInput } from './conformance.ts';
import { Ledger, type Exchange, type Outcome } from './ledger.ts';
import { rowsOf, type ReadBack } from './readBack.ts';

/**
 * The verdict and the calibration as pure functions of what a drive saw:
 * histories made by hand, each the smallest that shows one rule.
 */

let clock = 0;
function exchange(guid: string | null, seq: 0 | 1, outcome: Outcome, extra: Partial<Exchange> = {}): Exchange {
  clock += 10;
  return {
    request: guid === null ? 'validation' : 'record',
    guid,
    seq,
    post: 1,
    phone: '555',
    injected: null,
    intendedAt: clock,
    sentAt: clock,
    inFlight: 1,
    endedAt: clock + 2,
    outcome,
    ...extra,
  };
}
const ok = (status = 200): Outcome => ({ kind: 'answered', status, body: '{}' });

const summary = runScenario(scenarioFrom({ duration: '1s' })).summary;
function input(ledger: Ledger, readBack: Map<string, ReadBack> | null, extra: Partial<JudgeInput> = {}): JudgeInput {
  return {
    target: 'http://t/ocs/history',
    complete: true,
    ledger,
    records: summary.records,
    readBack,
    maxTimeoutShare: 0.01,
    responseTimeoutMs: 1000,
    unconfirmed: { count: 0, examples: [] },
    ...extra,
  };
}
const verdictOf = (i: JudgeInput, id: string) => judge(i).claims.find((c) => c.id === id)!;
/** An attempt read back as a list of rows with these seqs. */
const rows = (...seqs: Array<0 | 1>): ReadBack => ({ seqs, oneObject: false, otherRows: 0 });
/** An attempt read back as one object (a get-by-id endpoint) of this seq. */
const oneObject = (seq: 0 | 1): ReadBack => ({ seqs: [seq], oneObject: true, otherRows: 0 });

describe('the storage claims, on what the system reads back', () => {
  it('a seq 0 overwritten by its seq 1 is stored; a seq 1 missing without a late seq 0 is not', () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok()));
    ledger.record(exchange('A', 1, ok()));
    ledger.record(exchange('B', 0, ok()));
    ledger.record(exchange('B', 1, ok()));
    const f = storageFindings(
      ledger,
      new Map([
        ['A', rows(1)],
        ['B', rows(0)],
      ]),
    );
    expect(f.notStored.map((e) => e.guid)).toEqual(['B']);
    expect(f.finalNotSeq1).toBe(1);
    expect(f.staleOverwrites).toEqual([]);
  });

  it('a seq 0 posted after its seq 1 that leaves the attempt without seq 1 is a stale overwrite, not a record lost', () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok(), { injected: 'response-loss' }));
    ledger.record(exchange('A', 1, ok()));
    ledger.record(exchange('A', 0, ok(), { post: 2 }));
    const lost = input(ledger, new Map([['A', rows(0)]]));
    expect(verdictOf(lost, 'seq1-survives-late-seq0').verdict).toBe('violated');
    expect(verdictOf(lost, 'stored-on-200').verdict).toBe('held');
    const kept = input(ledger, new Map([['A', rows(0, 1)]]));
    expect(verdictOf(kept, 'seq1-survives-late-seq0').verdict).toBe('held');
  });

  it('two rows of one (GUID, seq) are a duplicate; one row of each seq is not', () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, { kind: 'timeout' }));
    ledger.record(exchange('A', 0, ok(), { post: 2 }));
    ledger.record(exchange('A', 1, ok()));
    const once = verdictOf(input(ledger, new Map([['A', rows(0, 1)]])), 'idempotent-resubmissions');
    expect(once.verdict).toBe('held');
    expect(once.judgedOn).toBe(1);
    const twice = verdictOf(input(ledger, new Map([['A', rows(0, 1, 1)]])), 'idempotent-resubmissions');
    expect(twice.verdict).toBe('violated');
    expect(twice.examples[0]).toMatchObject({ guid: 'A', rowsHeld: 'seq 0, seq 1, seq 1' });
  });

  it('without --read-back the storage claims are not checked, and say what would check them', () => {
    const c = judge(input(new Ledger(), null));
    for (const id of ['stored-on-200', 'idempotent-resubmissions', 'seq1-survives-late-seq0', 'read-back-contract']) {
      const x = c.claims.find((y) => y.id === id)!;
      expect(x.verdict).toBe('not checked');
      expect(x.detail).toContain('--read-back');
    }
  });

  it('reads rows by the contract: an array, an object as one row, seq at the top or under body', () => {
    expect(rowsOf('[{"GSW_HIST_SEQUENCE_NUM":0},{"body":{"GSW_HIST_SEQUENCE_NUM":"1"}}]', 'u', 'A')).toEqual(rows(0, 1));
    expect(rowsOf('{"GSW_HIST_SEQUENCE_NUM":1}', 'u', 'A')).toEqual(oneObject(1));
    expect(rowsOf('[]', 'u', 'A')).toEqual(rows());
    expect(rowsOf('[{"seq":1}]', 'u', 'A')).toEqual({ missing: expect.stringContaining('the field GSW_HIST_SEQUENCE_NUM') });
    expect(rowsOf('[{"GSW_HIST_SEQUENCE_NUM":2}]', 'u', 'A')).toMatchObject({ error: expect.stringContaining('is not 0 or 1') });
    expect(rowsOf('"x"', 'u', 'A')).toMatchObject({ error: expect.stringContaining('expected a JSON array') });
    expect(rowsOf('<html>', 'u', 'A')).toMatchObject({ error: expect.stringContaining('not JSON') });
  });

  it('reads rows through the adapter: an envelope, renamed fields, a body held as JSON text, rows of other GUIDs left out', () => {
    const adapter = { rows: 'data', guidField: 'guid', seqField: 'seq', bodyField: 'payload' };
    const answer = JSON.stringify({
      data: [
        { id: 1, payload: JSON.stringify({ guid: 'A', seq: 0 }) },
        { id: 2, payload: { guid: 'A', seq: 1 } },
        { id: 3, guid: 'B', seq: 0 },
      ],
    });
    expect(rowsOf(answer, 'u', 'A', adapter)).toEqual({ seqs: [0, 1], oneObject: false, otherRows: 1 });
    expect(rowsOf('{"rows":[]}', 'u', 'A', adapter)).toEqual({ missing: 'the rows path data (--read-back-rows)' });
    expect(rowsOf('{"data":[{"guid":"A"}]}', 'u', 'A', adapter)).toEqual({ missing: expect.stringContaining('the field seq (--seq-field)') });
    // A query the system ignores answers every row: only the drive's own are judged.
    expect(rowsOf('[{"GSW_CALL_ATTEMPT_GUID":"B","GSW_HIST_SEQUENCE_NUM":0},{"GSW_CALL_ATTEMPT_GUID":"A","GSW_HIST_SEQUENCE_NUM":1}]', 'u', 'A')).toEqual({
      seqs: [1],
      oneObject: false,
      otherRows: 1,
    });
  });

  it('an endpoint that shows one object per attempt: duplicates and a seq 0 shown where both were confirmed are not checked, never a false verdict', () => {
    const ledger = new Ledger();
    // A posted twice (a lost response) and both records confirmed; the system holds every row, the endpoint shows the first.
    ledger.record(exchange('A', 0, ok(), { injected: 'response-loss' }));
    ledger.record(exchange('A', 0, ok(), { post: 2 }));
    ledger.record(exchange('A', 1, ok()));
    const judged = judge(input(ledger, new Map([['A', oneObject(0)]])));
    const v = Object.fromEntries(judged.claims.map((c) => [c.id, c]));
    expect(v['stored-on-200'].verdict).toBe('not checked');
    expect(v['stored-on-200'].detail).toContain('one row per attempt');
    expect(v['idempotent-resubmissions'].verdict).toBe('not checked');
    expect(v['idempotent-resubmissions'].detail).toContain('one row per attempt');
    // Shown seq 1: the record is held (seq 0 may rightly be overwritten by it); duplicates still cannot be seen.
    const seq1 = judge(input(ledger, new Map([['A', oneObject(1)]])));
    expect(seq1.claims.find((c) => c.id === 'stored-on-200')).toMatchObject({ verdict: 'held', judgedOn: 1 });
    expect(seq1.claims.find((c) => c.id === 'idempotent-resubmissions')!.verdict).toBe('not checked');
  });

  it('one object of seq 0 where only seq 1 was confirmed (every answer to seq 0 lost, one re-submission after seq 1) is no stale overwrite: not checked', () => {
    // Seen in CI against a correct store with a get-by-id endpoint: it held both rows and showed the first.
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok(), { injected: 'response-loss' }));
    ledger.record(exchange('A', 1, ok()));
    ledger.record(exchange('A', 0, ok(), { post: 2, injected: 'response-loss' }));
    const v = Object.fromEntries(judge(input(ledger, new Map([['A', oneObject(0)]]))).claims.map((c) => [c.id, c]));
    expect(v['seq1-survives-late-seq0'].verdict).toBe('not checked');
    expect(v['seq1-survives-late-seq0'].detail).toContain('cannot tell a stale overwrite from a system that shows its first row');
    expect(v['stored-on-200'].verdict).toBe('not checked');
    // The same history read back as a list that holds seq 0 only: every row is shown, so that is a stale overwrite.
    const list = judge(input(ledger, new Map([['A', rows(0)]])));
    expect(list.claims.find((c) => c.id === 'seq1-survives-late-seq0')).toMatchObject({ verdict: 'violated', judgedOn: 1 });
  });

  it('an adapter field missing from every row: the storage claims are not checked, naming it; missing from some rows: the contract is violated', () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok()));
    ledger.record(exchange('B', 0, ok()));
    const missing = { missing: 'the field seq (--seq-field)' };
    const everywhere = judge(
      input(
        ledger,
        new Map<string, ReadBack>([
          ['A', missing],
          ['B', missing],
        ]),
      ),
    );
    for (const id of ['stored-on-200', 'idempotent-resubmissions', 'seq1-survives-late-seq0', 'read-back-contract']) {
      const c = everywhere.claims.find((x) => x.id === id)!;
      expect(c.verdict).toBe('not checked');
      expect(c.detail).toContain('the field seq (--seq-field)');
    }
    const some = judge(
      input(
        ledger,
        new Map<string, ReadBack>([
          ['A', missing],
          ['B', rows(0)],
        ]),
      ),
    );
    expect(some.claims.find((x) => x.id === 'read-back-contract')!.verdict).toBe('violated');
  });
});

describe('evidence behind every claim', () => {
  it('every claim says what it was judged on; one with no evidence is not checked, never held', () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok()));
    const c = judge(input(ledger, new Map([['A', rows(0)]])));
    for (const x of c.claims) {
      expect(typeof x.judgedOn).toBe('number');
      expect(x.evidence).not.toBe('');
      if (x.verdict === 'held') expect(x.judgedOn, x.id).toBeGreaterThan(0);
      if (x.verdict === 'not checked') expect(x.judgedOn, x.id).toBe(0);
    }
    expect(c.claims.find((x) => x.id === 'stored-on-200')).toMatchObject({ verdict: 'held', judgedOn: 1 });
    // Nothing was re-submitted: no evidence on idempotence.
    expect(c.claims.find((x) => x.id === 'idempotent-resubmissions')).toMatchObject({ verdict: 'not checked', judgedOn: 0 });
    // A read-back that shows nothing readable: no storage claim held.
    const unreadable = judge(input(ledger, new Map<string, ReadBack>([['A', { error: 'GET u answered 500' }]])));
    expect(unreadable.claims.find((x) => x.id === 'stored-on-200')!.verdict).toBe('not checked');
    expect(unreadable.claims.find((x) => x.id === 'idempotent-resubmissions')!.verdict).toBe('not checked');
    expect(unreadable.claims.find((x) => x.id === 'read-back-contract')!.verdict).toBe('violated');
    expect(conformanceMarkdown(c)).toMatch(/Claims: \d+ held, \d+ violated, \d+ not checked/);
    expect(conformanceMarkdown(c)).toContain('| 1 attempts read back with a record confirmed by 200 |');
  });

  it("a 2xx other than 200 (json-server's 201) violates stored-on-200, saying OCS saves only on 200 and how to fix it", () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok(201)));
    ledger.record(exchange('A', 0, ok(201), { post: 2 }));
    const c = verdictOf(input(ledger, new Map([['A', rows(0, 0)]])), 'stored-on-200');
    expect(c.verdict).toBe('violated');
    expect(c.detail).toMatch(/answered 201, not 200: OCS saves a record only on 200 OK/);
    expect(c.detail).toContain('res.status(200)');
    expect(c.judgedOn).toBe(1);
  });
});

describe('the claims on answers', () => {
  it('a 2xx other than 200, a redirect or unreadable HTTP is flagged; error statuses are failures OCS re-submits', () => {
    const ledger = new Ledger();
    for (const status of [200, 408, 409, 418, 500, 503]) ledger.record(exchange('A', 0, ok(status)));
    expect(verdictOf(input(ledger, null), 'answers-understood').verdict).toBe('held');
    ledger.record(exchange('B', 0, ok(201)));
    ledger.record(exchange('C', 0, ok(302)));
    ledger.record(exchange('D', 0, { kind: 'broken', error: 'HPE_INVALID_CONSTANT', malformed: true }));
    const c = verdictOf(input(ledger, null), 'answers-understood');
    expect(c.verdict).toBe('violated');
    expect(c.examples.map((e) => e.status ?? e.outcome)).toEqual([201, 302, 'broken']);
  });

  it('latency: the share of POSTs with no answer within the deadline, faults the driver injected left out', () => {
    const ledger = new Ledger();
    for (let i = 0; i < 99; i++) ledger.record(exchange(`A${i}`, 0, ok()));
    ledger.record(exchange('T', 0, { kind: 'timeout' }));
    for (let i = 0; i < 20; i++) ledger.record(exchange(`H${i}`, 0, { kind: 'timeout' }, { injected: 'hang' }));
    expect(verdictOf(input(ledger, null), 'latency').verdict).toBe('held');
    ledger.record(exchange('U', 0, { kind: 'timeout' }));
    const c = verdictOf(input(ledger, null), 'latency');
    expect(c.verdict).toBe('violated');
    expect(c.detail).toContain('2 of 101');
    expect(verdictOf(input(ledger, null, { maxTimeoutShare: 0.02 }), 'latency').verdict).toBe('held');
  });

  it('validation: 200, or 409 naming a call result; a 409 without one is flagged', () => {
    const ledger = new Ledger();
    ledger.record(exchange(null, 0, ok(200)));
    ledger.record(exchange(null, 0, { kind: 'answered', status: 409, body: '{"GSW_CALL_RESULT":33}' }));
    ledger.record(exchange(null, 0, ok(503)));
    expect(verdictOf(input(ledger, null), 'validation-answers').verdict).toBe('held');
    ledger.record(exchange(null, 0, { kind: 'answered', status: 409, body: '{}' }));
    expect(verdictOf(input(ledger, null), 'validation-answers').verdict).toBe('violated');
    expect(verdictOf(input(new Ledger(), null), 'validation-answers').verdict).toBe('not checked');
  });

  it('records left unconfirmed by the target violate; those the driver failed last do not; an interrupted drive does not judge it', () => {
    const excused = verdictOf(input(new Ledger(), null, { records: { ...summary.records, unconfirmed: 2 } }), 'all-confirmed');
    expect(excused.verdict).toBe('held');
    expect(excused.detail).toContain('2 more were still waiting to be sent');
    const blamed = verdictOf(
      input(new Ledger(), null, { records: { ...summary.records, unconfirmed: 2 }, unconfirmed: { count: 1, examples: [{ record: 'A:1' }] } }),
      'all-confirmed',
    );
    expect(blamed.verdict).toBe('violated');
    expect(verdictOf(input(new Ledger(), null, { complete: false }), 'all-confirmed').verdict).toBe('not checked');
  });

  it('conformance.md names every claim and lists the examples of those violated', () => {
    const ledger = new Ledger();
    ledger.record(exchange('B', 0, ok(204)));
    const md = conformanceMarkdown(judge(input(ledger, null, { complete: false })));
    expect(md).toContain('**Incomplete**');
    expect(md).toContain('| every answer is one OCS understands');
    expect(md).toContain('## answers-understood');
    expect(md).toContain('"status":204');
  });
});

describe('calibration.yaml', () => {
  it('fits latency from the fastest round trips, service as a lognormal, errors as rates, and finds where the system queues', () => {
    const ledger = new Ledger();
    // Up to 4 at once the round trip is 2-3 ms; from 5 at once it doubles: a system serving 4 at a time.
    for (let level = 1; level <= 8; level++) {
      for (let i = 0; i < 30; i++)
        ledger.record(
          exchange(`L${level}-${i}`, 0, ok(i === 0 && level === 1 ? 503 : 200), {
            inFlight: level,
            endedAt: clock + 10 + (level <= 4 ? 2 + (i % 10) / 10 : 2 * level),
          }),
        );
    }
    const c = calibrate(ledger);
    expect(c.latencyMs).toBeCloseTo(1, 0);
    expect(c.service!.median).toBeGreaterThan(0);
    expect(c.service!.p99).toBeGreaterThanOrEqual(c.service!.median);
    expect(c.concurrency).toBe(4);
    expect(c.errors).toEqual({ '503': Math.round((1 / 240) * 1e6) / 1e6 });
    const text = calibrationYaml(c, { target: 'http://t', scenario: 's', seed: 1 });
    const fragment = parseYaml(text) as Record<string, Record<string, unknown>>;
    expect(fragment.externalSystem.concurrency).toBe(4);
    expect(fragment.network.latency).toEqual({ fixed: `${c.latencyMs}ms` });
    expect(text).toContain('n = 240');
  });

  it('says when it saw too little to fit', () => {
    const c = calibrate(new Ledger());
    expect(c.service).toBeNull();
    expect(calibrationYaml(c, { target: 'http://t', scenario: 's', seed: 1 })).not.toContain('serviceTime');
  });
});
