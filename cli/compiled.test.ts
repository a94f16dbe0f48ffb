import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocsSim } from '../test-support/cli.ts';
import { packagesLoadedBy } from '../test-support/loadedPackages.ts';
import { writeSmallSweep } from '../test-support/smallSweep.ts';

/**
 * The compiled program (dist/, what the package ships and bin/ocs-sim.js runs)
 * against the TypeScript sources: byte-identical outputs, no TypeScript
 * compiler loaded at run time, in the main thread or the sweep's worker
 * threads, and a dist/ older than the sources never run unnoticed.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(ROOT, 'dist', 'build.json');
const COMPILED = { OCS_SIM_SOURCES: '' };
const SOURCES = { OCS_SIM_SOURCES: '1' };
const RUN_FILES = ['trace.jsonl', 'ocs.log', 'summary.json', 'scenario.yaml'];

describe('the compiled program', () => {
  const out = mkdtempSync(join(tmpdir(), 'ocs-sim-compiled-'));
  // What npm ci's prepare step does in a checkout; here too, so the sources under test are the ones built.
  beforeAll(() => {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs the default scenario without tsx and writes the same bytes as the sources', async () => {
    const compiled = await packagesLoadedBy(['run', '--out', join(out, 'compiled')], { env: COMPILED });
    expect(compiled.code).toBe(0);
    expect(compiled.stderr).not.toMatch(/stale|other sources|not built/);
    expect(compiled.packages.has('xstate')).toBe(true);
    expect(compiled.packages).not.toContain('tsx');
    expect(compiled.packages).not.toContain('esbuild');
    const sources = await packagesLoadedBy(['run', '--out', join(out, 'sources')], { env: SOURCES });
    expect(sources.code).toBe(0);
    expect(sources.packages).toContain('tsx');
    for (const file of RUN_FILES) expect(readFileSync(join(out, 'compiled', file)), file).toEqual(readFileSync(join(out, 'sources', file)));
  });

  it('sweeps on worker threads that load compiled modules, with the cells the sources give', async () => {
    const { file } = writeSmallSweep(out, 'compiled sweep');
    const compiled = await packagesLoadedBy(['sweep', file, '--out', join(out, 'sweep-compiled'), '--workers', '2'], { env: COMPILED });
    expect(compiled.code).toBe(0);
    expect(compiled.packages).toContain('piscina');
    expect(compiled.packages).not.toContain('tsx');
    const sources = await packagesLoadedBy(['sweep', file, '--out', join(out, 'sweep-sources'), '--workers', '2'], { env: SOURCES });
    expect(sources.code).toBe(0);
    expect(readFileSync(join(out, 'sweep-compiled', 'cells.csv'), 'utf8')).toBe(readFileSync(join(out, 'sweep-sources', 'cells.csv'), 'utf8'));
  });

  it('says so and runs the sources when dist/ was built from other sources', async () => {
    const stamp = readFileSync(STAMP, 'utf8');
    try {
      writeFileSync(STAMP, JSON.stringify({ ...JSON.parse(stamp), sources: 'another build' }));
      const stale = await packagesLoadedBy(['run', '--out', join(out, 'stale')], { env: COMPILED });
      expect(stale.code).toBe(0);
      expect(stale.stderr).toContain('dist/ was built from other sources than these');
      expect(stale.packages).toContain('tsx');
    } finally {
      writeFileSync(STAMP, stamp);
    }
  });

  it('knows its version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await ocsSim(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(new RegExp(`^ocs-sim ${version.replaceAll('.', '\\.')} \\(model [0-9a-f]{16}\\)$`));
  });
});
