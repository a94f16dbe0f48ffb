import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadScenario } from '../../io/scenarioFile.ts';
import { loadSweepPlan } from '../../sweep/sweepRun.ts';
import { runScenario } from '../../sim/run.ts';
import { SummaryFile } from '../../sim/summarySchema.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';
import { selfSignedCertificate } from '../../test-support/certificate.ts';
import { OCS_SIM, ocsSim } from '../../test-support/cli.ts';
import { startServer } from '../server.ts';
import type { Conformance } from './conformance.ts';
import { startTestServer, type Behaviour } from '../../test-support/externalSystems.ts';

/**
 * `ocs-sim drive` as a user runs it (a child process), against `ocs-sim
 * serve` and against small external systems written here, right and wrong,
 * all on 127.0.0.1: the OCS model checked against a real HTTP stack, and
 * the verdict on each system.
 */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-drive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type ScenarioInput = Record<string, unknown>;

function scenarioFile(name: string, scenario: ScenarioInput): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringifyYaml(scenario));
  return file;
}

/** A scenario of `agents` dialing predictively with these call durations; `rest` adds or replaces sections. */
function scenarioOf(name: string, ocs: ScenarioInput, agents: number, calls: ScenarioInput, rest: ScenarioInput): ScenarioInput {
  const group = { name: 'Sales@Agents', dbid: 101, campaign: 'Sales', callingList: 'Leads', agents, dialMode: 'predictive', calls };
  return { name, startTime: '2026-01-05T10:00:00Z', ocs, campaignGroups: [group], ...rest };
}

/** Tens of seconds with an outage of the target (serve's) and responses lost on the driver's side. */
const WITH_OUTAGE = scenarioFile(
  'outage',
  scenarioOf(
    'drive against serve',
    { 'history-http-response-timeout': '1s', 'history-wait-recovery-timeout': '2s', 'history-wait-condition-threshold': 6, 'http-connection-pool-size': 4 },
    10,
    {
      answerTime: { uniform: ['1s', '2s'] },
      talkTime: { lognormal: { median: '2s', p99: '6s' } },
      afterCallWork: { exponential: '1s' },
      noAnswerTime: { fixed: '3s' },
    },
    {
      seed: 7,
      duration: '20s',
      drainLimit: '20s',
      network: { latency: { fixed: '1ms' }, responseLoss: 0.03 },
      externalSystem: { serviceTime: { exponential: '2ms' }, outages: [{ from: '6s', until: '10s', status: 503 }] },
    },
  ),
);

/**
 * A few seconds of short calls with 30% of responses lost: re-submissions
 * are real duplicates at the target, and a lost seq 0 is re-submitted after
 * its call ended, so after its seq 1 (the late seq 0).
 */
const SHORT_OCS = {
  'history-http-response-timeout': '300ms',
  'history-wait-recovery-timeout': '500ms',
  'history-wait-condition-threshold': 100,
  'http-connection-pool-size': 4,
};
const SHORT_CALLS = { answerTime: { fixed: '200ms' }, talkTime: { fixed: '300ms' }, afterCallWork: { fixed: '100ms' }, noAnswerTime: { fixed: '500ms' } };
const SHORT_REST = { seed: 11, duration: '4s', drainLimit: '3s', network: { latency: { fixed: '1ms' }, responseLoss: 0.3 } };
const SHORT = scenarioFile('short', scenarioOf('short calls, lost responses', SHORT_OCS, 6, SHORT_CALLS, SHORT_REST));

function outputs(out: string) {
  return {
    conformance: JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as Conformance,
    summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ReturnType<typeof runScenario>['summary'],
    log: readFileSync(join(out, 'ocs.log'), 'utf8'),
    calibration: readFileSync(join(out, 'calibration.yaml'), 'utf8'),
  };
}

const verdicts = (c: Conformance) => Object.fromEntries(c.claims.map((x) => [x.id, x.verdict]));

