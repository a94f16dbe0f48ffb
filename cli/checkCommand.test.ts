import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { TraceLine } from '../sim/observer.ts';
import { validateScenario } from '../sim/validate.ts';

// A planted violation, so the failure path can be seen: the accounting claim "fails" on runs whose seed
// `planted` picks (the model itself keeps every invariant, which is what the properties show).
let planted: (seed: number) => boolean = () => false;
vi.mock('../properties/invariants.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../properties/invariants.ts')>();
  return {
    ...real,
    checkInvariants: (trace: TraceLine[], ...rest: Parameters<typeof real.checkInvariants> extends [unknown, ...infer R] ? R : never) => {
      const results = real.checkInvariants(trace, ...rest);
      if (!planted(Number(trace[0].seed))) return results;
      return results.map((r) => (r.name === real.ACCOUNTING ? { ...r, holds: false, detail: '1 violation(s): planted' } : r));
    },
  };
});
const { runCheck } = await import('./checkCommand.ts');
const { main } = await import('./program.ts');
const { checkGenerated } = await import('../properties/checkScenario.ts');

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = validateScenario({
  duration: '3m',
  campaignGroups: [{ name: 'Check@Agents', dbid: 8, agents: 6 }],
  externalSystem: { outages: [{ from: '1m', until: '90s', status: 503 }] },
});
if (!small.ok) throw new Error(small.errors.join('\n'));
const scenario = small.scenario;

function check(opts: Partial<Parameters<typeof runCheck>[2]>) {
  let out = '';
  const code = runCheck(scenario, 'my-scenario.yaml', { runs: 4, faults: 'as-written', out: join(dir, 'out'), ...opts }, (t) => (out += t));
  return { code, out };
}

describe('ocs-sim check', () => {
  it('checks every invariant on each seed of the scenario as written and exits 0 when all hold', () => {
    planted = () => false;
    const { code, out } = check({ seed: 10 });
    expect(code).toBe(0);
    expect(out).toContain('4 runs, seeds 10..13, faults as written');
    expect(out).toContain('  holds     no record is ever lost');
    expect(out).toContain('all invariants hold on 4 runs');
  });

  it('stops at the first seed that violates a claim, names it, writes the run\'s scenario and prints a one-line replay', () => {
    planted = (seed) => seed === 12;
    const { code, out } = check({ seed: 10 });
    expect(code).toBe(1);
    expect(out).toMatch(/FAILS\s+every count in summary\.json equals the count derived from the trace \(seed 12: 1 violation\(s\): planted\)/);
    expect(out).toContain('Replay: npx ocs-sim check my-scenario.yaml --seed 12 --runs 1');
    const yaml = readFileSync(join(dir, 'out', 'counterexample.yaml'), 'utf8');
    expect(yaml).toContain('seed: 12');
    expect(yaml).toContain('# Replay the check: npx ocs-sim check my-scenario.yaml --seed 12 --runs 1');
  });

  it('exits 1 through the ocs-sim command when an invariant does not hold, 0 when all do', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'duration: 2m\ncampaignGroups: [{ name: Exit@Agents, dbid: 9, agents: 4 }]\n');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      planted = (seed) => seed === 3;
      expect(await main(['check', file, '--runs', '2', '--seed', '1', '--out', join(dir, 'exit')])).toBe(0);
      expect(await main(['check', file, '--runs', '3', '--seed', '1', '--out', join(dir, 'exit')])).toBe(1);
    } finally {
      write.mockRestore();
    }
  });

  it('rejects a --fc-seed that is not a whole number with exit code 2, naming the value', async () => {
    const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['check', '--faults', 'generated', '--fc-seed', 'abc'])).toBe(2);
      expect(error.mock.calls.map((c) => String(c[0])).join('')).toContain('got "abc"; expected a whole number');
    } finally {
      error.mockRestore();
    }
  });

  it('with generated faults keeps the scenario\'s own options and policy, and a failure replays exactly from its fast-check seed and path', () => {
    planted = () => false;
    const clean = checkGenerated(scenario, { runs: 5, fcSeed: 3 });
    expect(clean.failure).toBeNull();
    expect(clean.runs).toBe(5);
    // Planted on every run: the first generated run fails, and fast-check shrinks its faults and seed.
    planted = () => true;
    const { code, out } = check({ faults: 'generated', fcSeed: 5, runs: 5 });
    expect(code).toBe(1);
    const replay = /Replay: (npx ocs-sim check .*)/.exec(out)![1];
    const fcSeed = Number(/--fc-seed (-?\d+)/.exec(replay)![1]);
    const fcPath = /--fc-path '?([\d:]*)'?/.exec(replay)![1];
    const again = checkGenerated(scenario, { runs: 5, fcSeed, fcPath });
    expect(again.failure?.check.seed).toBe(Number(/on seed (\d+)/.exec(out)![1]));
    expect(again.failure?.check.seed).toBe(0); // shrunk
    const failing = again.failure!.check.scenario;
    expect(failing.ocs).toEqual(scenario.ocs);
    expect(failing.externalSystem.storagePolicy).toBe(scenario.externalSystem.storagePolicy);
    expect(failing.network.latency).toEqual(scenario.network.latency);
  });
});
