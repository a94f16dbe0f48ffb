import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../io/scenarioFile.ts';

// The model never fails on its own (that is what the properties show), so the failure is planted.
vi.mock('../sim/run.ts', () => ({
  ScenarioRun: class {
    advance(): boolean {
      return true;
    }
    result(): never {
      throw new Error('model: records lost: created 3, saved 1, kept 1');
    }
  },
}));
const { runToFiles } = await import('./runCommand.ts');

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-failed-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a run that fails', () => {
  it('leaves only its effective scenario.yaml, and says how to replay it', async () => {
    const out = join(dir, 'out');
    mkdirSync(out, { recursive: true });
    for (const earlier of ['summary.json', 'ocs.log', 'trace.jsonl', 'report.html']) writeFileSync(join(out, earlier), 'from an earlier run');
    const { scenario } = loadScenario(undefined);
    await expect(runToFiles(scenario, { out, seed: 7 })).rejects.toThrow(/records lost[\s\S]*replay it with: npx ocs-sim run .*scenario\.yaml/);
    expect(readdirSync(out)).toEqual(['scenario.yaml']);
    const yaml = readFileSync(join(out, 'scenario.yaml'), 'utf8');
    expect(yaml).toContain('seed: 7');
    expect(yaml).toContain('history-wait-recovery-timeout: 30s');
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });
});
