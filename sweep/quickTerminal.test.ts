import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSmallSweep } from '../test-support/smallSweep.ts';

/** The terminal's recommendation of a --quick sweep says "not for decisions", as recommendation.md does (issue 24). */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-quick-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ocs-sim sweep --quick on the terminal', () => {
  it('the headline (recommended ... / no setting meets ...) says it is a smoke version, not for decisions', () => {
    const { file } = writeSmallSweep(dir, 'quick terminal');
    const r = spawnSync(process.execPath, [join(repo, 'bin', 'ocs-sim.js'), 'sweep', file, '--quick', '--workers', '1', '--out', join(dir, 'out')], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const headline = r.stdout.split('\n').find((l) => l.startsWith('recommended:') || l.startsWith('no setting meets'));
    expect(headline).toMatch(/\(QUICK smoke version, few seeds and short runs: not for decisions\)$/);
  });
});
