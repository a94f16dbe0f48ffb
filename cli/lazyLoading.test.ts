import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagesLoadedBy } from '../test-support/loadedPackages.ts';

/**
 * Each command loads what it uses and nothing else: vega takes about half a
 * second to load, piscina, BullMQ and Playwright more, and `check` in a
 * contact center's CI or `run` in a loop pays for every one of them.
 */
const HEAVY_FOR_REPORTS = ['vega', 'vega-lite'];
/** What only some commands use: the pool (sweeps), the queue, the browser, the HTTP client (drive), the property checker (check). */
const HEAVY_ELSEWHERE = ['piscina', 'bullmq', 'ioredis', 'playwright-core', 'undici', 'fast-check'];
/** What a run uses: the scenario schema, YAML, the machines. */
const MODEL = ['zod', 'yaml', 'xstate', 'seedrandom'];

describe('packages each command loads', () => {
  const out = mkdtempSync(join(tmpdir(), 'ocs-sim-lazy-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('--help loads the command line parser and nothing else: not even the model', async () => {
    const { code, packages } = await packagesLoadedBy(['--help']);
    expect(code).toBe(0);
    expect(packages.has('commander')).toBe(true); // the hook sees packages at all
    for (const name of [...HEAVY_FOR_REPORTS, ...HEAVY_ELSEWHERE, ...MODEL]) expect(packages, name).not.toContain(name);
  });

  it("a command's own --help and a mistyped command still work with the others not loaded", async () => {
    const own = await packagesLoadedBy(['drive', '--help']);
    expect(own.code).toBe(0);
    expect(own.packages).toContain('undici');
    expect(own.packages).not.toContain('fast-check');
    const mistyped = await packagesLoadedBy(['rnu']);
    expect(mistyped.code).toBe(2);
    expect(mistyped.stderr).toContain("unknown command 'rnu'");
    expect(mistyped.stderr).toContain('run');
  });

  it('run without --report draws nothing, so loads no vega; with --report it does', async () => {
    const scenario = join(out, 'tiny.yaml');
    writeFileSync(scenario, 'duration: 1m\ncampaignGroups:\n  - { name: Lazy@Agents, dbid: 1, agents: 5 }\n');
    const plain = await packagesLoadedBy(['run', scenario, '--out', join(out, 'plain')]);
    expect(plain.code).toBe(0);
    for (const name of [...HEAVY_FOR_REPORTS, ...HEAVY_ELSEWHERE]) expect(plain.packages, name).not.toContain(name);
    for (const name of MODEL) expect(plain.packages, name).toContain(name);
    const reported = await packagesLoadedBy(['run', scenario, '--out', join(out, 'reported'), '--report']);
    expect(reported.code).toBe(0);
    for (const name of HEAVY_FOR_REPORTS) expect(reported.packages, name).toContain(name);
  });
});
