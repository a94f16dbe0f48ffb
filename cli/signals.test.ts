import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OCS_SIM } from '../test-support/cli.ts';
import { writeFileAtomic } from '../io/files.ts';

/**
 * A run stopped by a signal leaves no temporary files (they can be tens of
 * MB), and a temporary file a killed process left behind is removed by the
 * next writer of the same file.
 */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-signals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const temporaries = (out: string) => (existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.tmp')) : []);

/** Starts a long run, waits until its unfinished files exist, sends `signal`; resolves with how it ended. */
function stopRunWith(signal: NodeJS.Signals, out: string): Promise<{ signal: NodeJS.Signals | null; code: number | null; sawTemporaries: boolean }> {
  const scenario = join(dir, 'long.yaml');
  writeFileSync(scenario, 'duration: 40h\ncampaignGroups: [{ name: Long@Agents, dbid: 1, agents: 60 }]\n');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OCS_SIM, 'run', scenario, '--out', out], { stdio: 'ignore' });
    let sawTemporaries = false;
    const poll = setInterval(() => {
      if (temporaries(out).length < 2) return;
      sawTemporaries = true;
      clearInterval(poll);
      child.kill(signal);
    }, 20);
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearInterval(poll);
      clearTimeout(deadline);
      resolve({ signal: sig, code, sawTemporaries });
    });
  });
}

describe('a run stopped by a signal', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s: dies of the signal at once and leaves no temporary file', async (signal) => {
    const out = join(dir, signal);
    const ended = await stopRunWith(signal, out);
    expect(ended.sawTemporaries).toBe(true);
    expect(ended.signal).toBe(signal);
    expect(temporaries(out)).toEqual([]);
    // Nothing half-written took the place of a file either.
    for (const name of ['trace.jsonl', 'ocs.log', 'summary.json']) expect(existsSync(join(out, name)), name).toBe(false);
  });
});

describe('temporary files left by a process that is gone', () => {
  it('are removed by the next writer of the same file; those of running processes and of other files stay', () => {
    const out = join(dir, 'stale');
    mkdirSync(out, { recursive: true });
    // 2^22 + 1 is above Linux's largest pid, so no process has it.
    const gone = 4194305;
    const running = process.ppid;
    for (const name of [`summary.json.${gone}.tmp`, `summary.json.${running}.tmp`, `ocs.log.${gone}.tmp`, `notes.${gone}.tmp`])
      writeFileSync(join(out, name), 'left behind');
    writeFileAtomic(join(out, 'summary.json'), '{}\n');
    expect(readdirSync(out).sort()).toEqual([`notes.${gone}.tmp`, `ocs.log.${gone}.tmp`, 'summary.json', `summary.json.${running}.tmp`].sort());
  });
});
