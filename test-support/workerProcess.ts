import { spawn, type ChildProcess } from 'node:child_process';
import { OCS_SIM } from './cli.ts';

/** An `ocs-sim worker` in its own process, as a machine of a farm runs it. */
export interface WorkerProcess {
  child: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr: () => string;
  /** Its exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts `ocs-sim worker --queue URL ...args` and resolves once it says it is ready (rejects if it exits first). */
export async function spawnWorker(url: string, ...args: string[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [OCS_SIM, 'worker', '--queue', url, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('ready:')) resolve();
    });
    exited.then((code) => reject(new Error(`ocs-sim worker exited (${code}) before it was ready:\n${stderr}`)));
  });
  return { child, stderr: () => stderr, exited };
}