describe('ocs-sim drive against ocs-sim serve', () => {
  it('saves every record through an outage and lost responses, as the documentation says, every claim held, and agrees with ocs-sim run', async () => {
    const { scenario } = loadScenario(WITH_OUTAGE);
    const server = await startServer({ scenario, host: '127.0.0.1', port: 0 });
    const out = join(dir, 'against-serve');
    const result = await ocsSim([
      'drive',
      WITH_OUTAGE,
      '--target',
      `${server.url}/ocs/history`,
      '--read-back',
      `${server.url}/records/{guid}`,
      '--out',
      out,
      '--report',
    ]).finally(() => server.close());
    expect(result.code, result.stderr).toBe(0);
    const { conformance, summary, log, calibration } = outputs(out);
    // The report of a drive: its own levels, the network faults it injected, not the target's outages it cannot see.
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('ocs-sim drive report');
    expect(report).toContain('The external system is real (ocs-sim drive)');
    expect(report).not.toContain('The external system answered every request with 503');
    // summary.json has run's layout, its hidden figures null with the reason, or read back.
    expect(() => SummaryFile.parse(summary)).not.toThrow();
    expect(summary.external.peakQueue).toBeNull();
    expect(summary.censored['external.peakQueue']).toContain('the external system is real');

    // Every record saved, the wait condition raised and cleared, the documented log lines.
    expect(summary.records.unconfirmed).toBe(0);
    expect(summary.records.saved).toBe(summary.records.created);
    expect(log).toMatch(/Wait condition has been activated for Campaign Group Sales@Agents \(DBID 101\)/);
    expect(log).toMatch(/Wait condition has been cleared for Campaign Group Sales@Agents \(DBID 101\)/);
    expect(log).toMatch(/\[HTTP 200\] Call Attempt Record has been saved for phone /);
    expect(log).toMatch(/\[HTTP 503\] Call Attempt Record was not saved and has been queued for reprocessing for phone /);
    expect(log).toMatch(/\[OCS 408 history-http-response-timeout\] Save operation for Call Attempt Record was aborted \(timeout elapsed\)/);
    // Every claim checked held, the storage claims on what serve holds.
    expect(conformance.claims.filter((c) => c.verdict === 'violated')).toEqual([]);
    expect(verdicts(conformance)).toMatchObject({
      'answers-understood': 'held',
      'stored-on-200': 'held',
      'idempotent-resubmissions': 'held',
      'read-back-contract': 'held',
      'all-confirmed': 'held',
      latency: 'held',
    });
    // serve's outage is a fault it injected: said apart from the target's own behaviour.
    expect(conformance.claims.find((c) => c.id === 'answers-understood')!.detail).toMatch(
      /\d+ of the error answers were faults the target injected on purpose/,
    );
    expect(summary.external.duplicates).toBe(0);
    expect(summary.external.staleOverwrites).toBe(0);
    // Lost responses make re-submissions that serve saw twice and stored once.
    expect(summary.network.lostResponses).toBeGreaterThan(0);

    // The model on real HTTP agrees with the model in simulation. Tolerances: across seeds the
    // simulation itself spreads records created by about +-10% and 503s by about +-25% (184-224
    // records and 25-40 503s over seeds 1-7), and wall-clock timing adds a draw order of its own.
    const simulated = runScenario(scenario).summary;
    expect(Math.abs(summary.records.created - simulated.records.created)).toBeLessThanOrEqual(0.2 * simulated.records.created);
    expect(Math.abs((summary.responses['200'] ?? 0) - (simulated.responses['200'] ?? 0))).toBeLessThanOrEqual(0.2 * (simulated.responses['200'] ?? 0));
    expect(Math.abs((summary.responses['503'] ?? 0) - (simulated.responses['503'] ?? 0))).toBeLessThanOrEqual(0.5 * (simulated.responses['503'] ?? 0));
    expect(Object.keys(summary.responses).sort()).toEqual(Object.keys(simulated.responses).sort());
    expect(summary.waitConditions.activations).toBe(simulated.waitConditions.activations);
    expect(Math.abs(summary.waitConditions.secondsActive - simulated.waitConditions.secondsActive)).toBeLessThanOrEqual(2);

    // The calibration is a scenario fragment a scenario (and so a sweep's patch) takes as it is.
    const fragment = parseYaml(calibration) as { network: Record<string, unknown>; externalSystem: Record<string, unknown> };
    expect(Object.keys(fragment.externalSystem)).toContain('serviceTime');
    expect(fragment.externalSystem.errors).toHaveProperty('503');
    const calibrated = validateScenario({
      ...parseYaml(readFileSync(WITH_OUTAGE, 'utf8')),
      network: { ...scenario.network, ...fragment.network },
      externalSystem: { ...scenario.externalSystem, ...fragment.externalSystem },
    });
    expect(calibrated.ok, JSON.stringify(calibrated)).toBe(true);
    expect(calibration).toMatch(/# \d+ answer\(s\) without an injected fault: round trip p1 .* ms, p50 .* ms, p99 .* ms/);
    // A sweep takes it by its path, after a patch of its own.
    const sweep = join(out, 'sweep.yaml');
    writeFileSync(
      sweep,
      `scenario: ${WITH_OUTAGE}\npatch: [{ ocs: { history-wait-condition-threshold: 9 } }, calibration.yaml]\nvary: { history-wait-recovery-timeout: [1s, 2s] }\nreplications: 2\n`,
    );
    const plan = loadSweepPlan(sweep, true);
    expect(plan.base.externalSystem.serviceTime).toEqual(fragment.externalSystem.serviceTime);
    expect(plan.base.network.latency).toEqual(fragment.network.latency);
    expect(plan.base.ocs['history-wait-condition-threshold']).toBe(9);
  });
});

describe('ocs-sim drive judges the external system it drives', () => {
  const cases: Array<{ behaviour: Behaviour; code: number; violated: string | null }> = [
    { behaviour: 'correct', code: 0, violated: null },
    { behaviour: 'append', code: 1, violated: 'idempotent-resubmissions' },
    { behaviour: 'last-write-wins', code: 1, violated: 'seq1-survives-late-seq0' },
    { behaviour: 'reject-resubmission', code: 1, violated: 'all-confirmed' },
  ];
  it.each(cases)('a server that is $behaviour: exit $code, violated: $violated', async ({ behaviour, code, violated }) => {
    const server = await startTestServer(behaviour);
    const out = join(dir, behaviour);
    const result = await ocsSim([
      'drive',
      SHORT,
      '--target',
      `${server.url}/ocs/history`,
      '--read-back',
      `${server.url}/records/{guid}`,
      '--out',
      out,
      '--header',
      'X-Tenant: acme',
      '--header',
      'Authorization: Bearer t0k3n',
    ]).finally(() => server.close());
    expect(result.code, result.stderr).toBe(code);
    const { conformance } = outputs(out);
    const v = verdicts(conformance);
    expect(v['answers-understood']).toBe('held');
    if (violated === null) {
      expect(conformance.claims.filter((c) => c.verdict === 'violated')).toEqual([]);
      // The late seq 0 happened and the correct server kept seq 1.
      expect(v['seq1-survives-late-seq0']).toBe('held');
      // --header values reach the target, on every request.
      const posts = server.headers.filter((h) => h['content-type'] === 'application/json');
      expect(posts.length).toBeGreaterThan(0);
      expect(posts.every((h) => h['x-tenant'] === 'acme' && h.authorization === 'Bearer t0k3n')).toBe(true);
      // And with every read-back GET (and the HEAD before the first record).
      const reads = server.headers.filter((h) => h['content-type'] === undefined);
      expect(reads.length).toBeGreaterThan(posts.length / 4);
      expect(reads.every((h) => h['x-tenant'] === 'acme' && h.authorization === 'Bearer t0k3n')).toBe(true);
    } else {
      expect(v[violated]).toBe('violated');
      const claim = conformance.claims.find((c) => c.id === violated)!;
      expect(claim.examples.length).toBeGreaterThan(0);
      expect(result.stderr).toContain(`claim violated: ${claim.claim}`);
      expect(result.stderr).toContain('for example: {');
    }
  });
});

describe('ocs-sim drive reads back what real APIs answer (the adapter flags)', () => {
  const cases: Array<{ behaviour: Behaviour; readBack: (url: string) => string[]; code: number; expect: Record<string, string> }> = [
    {
      behaviour: 'tutorial-append',
      readBack: (url) => ['--read-back', `${url}/api/call-records?call_attempt_guid={guid}`, '--guid-field', 'call_attempt_guid', '--body-field', 'payload'],
      code: 1,
      expect: { 'stored-on-200': 'held', 'idempotent-resubmissions': 'violated', 'read-back-contract': 'held' },
    },
    {
      behaviour: 'get-by-id',
      readBack: (url) => ['--read-back', `${url}/records/{guid}`],
      code: 0,
      // One object per attempt: duplicates cannot be seen; never a false violation, never a false hold.
      expect: { 'idempotent-resubmissions': 'not checked', 'read-back-contract': 'held' },
    },
    {
      behaviour: 'envelope',
      readBack: (url) => ['--read-back', `${url}/records?guid={guid}`, '--read-back-rows', 'data'],
      code: 0,
      expect: { 'stored-on-200': 'held', 'idempotent-resubmissions': 'held', 'seq1-survives-late-seq0': 'held', 'read-back-contract': 'held' },
    },
  ];
  it.each(cases)('$behaviour: exit $code', async ({ behaviour, readBack, code, expect: expected }) => {
    const server = await startTestServer(behaviour);
    const out = join(dir, `shape-${behaviour}`);
    const result = await ocsSim(['drive', SHORT, '--target', `${server.url}/ocs/history`, ...readBack(server.url), '--out', out]).finally(() => server.close());
    expect(result.code, result.stderr).toBe(code);
    const { conformance, summary } = outputs(out);
    expect(verdicts(conformance)).toMatchObject(expected);
    if (behaviour === 'get-by-id') {
      expect(conformance.claims.filter((c) => c.verdict === 'violated')).toEqual([]);
      expect(conformance.claims.find((c) => c.id === 'idempotent-resubmissions')!.detail).toContain('one row per attempt');
      expect(summary.external.duplicates).toBeNull();
    } else expect(conformance.claims.find((c) => c.id === 'stored-on-200')!.judgedOn).toBeGreaterThan(0);
  });

  it('an adapter that does not match the answer (an envelope read without --read-back-rows): the first read-back shows it, exit 2 at once, naming the field', async () => {
    const server = await startTestServer('envelope');
    const out = join(dir, 'shape-unadapted');
    // A drive of a minute: the first confirmed record's read-back stops it.
    const long = scenarioFile('long', scenarioOf('a minute of short calls', SHORT_OCS, 6, SHORT_CALLS, { ...SHORT_REST, duration: '60s' }));
    const result = await ocsSim([
      'drive',
      long,
      '--target',
      `${server.url}/ocs/history`,
      '--read-back',
      `${server.url}/records?guid={guid}`,
      '--out',
      out,
    ]).finally(() => server.close());
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/--read-back: the first read-back \(.*\/records\?guid=.*\) lacks the field GSW_HIST_SEQUENCE_NUM.*--read-back-rows/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('drive 10.0 s');
    expect(existsSync(join(out, 'conformance.json'))).toBe(false);
  });
});

describe('ocs-sim drive with a client certificate (mutual TLS)', () => {
  it('presents --cert/--key to a target that wants one, on the POSTs and the read-back; without them it exits 2 saying so', async () => {
    const server = selfSignedCertificate(dir, 'mtls-server-');
    const client = selfSignedCertificate(dir, 'mtls-client-');
    const target = await startTestServer('correct', { cert: server.cert, key: server.key, clientCa: client.cert });
    try {
      const args = ['drive', SHORT, '--target', `${target.url}/ocs/history`, '--read-back', `${target.url}/records/{guid}`, '--ca', server.cert];
      const withCert = await ocsSim([...args, '--cert', client.cert, '--key', client.key, '--out', join(dir, 'mtls')]);
      expect(withCert.code, withCert.stderr).toBe(0);
      expect(verdicts(outputs(join(dir, 'mtls')).conformance)).toMatchObject({ 'stored-on-200': 'held', 'read-back-contract': 'held' });
      const without = await ocsSim([...args, '--out', join(dir, 'mtls-none')]);
      expect(without.code).toBe(2);
      expect(without.stderr).toMatch(/cannot be reached before the first record: .*--cert FILE --key FILE/);
      const half = await ocsSim([...args, '--cert', client.cert, '--out', join(dir, 'mtls-half')]);
      expect(half.code).toBe(2);
      expect(half.stderr).toContain('--cert and --key go together');
    } finally {
      await target.close();
    }
  });
});

/** SHORT with pre-dial validation on: each dial is validated first. */
const VALIDATED = scenarioFile(
  'validated',
  scenarioOf('short calls, validated', { ...SHORT_OCS, 'pre-dial-validation': true }, 6, SHORT_CALLS, {
    ...SHORT_REST,
    network: { latency: { fixed: '1ms' } },
  }),
);

describe('ocs-sim drive checks pre-dial validation answers', () => {
  it('serve answers 200 or 409 with a call result: held; a 409 without one: violated', async () => {
    const { scenario } = loadScenario(VALIDATED);
    const serve = await startServer({
      scenario: { ...scenario, externalSystem: { ...scenario.externalSystem, validationRejectProbability: 0.3 } },
      host: '127.0.0.1',
      port: 0,
    });
    const good = await ocsSim(['drive', VALIDATED, '--target', `${serve.url}/ocs/history`, '--out', join(dir, 'validated')]).finally(() => serve.close());
    expect(good.code, good.stderr).toBe(0);
    const held = outputs(join(dir, 'validated'));
    expect(verdicts(held.conformance)['validation-answers']).toBe('held');
    expect(held.summary.validations).toMatchObject({ approved: expect.any(Number), rejected: expect.any(Number) });
    const bad = await startTestServer('validation-409-without-result');
    const refused = await ocsSim([
      'drive',
      VALIDATED,
      '--target',
      `${bad.url}/ocs/history`,
      '--validation-target',
      `${bad.url}/ocs/validate`,
      '--out',
      join(dir, 'validation-409'),
    ]).finally(() => bad.close());
    expect(refused.code, refused.stderr).toBe(1);
    expect(verdicts(outputs(join(dir, 'validation-409')).conformance)['validation-answers']).toBe('violated');
    expect(bad.posts).toBeGreaterThan(0);
  });
});

describe('ocs-sim drive times out a target that does not answer', () => {
  it('cuts each POST at history-http-response-timeout, as OCS does, and the latency claim fails past --max-timeout-share', async () => {
    const { scenario } = loadScenario(SHORT);
    // serve's own hangs: the target accepts and never answers (the driver injects none: --no-network-faults).
    const serve = await startServer({
      scenario: { ...scenario, network: { ...scenario.network, responseLoss: 0, hangs: 0.2 } },
      host: '127.0.0.1',
      port: 0,
      networkFaults: true,
    });
    const out = join(dir, 'hangs');
    const result = await ocsSim(['drive', SHORT, '--target', `${serve.url}/ocs/history`, '--no-network-faults', '--out', out]).finally(() => serve.close());
    expect(result.code, result.stderr).toBe(1);
    const { conformance, summary, log } = outputs(out);
    const latency = conformance.claims.find((c) => c.id === 'latency')!;
    expect(latency.verdict).toBe('violated');
    expect(latency.examples[0]).toMatchObject({ outcome: 'no answer within the deadline' });
    // serve said it injects network faults: the verdict says these timeouts are its deliberate ones.
    expect(latency.detail).toContain('the target says it injects network faults');
    expect(summary.timeouts).toBeGreaterThan(0);
    expect(log).toMatch(/\[OCS 408 history-http-response-timeout\] Save operation for Call Attempt Record was aborted/);
  });
});

describe('ocs-sim drive over HTTPS and with bad input', () => {
  it('drives an HTTPS target whose self-signed certificate is given with --ca, and refuses it without', async () => {
    const { cert, key } = selfSignedCertificate(dir);
    const { scenario } = loadScenario(SHORT);
    const server = await startServer({
      scenario: { ...scenario, network: { ...scenario.network, responseLoss: 0 } },
      host: '127.0.0.1',
      port: 0,
      tls: { cert, key },
    });
    try {
      const args = ['drive', SHORT, '--target', `${server.url}/ocs/history`, '--no-network-faults'];
      const trusted = await ocsSim([...args, '--ca', cert, '--out', join(dir, 'https')]);
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(outputs(join(dir, 'https')).summary.records.saved).toBeGreaterThan(0);
      const untrusted = await ocsSim([...args, '--out', join(dir, 'https-untrusted')]);
      expect(untrusted.code).toBe(2);
      expect(untrusted.stderr).toMatch(/cannot be reached before the first record: .*--ca FILE/);
      expect(untrusted.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await server.close();
    }
  });

  it('exits 2 with a clear message for a target that refuses, a bad URL, header, template or share', async () => {
    const closed = await startTestServer('correct');
    await closed.close();
    const runs = await Promise.all(
      [
        [['--target', `${closed.url}/ocs/history`], /cannot be reached before the first record: ECONNREFUSED/],
        [['--target', 'ftp://127.0.0.1/x'], /--target: got "ftp:\/\/127.0.0.1\/x"; expected an http:\/\/ or https:\/\/ URL/],
        [['--target', 'http://127.0.0.1:1/x', '--header', 'no colon'], /--header: got "no colon"; expected 'Name: value'/],
        [['--target', 'http://127.0.0.1:1/x', '--header', 'Content-Length: 3'], /--header Content-Length: set by the HTTP client itself/],
        [['--target', 'http://127.0.0.1:1/x', '--read-back', 'http://127.0.0.1:1/records'], /--read-back: .*expected a URL template with \{guid\}/],
        [['--target', 'http://127.0.0.1:1/x', '--max-timeout-share', '5'], /--max-timeout-share.*expected a share from 0 to 1/],
        [['--target', 'http://127.0.0.1:1/x', '--run-id', 'XYZ'], /--run-id: got "XYZ"; expected 8 hex digits/],
      ].map(async ([flags, says]) => ({ says: says as RegExp, result: await ocsSim(['drive', SHORT, ...(flags as string[]), '--out', join(dir, 'bad')]) })),
    );
    for (const { says, result } of runs) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(says);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

/** SHORT without faults: no re-submission, so an 'append' system holds one row per record, unless two drives post the same GUIDs. */
const CLEAN = scenarioFile('clean', scenarioOf('short calls, no faults', SHORT_OCS, 6, SHORT_CALLS, { ...SHORT_REST, network: { latency: { fixed: '1ms' } } }));

/** The GUIDs a drive dialed, in order, from its trace. */
const dialedGuids = (out: string) =>
  readFileSync(join(out, 'trace.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; guid?: string })
    .filter((l) => l.event === 'dial')
    .map((l) => l.guid!);

describe('ocs-sim drive: each drive posts its own GUIDs', () => {
  it('two drives with one seed never collide on a stateful system; --run-id replays a drive GUID for GUID', async () => {
    const server = await startTestServer('append');
    try {
      const drives = await Promise.all(
        ['one', 'two'].map((name) =>
          ocsSim([
            'drive',
            CLEAN,
            '--target',
            `${server.url}/ocs/history`,
            '--read-back',
            `${server.url}/records/{guid}`,
            '--out',
            join(dir, `run-id-${name}`),
          ]),
        ),
      );
      for (const d of drives) expect(d.code, d.stderr).toBe(0);
      const [one, two] = ['one', 'two'].map((name) => outputs(join(dir, `run-id-${name}`)).conformance);
      expect(one.runId).toMatch(/^[0-9A-F]{8}$/);
      expect(two.runId).not.toBe(one.runId);
      expect(drives[0].stdout).toContain(`run id ${one.runId}`);
      const [g1, g2] = ['one', 'two'].map((name) => dialedGuids(join(dir, `run-id-${name}`)));
      expect(g1.length).toBeGreaterThan(3);
      expect(g1.every((g) => g.startsWith(`${one.runId}-`))).toBe(true);
      expect(g1.filter((g) => g2.includes(g))).toEqual([]);
      // The same run id and seed: the same GUIDs, so the system now holds each record twice.
      const replay = await ocsSim([
        'drive',
        CLEAN,
        '--target',
        `${server.url}/ocs/history`,
        '--read-back',
        `${server.url}/records/{guid}`,
        '--run-id',
        one.runId!.toLowerCase(),
        '--out',
        join(dir, 'run-id-replay'),
      ]);
      expect(replay.code, replay.stderr).toBe(1);
      expect(dialedGuids(join(dir, 'run-id-replay')).slice(0, 3)).toEqual(g1.slice(0, 3));
      expect(verdicts(outputs(join(dir, 'run-id-replay')).conformance)['idempotent-resubmissions']).toBe('violated');
    } finally {
      await server.close();
    }
  });
});

/** Seq 0 records only, at a steady rate: load without calls. */
function load(name: string, duration: string, perSecond: number): string {
  // The one agent never gets an answer: no calls, no seq 1.
  return scenarioFile(
    name,
    scenarioOf(
      'synthetic load',
      { 'http-connection-pool-size': 8 },
      1,
      { answerTime: { fixed: '1h' }, noAnswerTime: { fixed: '1h' } },
      { seed: 2, duration, drainLimit: '2s', syntheticRecords: { perSecond } },
    ),
  );
}

describe('ocs-sim drive is bounded', () => {
  it('never sends more than --max-rate requests per second', async () => {
    const file = load('load-2s', '2s', 200);
    const server = await startTestServer('correct');
    const out = join(dir, 'max-rate');
    const result = await ocsSim(['drive', file, '--target', `${server.url}/ocs/history`, '--max-rate', '50', '--out', out]).finally(() => server.close());
    expect(result.code, result.stderr).toBe(0);
    const { summary } = outputs(out);
    // 200 records a second are asked for; 50 a second go, over the dialing period and the drain.
    expect(server.posts).toBeLessThanOrEqual(50 * summary.virtualSeconds + 1);
    expect(server.posts).toBeGreaterThan(50);
    expect(result.stdout).toMatch(/held back by --max-rate/);
  });

  it('stops cleanly on Ctrl-C and writes what it has, marked incomplete', async () => {
    const file = load('load-60s', '60s', 20);
    const server = await startTestServer('correct');
    const out = join(dir, 'interrupted');
    const child = spawn(process.execPath, [OCS_SIM, 'drive', file, '--target', `${server.url}/ocs/history`, '--out', out]);
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('drive 2.0 s')) resolve();
      }),
    );
    child.kill('SIGINT');
    const code = await exited.finally(() => server.close());
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('SIGINT: stopping');
    const { conformance, summary } = outputs(out);
    expect(conformance.complete).toBe(false);
    expect(conformance.claims.find((c) => c.id === 'all-confirmed')!.verdict).toBe('not checked');
    expect(summary.virtualSeconds).toBeLessThan(30);
    expect(summary.records.created).toBeGreaterThan(0);
    // The trace is whole: every line is JSON, the last is the run's end.
    const lines = readFileSync(join(out, 'trace.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string });
    expect(lines.at(-1)!.event).toBe('end');
  });
});
