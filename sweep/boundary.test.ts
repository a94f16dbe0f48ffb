import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { smallSweepYaml } from '../test-support/smallSweep.ts';
import type { ObjectiveDecision } from './adaptive.ts';
import { bisectBoundary } from './boundary.ts';
import { boundarySearch } from '../cli/boundaryCommand.ts';

/** A judge from a rule on the value, counting how often each value is judged. */
function judgeBy(rule: (x: number) => ObjectiveDecision) {
  const judged: number[] = [];
  const judge = async (value: number) => {
    judged.push(value);
    return { value, decision: rule(value), replications: 3 };
  };
  return { judge, judged };
}

describe('boundary search', () => {
  it('narrows a flip to two neighbouring values in about log2(range) probes, each value judged once', async () => {
    const { judge, judged } = judgeBy((x) => (x < 137 ? 'failed' : 'met'));
    const b = await bisectBoundary(0, 1000, 1, judge);
    expect([b.failed?.value, b.met?.value]).toEqual([136, 137]);
    expect(b.undecided).toEqual([]);
    expect(new Set(judged).size).toBe(judged.length);
    expect(judged.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(1000)));
  });

  it('widens the interval over values left undecided instead of calling them, and finds a flip the other way round', async () => {
    const { judge } = judgeBy((x) => (x <= 129 ? 'met' : x <= 140 ? 'open' : 'failed'));
    const b = await bisectBoundary(0, 1000, 1, judge);
    expect([b.met?.value, b.failed?.value]).toEqual([129, 141]);
    expect(b.undecided.length).toBeGreaterThan(0);
    for (const p of b.undecided) expect(p.value > 129 && p.value < 141 && p.decision === 'open').toBe(true);
  });

  it('keeps to the grid of its step (whole seconds of a duration) and reports no flip when both ends agree', async () => {
    const { judge, judged } = judgeBy((x) => (x < 42_500 ? 'failed' : 'met'));
    const b = await bisectBoundary(5000, 120_000, 1000, judge);
    expect([b.failed?.value, b.met?.value]).toEqual([42_000, 43_000]);
    expect(judged.every((x) => x % 1000 === 0)).toBe(true);
    const none = await bisectBoundary(0, 100, 1, judgeBy(() => 'met').judge);
    expect([none.failed, none.met, none.probes.length]).toEqual([null, null, 2]);
    // Failed at one end, undecided at the other: the failed edge, and the undecided values past it.
    const half = await bisectBoundary(0, 100, 1, judgeBy((x) => (x < 90 ? 'failed' : 'open')).judge);
    expect([half.failed?.value, half.met]).toEqual([89, null]);
    expect(half.undecided.map((p) => p.value)).toContain(100);
    expect(half.undecided.every((p) => p.value >= 90)).toBe(true);
  });
});

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'ocs-sim.js');
const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-boundary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ocs-sim boundary', () => {
  const file = join(dir, 'boundary.yaml');
  writeFileSync(
    file,
    smallSweepYaml({
      vary: { 'history-wait-condition-threshold': [10, 2000], 'history-wait-recovery-timeout': ['10s', '40s'] },
      replications: 4,
      objectives: [
        { metric: 'waitFraction', max: 0.01 },
        { metric: 'unconfirmedAtEnd', equals: 0 },
      ],
    }),
  );
  const boundary = (...args: string[]) => spawnSync(process.execPath, [bin, 'boundary', file, ...args], { cwd: repo, encoding: 'utf8' });

  it('prints the interval where the objective flips, the same on 1 worker and on 2', () => {
    const one = boundary('--option', 'history-wait-condition-threshold', '--at', 'history-wait-recovery-timeout=40s', '--workers', '1');
    const two = boundary('--option', 'history-wait-condition-threshold', '--at', 'history-wait-recovery-timeout=40s', '--workers', '2');
    expect([one.status, two.status], one.stderr + two.stderr).toEqual([0, 0]);
    expect(two.stdout).toBe(one.stdout);
    expect(one.stdout).toContain('boundary of `waitFraction <= 0.01` along history-wait-condition-threshold 10..2000, history-wait-recovery-timeout=40s');
    // A low threshold stops dialing during the outage, a high one never does: the flip lies in between, failed below, met above.
    const flip = /flips between history-wait-condition-threshold=(\d+) \(failed.*history-wait-condition-threshold=(\d+) \(met/.exec(one.stdout);
    expect(flip, one.stdout).not.toBeNull();
    expect(Number(flip![1])).toBeLessThan(Number(flip![2]));
  });

  it("--at takes a value between the grid's points too (issue 24): the cell the boundary is searched in need not be on the grid", () => {
    const search = boundarySearch(file, { option: 'history-wait-condition-threshold', at: ['history-wait-recovery-timeout=20s'] });
    expect(search.fixed).toMatchObject([{ option: 'history-wait-recovery-timeout', value: '20s' }]);
    expect(search.fixed).toHaveLength(1);
  });

  it('--objective metastable searches where runs turn metastable in any sweep file, as the default objective (issue 24)', () => {
    const search = boundarySearch(file, { option: 'history-wait-condition-threshold', objective: 'metastable' });
    expect(search.objective).toEqual({ metric: 'metastable', equals: 0 });
  });

  it('rejects an option it cannot bisect, an unknown objective or --at value with exit code 2 and what is allowed', () => {
    const cases: Array<[string[], string]> = [
      [['--option', 'history-http-response-timeout'], 'expected an option the file varies: history-wait-condition-threshold, history-wait-recovery-timeout'],
      [
        ['--option', 'history-wait-condition-threshold', '--objective', 'dials'],
        "expected the metric of one of the file's objectives: waitFraction, unconfirmedAtEnd",
      ],
      [
        ['--option', 'history-wait-condition-threshold', '--at', 'history-wait-recovery-timeout=fast'],
        '--at history-wait-recovery-timeout=fast: expected a non-negative duration with a unit',
      ],
    ];
    for (const [args, message] of cases) {
      const r = boundary(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
