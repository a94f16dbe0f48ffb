import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ocsSim } from '../test-support/cli.ts';

/** `ocs-sim run` prints the health verdict and writes it in summary.json and the report (issue 24). */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ocs-sim run: health', () => {
  it('the metastable example says "health: metastable" with the mechanism on the terminal, in summary.json and the report', async () => {
    const out = join(dir, 'storm');
    const r = await ocsSim(['run', 'scenarios/metastable-retry-storm-no-faults.yaml', '--out', out, '--no-trace', '--report']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('health: metastable (goodput 0%');
    expect(r.stdout).toContain('recovery after the campaign start (Outbound Sales@Sales Agents, at the start): never');
    expect(r.stdout).toContain("history-http-response-timeout 2 s is below the external system's queueing delay at pool 48 (48 x 250 ms / 4 = 3 s)");
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).health.verdict).toBe('metastable');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<section id="health"><h2>Health: metastable</h2>');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('## Health: metastable');
  });

  it('--max-recovery sets the bound (the default run is stable; within 5 s it is slow-recovery); a bare number is refused with how to write it', async () => {
    const usual = await ocsSim(['run', '--out', join(dir, 'default'), '--no-trace']);
    expect(usual.stdout).toContain('health: stable (goodput');
    const strict = await ocsSim(['run', '--out', join(dir, 'strict'), '--no-trace', '--max-recovery', '5s']);
    expect(strict.stdout).toContain('health: slow-recovery');
    expect(JSON.parse(readFileSync(join(dir, 'strict', 'summary.json'), 'utf8')).health.maxRecoverySeconds).toBe(5);
    const bare = await ocsSim(['run', '--out', join(dir, 'bare'), '--max-recovery', '30']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('write 30s for seconds or 30m for minutes');
  });
});
