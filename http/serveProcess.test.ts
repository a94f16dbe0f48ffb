import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `ocs-sim serve` as a process: the first line names the real port, a
 * journal keeps every acknowledged record through kill -9, SIGTERM finishes
 * and exits 0, and a port in use, a bad journal or a bad scenario exit 2 with
 * a one-line message.
 */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'bin', 'ocs-sim.js');
const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-serve-process-'));
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const scenario = join(dir, 'fast.yaml');
writeFileSync(scenario, 'name: fast external system\nexternalSystem: { serviceTime: { fixed: 0ms }, concurrency: 64 }\n');

/** Starts serve; resolves with its URL once the first line says where it listens. */
function startServe(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', scenario, '--port', '0', ...args], { cwd: repo });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const first = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
        if (match) resolve({ child, url: match[1], stderr: () => err });
        else reject(new Error(`first line: ${first}`));
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

const exited = (child: ChildProcessWithoutNullStreams) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
const body = (i: number) => JSON.stringify({ GSW_CALL_ATTEMPT_GUID: `J-${i}`, GSW_HIST_SEQUENCE_NUM: i % 2, GSW_PHONE: `555${i}` });

describe('ocs-sim serve, the process', () => {
  it('keeps every acknowledged record through kill -9 when given a journal, and restores them on restart', async () => {
    const journal = join(dir, 'records.journal');
    const first = await startServe(['--journal', journal]);
    const pool = new Pool(first.url, { connections: 8 });
    const acknowledged: string[] = [];
    // Killed after the 50th acknowledgement, with posts still going: only the 200s count.
    let killAfter50th: () => void = () => {};
    const fifty = new Promise<void>((r) => (killAfter50th = r));
    const sending = Array.from({ length: 400 }, async (_, i) => {
      try {
        const res = await pool.request({ path: '/ocs/history', method: 'POST', body: body(i), headers: { 'content-type': 'application/json' } });
        await res.body.dump();
        if (res.statusCode === 200) acknowledged.push(`J-${i}`);
        if (acknowledged.length === 50) killAfter50th();
      } catch {
        // Cut by the kill: never acknowledged.
      }
    });
    await fifty;
    first.child.kill('SIGKILL');
    await Promise.all(sending);
    await pool.close().catch(() => {});
    expect(acknowledged.length).toBeGreaterThan(0);

    const second = await startServe(['--journal', journal]);
    // The header follows the first line on stderr.
    while (!second.stderr().includes('restored')) await new Promise((r) => setTimeout(r, 20));
    expect(second.stderr()).toMatch(/journal .*records\.journal \((\d+) attempts restored\)/);
    expect(Number(/\((\d+) attempts restored\)/.exec(second.stderr())![1])).toBeGreaterThanOrEqual(acknowledged.length);
    for (const guid of acknowledged) {
      const res = await request(`${second.url}/records/${guid}`);
      expect(res.statusCode, `${guid} was acknowledged before kill -9`).toBe(200);
      await res.body.dump();
    }
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  });

  it('finishes the request in service on SIGTERM, writes the verdict and exits 0', async () => {
    const slow = join(dir, 'slow.yaml');
    writeFileSync(slow, 'externalSystem: { serviceTime: { fixed: 500ms } }\n');
    const verdictFile = join(dir, 'verdict.json');
    const child = spawn(process.execPath, [bin, 'serve', slow, '--port', '0', '--verdict', verdictFile], { cwd: repo });
    children.push(child);
    const url = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(/listening on (\S+)/.exec(d.toString())![1])));
    const answer = request(`${url}/ocs/history`, { method: 'POST', body: body(0) });
    // SIGTERM once the request is in service (its 500 ms service has begun), as the metrics say.
    while (!(await (await request(`${url}/metrics`)).body.text()).includes('ocs_sim_serve_in_service 1')) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGTERM');
    const res = await answer;
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(await exited(child)).toBe(0);
    // The verdict on the client, written at shutdown: one record posted once and saved.
    expect(JSON.parse(readFileSync(verdictFile, 'utf8'))).toMatchObject({ conforms: true, records: 1, requestsTaken: 1 });
  });

  it('exits 2 with a one-line message for a port in use, a journal that is not one, or a bad scenario', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    const inUse = spawnSync(process.execPath, [bin, 'serve', scenario, '--port', String(port)], { cwd: repo, encoding: 'utf8' });
    taken.close();
    expect(inUse.status).toBe(2);
    expect(inUse.stderr.trim()).toBe(`port ${port} on 127.0.0.1 is already in use`);

    const notAJournal = join(dir, 'not-a-journal.txt');
    writeFileSync(notAJournal, 'hello\nworld\n');
    const badJournal = spawnSync(process.execPath, [bin, 'serve', scenario, '--port', '0', '--journal', notAJournal], { cwd: repo, encoding: 'utf8' });
    expect(badJournal.status).toBe(2);
    expect(badJournal.stderr).toMatch(/not-a-journal\.txt: line 1 is not a journal entry/);

    const badScenario = join(dir, 'bad.yaml');
    writeFileSync(badScenario, 'externalSystem: { concurrency: lots }\n');
    const bad = spawnSync(process.execPath, [bin, 'serve', badScenario, '--port', '0'], { cwd: repo, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/externalSystem\.concurrency: got "lots"/);
  });
});
