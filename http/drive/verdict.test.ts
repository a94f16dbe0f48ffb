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
  return { request: guid === null ? 'validation' : 'record', guid, seq, post: 1, phone: '555', injected: null, intendedAt: clock, sentAt: clock, inFlight: 1, endedAt: clock + 2, outcome, ...extra };
}
const ok = (status = 200): Outcome => ({ kind: 'answered', status, body: '{}' });

const summary = runScenario(scenarioFrom({ duration: '1s' })).summary;
function input(ledger: Ledger, readBack: Map<string, ReadBack> | null, extra: Partial<JudgeInput> = {}): JudgeInput {
  return { target: 'http://t/ocs/history', complete: true, ledger, summary, readBack, maxTimeoutShare: 0.01, responseTimeoutMs: 1000, unconfirmed: { count: 0, examples: [] }, ...extra };
}
const verdictOf = (i: JudgeInput, id: string) => judge(i).claims.find((c) => c.id === id)!;

describe('the storage claims, on what the system reads back', () => {
  it('a seq 0 overwritten by its seq 1 is stored; a seq 1 missing without a late seq 0 is not', () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok()));
    ledger.record(exchange('A', 1, ok()));
    ledger.record(exchange('B', 0, ok()));
    ledger.record(exchange('B', 1, ok()));
    const f = storageFindings(ledger, new Map([['A', { seqs: [1] }], ['B', { seqs: [0] }]]));
    expect(f.notStored.map((e) => e.guid)).toEqual(['B']);
    expect(f.finalNotSeq1).toBe(1);
    expect(f.staleOverwrites).toEqual([]);
  });

  it('a seq 0 posted after its seq 1 that leaves the attempt without seq 1 is a stale overwrite, not a record lost', () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok(), { injected: 'response-loss' }));
    ledger.record(exchange('A', 1, ok()));
    ledger.record(exchange('A', 0, ok(), { post: 2 }));
    const lost = input(ledger, new Map([['A', { seqs: [0] }]]));
    expect(verdictOf(lost, 'seq1-survives-late-seq0').verdict).toBe('violated');
    expect(verdictOf(lost, 'stored-on-200').verdict).toBe('held');
    const kept = input(ledger, new Map([['A', { seqs: [0, 1] }]]));
    expect(verdictOf(kept, 'seq1-survives-late-seq0').verdict).toBe('held');
  });

  it('two rows of one (GUID, seq) are a duplicate; one row of each seq is not', () => {
    const ledger = new Ledger();
    ledger.record(exchange('A', 0, ok()));
    ledger.record(exchange('A', 1, ok()));
    expect(verdictOf(input(ledger, new Map([['A', { seqs: [0, 1] }]])), 'idempotent-resubmissions').verdict).toBe('held');
    const twice = verdictOf(input(ledger, new Map([['A', { seqs: [0, 1, 1] }]])), 'idempotent-resubmissions');
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
    expect(rowsOf('[{"GSW_HIST_SEQUENCE_NUM":0},{"body":{"GSW_HIST_SEQUENCE_NUM":"1"}}]', 'u')).toEqual({ seqs: [0, 1] });
    expect(rowsOf('{"GSW_HIST_SEQUENCE_NUM":1}', 'u')).toEqual({ seqs: [1] });
    expect(rowsOf('[]', 'u')).toEqual({ seqs: [] });
    expect(rowsOf('[{"seq":1}]', 'u')).toMatchObject({ error: expect.stringContaining('without GSW_HIST_SEQUENCE_NUM') });
    expect(rowsOf('"x"', 'u')).toMatchObject({ error: expect.stringContaining('expected a JSON array') });
    expect(rowsOf('<html>', 'u')).toMatchObject({ error: expect.stringContaining('not JSON') });
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
    const excused = verdictOf(input(new Ledger(), null, { summary: { ...summary, records: { ...summary.records, unconfirmed: 2 } } }), 'all-confirmed');
    expect(excused.verdict).toBe('held');
    expect(excused.detail).toContain('2 more were still waiting to be sent');
    const blamed = verdictOf(input(new Ledger(), null, { summary: { ...summary, records: { ...summary.records, unconfirmed: 2 } }, unconfirmed: { count: 1, examples: [{ record: 'A:1' }] } }), 'all-confirmed');
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
      for (let i = 0; i < 30; i++) ledger.record(exchange(`L${level}-${i}`, 0, ok(i === 0 && level === 1 ? 503 : 200), { inFlight: level, endedAt: clock + 10 + (level <= 4 ? 2 + (i % 10) / 10 : 2 * level) }));
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
