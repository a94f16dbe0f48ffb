import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocsSim, type CliResult } from '../test-support/cli.ts';
import { ScenarioError } from '../io/inputErrors.ts';
import { loadScenario } from '../io/scenarioFile.ts';

/**
 * `ocs-sim` as a user meets it: a scenario file with a mistake is rejected
 * with exit code 2 and a message naming the field path, the value given and
 * what is allowed, with no stack trace and no files written; `ocs-sim schema`
 * writes a JSON Schema that knows the OCS option names.
 */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface BadInput {
  name: string;
  yaml: string;
  /** What stderr must say: the field path, the value, what is allowed. */
  says: string[];
  args?: string[];
  /** Run through a spawned `ocs-sim` (the kinds of mistake the acceptance names); the rest go through the same loader in-process, which is quicker. */
  spawn?: true;
}

const BAD: BadInput[] = [
  {
    name: 'an unknown field',
    spawn: true,
    yaml: 'network:\n  latencyy: { fixed: 10ms }\n',
    says: ['network.latencyy', 'unknown field', '{"fixed":"10ms"}', 'allowed here: latency, requestLoss'],
  },
  {
    name: 'a misspelt OCS option',
    yaml: 'ocs:\n  history-wait-recovery-timout: 30s\n',
    says: ['ocs.history-wait-recovery-timout', 'unknown field', '"30s"', 'history-wait-recovery-timeout'],
  },
  {
    name: 'an unknown field in a campaign group',
    yaml: 'campaignGroups:\n  - name: A\n    dbid: 1\n    agentz: 3\n',
    says: ['campaignGroups[0].agentz', 'unknown field', 'given 3', 'agents'],
  },
  {
    name: 'a negative duration',
    spawn: true,
    yaml: 'ocs:\n  history-wait-recovery-timeout: -30s\n',
    says: ['ocs.history-wait-recovery-timeout', 'got "-30s"', 'non-negative duration with a unit (ms, s, m or h)'],
  },
  {
    name: 'a negative outage start',
    yaml: 'externalSystem:\n  outages:\n    - { from: -1m, until: 5m, status: 503 }\n',
    says: ['externalSystem.outages[0].from', 'got "-1m"', 'non-negative duration'],
  },
  {
    name: 'a probability above 1',
    spawn: true,
    yaml: 'network:\n  responseLoss: 1.5\n',
    says: ['network.responseLoss', 'got 1.5', 'a probability, a number from 0 to 1'],
  },
  {
    name: 'an error probability above 1',
    yaml: 'externalSystem:\n  errors: { "409": 2 }\n',
    says: ['externalSystem.errors.409', 'got 2', 'a number from 0 to 1'],
  },
  {
    name: 'a wrong unit',
    spawn: true,
    yaml: 'ocs:\n  history-http-response-timeout: 30sec\n',
    says: ['ocs.history-http-response-timeout', 'got "30sec"', 'with a unit (ms, s, m or h)'],
  },
  {
    name: 'a duration without a unit',
    spawn: true,
    yaml: 'duration: 3600\n',
    says: ['duration', 'got 3600', 'expected a duration with a unit (ms, s, m or h), e.g. "30s"'],
  },
  {
    name: 'a zero response timeout',
    yaml: 'ocs:\n  history-http-response-timeout: 0s\n',
    says: ['ocs.history-http-response-timeout', 'got "0s"', 'expected at least 1ms'],
  },
  {
    name: 'an unknown dial mode',
    yaml: 'campaignGroups:\n  - { name: A, dbid: 1, dialMode: power }\n',
    says: ['campaignGroups[0].dialMode', 'got "power"', 'expected one of "preview", "progressive", "predictive"'],
  },
  {
    name: 'a file that is not YAML',
    yaml: 'ocs: [\n',
    says: ['not valid YAML or JSON'],
  },
  {
    name: 'a start time with month 13 and hour 99',
    spawn: true,
    yaml: 'startTime: 2026-13-45T99:99:99Z\n',
    says: ['startTime', 'got "2026-13-45T99:99:99Z"', 'a real UTC date and time'],
  },
  {
    name: 'a start time on a day the month does not have',
    yaml: 'startTime: 2026-02-30T08:00:00Z\n',
    says: ['startTime', 'got "2026-02-30T08:00:00Z"', 'a day the month has'],
  },
  {
    name: 'a duration that carries timestamps past the last date JavaScript can represent',
    spawn: true,
    yaml: 'startTime: 9999-01-01T00:00:00Z\nduration: 2390000000h\n',
    says: ['duration', 'got "2390000000h"', '+275760-09-13', 'at most'],
  },
  {
    name: 'a duration too long to be a number of milliseconds',
    yaml: 'duration: 99999999999999999999999999999h\n',
    says: ['duration', 'at most 2400000000h'],
  },
  {
    name: 'a seed past 2^53 - 1',
    yaml: 'seed: 9007199254740993\n',
    says: ['seed', 'from 0 to 9007199254740991'],
  },
  {
    name: 'NaN as a probability',
    yaml: 'network: { hangs: .nan }\n',
    says: ['network.hangs', 'got NaN', 'expected a probability'],
  },
  {
    name: 'a treatment for an unknown call result',
    yaml: 'campaignGroups: [{ name: A, dbid: 1, treatments: { Bussy: { redialAfter: 5m, maxAttempts: 2 } } }]\n',
    says: ['campaignGroups[0].treatments.Bussy', 'unknown field', 'allowed here: Ok, Busy, No Answer'],
  },
  {
    name: 'a key named __proto__ (it would vanish, and take the default treatments with it)',
    yaml: 'campaignGroups: [{ name: A, dbid: 1, treatments: { __proto__: { redialAfter: 5m, maxAttempts: 2 } } }]\n',
    says: ['not valid YAML or JSON: a key named __proto__'],
  },
  {
    name: 'a file that does not exist',
    yaml: '',
    says: ['no-such-scenario.yaml', 'no such file'],
    args: ['run', join(dir, 'no-such-scenario.yaml')],
  },
];

