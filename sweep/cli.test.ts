import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { effectiveSweepYaml, loadSweepPlan } from './sweepRun.ts';
import { writeSmallSweep } from '../test-support/smallSweep.ts';

/**
 * `ocs-sim sweep` in separate processes, as users run it: the output does
 * not depend on the number of workers, and a sweep killed with SIGKILL and
 * resumed ends where an uninterrupted one does.
 */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'ocs-sim.js');
const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { file: sweepFile, runs } = writeSmallSweep(dir, 'small sweep for the CLI tests');

function sweep(out: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'sweep', sweepFile, '--out', out, ...args], { cwd: repo, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (path: string) =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];

describe('ocs-sim sweep', () => {
  const one = join(dir, 'one');
  const two = join(dir, 'two');

  it('writes the same cells.csv with 1 worker and with 2', () => {
    const a = sweep(one, '--workers', '1');
    const b = sweep(two, '--workers', '2');
    expect(a.stderr).toContain('on 1 worker;');
    expect(b.stderr).toContain('on 2 workers;');
    expect([a.status, b.status]).toEqual([0, 0]);
    const csv = readFileSync(join(one, 'cells.csv'));
    expect(csv.toString().split('\n')).toHaveLength(4 + 2);
    expect(readFileSync(join(two, 'cells.csv')).equals(csv)).toBe(true);
    for (const file of ['recommendation.md', 'recommendation.json', 'report.html', 'report.md']) {
      expect(readFileSync(join(two, file)).equals(readFileSync(join(one, file))), `${file} differs between 1 and 2 workers`).toBe(true);
    }
    expect(lines(join(one, 'results.jsonl'))).toHaveLength(runs);
    expect(a.stdout).toContain('# Recommendation: small sweep for the CLI tests');
  });

  it('resumes a sweep killed with SIGKILL and ends with the same cells.csv', async () => {
    const out = join(dir, 'killed');
    const results = join(out, 'results.jsonl');
    // An earlier sweep's conclusions in the same directory must not survive beside the new, partial results.
    mkdirSync(out, { recursive: true });
    for (const file of ['cells.csv', 'recommendation.md', 'report.html']) writeFileSync(join(out, file), 'from an earlier sweep');
    const child = spawn(process.execPath, [bin, 'sweep', sweepFile, '--out', out, '--workers', '2'], { cwd: repo, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Kill once a few runs are in; poll rather than sleep so the kill lands mid-sweep.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (lines(results).length >= 4) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 5);
    });
    await exited;
    const before = lines(results).length;
    expect(before).toBeGreaterThanOrEqual(4);
    expect(before).toBeLessThan(runs); // really interrupted
    for (const file of ['cells.csv', 'recommendation.md', 'report.html']) expect(existsSync(join(out, file)), file).toBe(false);
    // A torn last line, as a crash in the middle of a write could leave.
    appendFileSync(results, '{"key":"0123456789abcdef","cell":1,"seed":');

    const resumed = sweep(out, '--workers', '2', '--resume');
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming: ${before} of ${runs} runs already done; cut a torn last line \\(\\d+ bytes\\)`));
    const after = lines(results);
    expect(after).toHaveLength(runs);
    expect(new Set(after.map((l) => JSON.parse(l).key)).size).toBe(runs);
    expect(readFileSync(join(out, 'cells.csv')).equals(readFileSync(join(one, 'cells.csv')))).toBe(true);
    expect(readFileSync(join(out, 'report.html')).equals(readFileSync(join(one, 'report.html')))).toBe(true);
  });

  it('runs nothing again when resumed after it finished', () => {
    const again = sweep(one, '--workers', '1', '--resume');
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`resuming: ${runs} of ${runs} runs already done`);
    expect(lines(join(one, 'results.jsonl'))).toHaveLength(runs);
  });

  it('writes sweep.yaml, a self-contained sweep that names the same runs: resumed from it, nothing runs again and it is rewritten unchanged', () => {
    const effective = readFileSync(join(one, 'sweep.yaml'));
    expect(effective.toString()).not.toContain('patch:');
    const again = spawnSync(process.execPath, [bin, 'sweep', join(one, 'sweep.yaml'), '--out', one, '--resume', '--workers', '1'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`resuming: ${runs} of ${runs} runs already done`);
    expect(readFileSync(join(one, 'sweep.yaml')).equals(effective)).toBe(true);
    expect(readFileSync(join(one, 'cells.csv')).equals(readFileSync(join(two, 'cells.csv')))).toBe(true);
  });

  it('names the same runs in the sweep.yaml of a --quick sweep (its quick seeds and duration written in)', () => {
    const quick = loadSweepPlan(sweepFile, true);
    const written = join(dir, 'quick-effective.yaml');
    writeFileSync(written, effectiveSweepYaml(quick));
    const replanned = loadSweepPlan(written, false);
    expect(replanned.runs.map((r) => r.key)).toEqual(quick.runs.map((r) => r.key));
    expect(replanned.quick, 'its conclusions must still say: smoke version, not for decisions').toBe(true);
    expect(loadSweepPlan(join(one, 'sweep.yaml'), false).quick).toBe(false);
    expect(replanned.runs.map((r) => r.key)).not.toEqual(loadSweepPlan(sweepFile, false).runs.map((r) => r.key));
  });

  it("`ocs-sim report DIR` rebuilds a sweep's conclusions from sweep.yaml and results.jsonl without running anything", () => {
    const copy = join(dir, 'report-copy');
    mkdirSync(copy);
    for (const file of ['sweep.yaml', 'results.jsonl']) writeFileSync(join(copy, file), readFileSync(join(one, file)));
    const r = spawnSync(process.execPath, [bin, 'report', copy], { cwd: repo, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('# Recommendation: small sweep for the CLI tests');
    for (const file of ['cells.csv', 'recommendation.md', 'recommendation.json', 'report.html', 'report.md']) {
      expect(readFileSync(join(copy, file)).equals(readFileSync(join(one, file))), `${file} differs from the sweep's own`).toBe(true);
    }
    expect(readFileSync(join(copy, 'results.jsonl')).equals(readFileSync(join(one, 'results.jsonl')))).toBe(true);
  });

  it('refuses `ocs-sim report DIR` on an unfinished sweep with exit code 2 and the command that finishes it', () => {
    const partial = join(dir, 'report-partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'sweep.yaml'), readFileSync(join(one, 'sweep.yaml')));
    writeFileSync(join(partial, 'results.jsonl'), `${lines(join(one, 'results.jsonl')).slice(0, 10).join('\n')}\n`);
    const r = spawnSync(process.execPath, [bin, 'report', partial], { cwd: repo, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${runs - 10} of ${runs} runs have no result in results.jsonl`);
    expect(r.stderr).toContain(`ocs-sim sweep ${join(partial, 'sweep.yaml')} --out ${partial} --resume`);
    expect(existsSync(join(partial, 'cells.csv'))).toBe(false);
  });

  it('--adaptive: the same runs and conclusions with 1 worker and with 2, within the grid, and `ocs-sim report DIR` rebuilds them from results.jsonl', () => {
    const [a, b, copy] = ['adaptive-one', 'adaptive-two', 'adaptive-copy'].map((d) => join(dir, d));
    const first = sweep(a, '--adaptive', '--workers', '1');
    const second = sweep(b, '--adaptive', '--workers', '2');
    expect([first.status, second.status], first.stderr + second.stderr).toEqual([0, 0]);
    const used = /adaptive: (\d+) of (\d+) runs/.exec(first.stderr);
    expect(used?.[2]).toBe(String(runs));
    expect(lines(join(a, 'results.jsonl'))).toHaveLength(Number(used![1]));
    expect(Number(used![1])).toBeGreaterThanOrEqual(4 * 3);
    // Runs finish in another order on 2 workers; the rounds wait for theirs, so the same runs are chosen.
    const keys = (d: string) =>
      lines(join(d, 'results.jsonl'))
        .map((l) => JSON.parse(l).key as string)
        .sort();
    expect(keys(b)).toEqual(keys(a));
    for (const file of ['cells.csv', 'recommendation.md', 'recommendation.json', 'report.html', 'report.md']) {
      expect(readFileSync(join(b, file)).equals(readFileSync(join(a, file))), `${file} differs between 1 and 2 workers`).toBe(true);
    }
    expect(readFileSync(join(a, 'cells.csv'), 'utf8').split('\n')[0]).toMatch(/,stopped$/);
    expect(readFileSync(join(a, 'sweep.yaml'), 'utf8')).toMatch(/adaptive: true\nreplications:\n {2}min: 3\n {2}max: 6/);
    mkdirSync(copy);
    for (const file of ['sweep.yaml', 'results.jsonl']) writeFileSync(join(copy, file), readFileSync(join(a, file)));
    const r = spawnSync(process.execPath, [bin, 'report', copy], { cwd: repo, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const file of ['cells.csv', 'report.html', 'report.md']) expect(readFileSync(join(copy, file)).equals(readFileSync(join(a, file))), file).toBe(true);
  });

  it('rejects a bad sweep file with exit code 2, naming the field, the value and what is allowed', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'scenario: { duration: 5m }\nvary:\n  history-wait-recovery-timeout: [10s, 10sec]\nobjectives: [{ metric: waitFraction, max: 0.01, min: 0 }]\n',
    );
    const r = spawnSync(process.execPath, [bin, 'sweep', bad], { cwd: repo, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}: vary.history-wait-recovery-timeout[1]: got "10sec"; expected a non-negative duration with a unit`);
    expect(r.stderr).toContain(`${bad}: objectives[0]: got {"metric":"waitFraction","max":0.01,"min":0}; expected exactly one of max, min or equals`);
  });
});