const spawned = new Map<string, { result: CliResult; file: string; out: string }>();

function fileFor(bad: BadInput, i: number): string {
  const file = join(dir, `bad-${i}.yaml`);
  if (!bad.args) writeFileSync(file, bad.yaml);
  return bad.args ? bad.args[1] : file;
}

beforeAll(async () => {
  await Promise.all(
    BAD.map(async (bad, i) => {
      if (!bad.spawn) return;
      const file = fileFor(bad, i);
      const out = join(dir, `out-${i}`);
      spawned.set(bad.name, { result: await ocsSim(['run', file, '--out', out]), file, out });
    }),
  );
});

/** What `ocs-sim run FILE` prints to stderr for a scenario file it rejects (cli/main.ts prints the ScenarioError's message). */
function rejection(file: string): string {
  try {
    loadScenario(file);
  } catch (error) {
    if (error instanceof ScenarioError) return `${error.message}\n`;
    throw error;
  }
  throw new Error(`${file} was accepted`);
}

describe('ocs-sim run rejects a scenario file with', () => {
  it.each(BAD.filter((b) => b.spawn).map((b) => [b.name, b] as const))(
    '%s: exit code 2, the field, the value and what is allowed, no stack trace, no files',
    (name, bad) => {
      const { result, file, out } = spawned.get(name)!;
      expect(result.code).toBe(2);
      for (const words of bad.says) expect(result.stderr).toContain(words);
      expect(result.stderr.startsWith(`${file}: `)).toBe(true);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stderr).not.toMatch(/Error:|ZodError|node_modules/);
      expect(result.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    },
  );

  it.each(BAD.map((b, i) => [b.name, b, i] as const).filter(([, b]) => !b.spawn))(
    '%s: a message naming the field, the value and what is allowed',
    (_name, bad, i) => {
      const file = fileFor(bad, i);
      const stderr = rejection(file);
      for (const words of bad.says) expect(stderr).toContain(words);
      expect(stderr.startsWith(`${file}: `)).toBe(true);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('several mistakes: every one is named, one per line', () => {
    const file = join(dir, 'several.yaml');
    writeFileSync(file, 'duration: 1hour\nnetwork:\n  hangs: 2\nbogus: true\n');
    const lines = rejection(file).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes('duration: got "1hour"'))).toBe(true);
    expect(lines.some((l) => l.includes('network.hangs: got 2'))).toBe(true);
    expect(lines.some((l) => l.includes('bogus: unknown field'))).toBe(true);
  });

  it('a directory: exit code 2, saying it is not a file', async () => {
    const result = await ocsSim(['run', dir, '--out', join(dir, 'out-dir')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${dir}: not a file (a directory?); expected a scenario or sweep file, YAML or JSON\n`);
  });

  it('a --seed past 2^53 - 1 (it would run rounded and not replay): exit code 2, naming the largest seed', async () => {
    for (const seed of ['9007199254740993', '100000000000000000000']) {
      const result = await ocsSim(['run', '--seed', seed, '--out', join(dir, 'out-big-seed')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`got "${seed}"; expected a whole number from 0 to 9007199254740991`);
    }
    expect(existsSync(join(dir, 'out-big-seed'))).toBe(false);
  });

  it('accepts the largest exact seed and a run that crosses into the year 10000, and their effective scenario replays', () => {
    const file = join(dir, 'year-10000.yaml');
    writeFileSync(file, 'seed: 9007199254740991\nstartTime: 9999-12-31T23:30:00Z\nduration: 1h\n');
    const { scenario } = loadScenario(file);
    expect(scenario.seed).toBe(Number.MAX_SAFE_INTEGER);
    expect(scenario.startTime).toBe('9999-12-31T23:30:00Z');
  });

  it('a bad --seed: exit code 2', async () => {
    const result = await ocsSim(['run', '--seed', 'abc', '--out', join(dir, 'out-seed')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"abc"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('ocs-sim schema', () => {
  const OCS_OPTIONS = [
    'send-history',
    'history-uri',
    'history-http-response-timeout',
    'history-wait-recovery-timeout',
    'history-wait-condition-threshold',
    'http-connection-pool-size',
    'pre-dial-validation',
    'validation-uri',
    'validation-timeout-call-result',
    'validation-race-condition-call-result',
  ];
  type Schema = {
    $schema?: string;
    properties: Record<string, Schema>;
    additionalProperties?: boolean;
    items?: Schema;
    pattern?: string;
    description?: string;
    anyOf?: Schema[];
    type?: string;
  };
  let schema: Schema;

  beforeAll(async () => {
    const file = join(dir, 'scenario.schema.json');
    const result = await ocsSim(['schema', '--out', file]);
    expect(result.code).toBe(0);
    schema = JSON.parse(readFileSync(file, 'utf8')) as Schema;
  });

  it('writes a JSON Schema whose ocs section names every OCS option of the documentation, verbatim', () => {
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(Object.keys(schema.properties.ocs.properties)).toEqual(expect.arrayContaining(OCS_OPTIONS));
    // Editors flag a misspelt option.
    expect(schema.properties.ocs.additionalProperties).toBe(false);
    expect(schema.properties.ocs.properties['history-wait-recovery-timeout'].description).toMatch(/re-submitted/);
  });

  it('lets a campaign group override the object-level options', () => {
    const group = schema.properties.campaignGroups.items!;
    expect(Object.keys(group.properties.options.properties)).toEqual(
      expect.arrayContaining([
        'history-http-response-timeout',
        'history-wait-recovery-timeout',
        'history-wait-condition-threshold',
        'validation-race-condition-call-result',
      ]),
    );
  });

  it('knows durations carry units, and that OCS timeout options may be whole seconds as OCS configuration writes them', () => {
    const pattern = new RegExp(schema.properties.duration.pattern!);
    for (const ok of ['250ms', '30s', '5m', '2h', '1h30m']) expect(pattern.test(ok), ok).toBe(true);
    for (const bad of ['30sec', '30', '-30s', '']) expect(pattern.test(bad), bad).toBe(false);
    const timeout = schema.properties.ocs.properties['history-wait-recovery-timeout'];
    // Whole seconds as a number, or quoted as OCS configuration values are ("30", issue 24), or a duration with a unit.
    expect(timeout.anyOf?.map((s) => s.type)).toEqual(['integer', 'string', 'string']);
    expect(new RegExp(timeout.anyOf![1].pattern!).test('30')).toBe(true);
    expect(timeout.anyOf?.[2].pattern).toBe(schema.properties.duration.pattern);
    expect(timeout.description).toMatch(/^\[model default 30s\]/);
  });
});

describe('ocs-sim run into a directory an earlier run used', () => {
  it("leaves none of the earlier run's files beside its own, and lists only the files it wrote", async () => {
    const { runFileNames, runToFiles, humanSummary } = await import('./runCommand.ts');
    const out = join(dir, 'reused');
    const scenario = loadScenario(undefined).scenario;
    const short = { ...scenario, duration: '2m', drainLimit: '2m' };
    await runToFiles(short, { out });
    writeFileSync(join(out, 'report.html'), 'an earlier report');
    writeFileSync(join(out, 'report.md'), 'an earlier report');
    const result = await runToFiles(short, { out, seed: 2, trace: false });
    for (const stale of ['trace.jsonl', 'report.html', 'report.md']) expect(existsSync(join(out, stale)), stale).toBe(false);
    for (const name of runFileNames(false)) expect(existsSync(join(out, name)), name).toBe(true);
    expect(humanSummary(result, out, runFileNames(false))).toContain(`files in ${out}: ocs.log summary.json scenario.yaml`);
  });
});

describe('ocs-sim report on a sweep directory', () => {
  it('says how to write the conclusions again when the sweep predates sweep.yaml', async () => {
    const { isSweepDir, reportSweepDir } = await import('../sweep/sweepRun.ts');
    const sweepDir = join(dir, 'a-sweep');
    mkdirSync(sweepDir, { recursive: true });
    writeFileSync(join(sweepDir, 'results.jsonl'), '');
    expect(isSweepDir(sweepDir)).toBe(true);
    await expect(reportSweepDir(sweepDir)).rejects.toThrow(/made before sweeps wrote sweep\.yaml: run the sweep again with --resume/);
  });
});
