import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { OCS_SIM } from './cli.ts';

export interface ListeningProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stderr: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts `ocs-sim COMMAND ...args` (serve, proxy) and resolves once its first
 * line says where it listens; it is the caller's to stop.
 */
export function spawnListening(args: string[], cwd?: string): Promise<ListeningProcess> {
  const child = spawn(process.execPath, [OCS_SIM, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      const first = out.split('\n')[0];
      const match = /^listening on (https?:\/\/[^\s]+)$/.exec(first);
      if (match) resolve({ child, url: match[1], stderr: () => err, exited });
      else reject(new Error(`first line: ${first}`));
    });
    void exited.then((code) => reject(new Error(`ocs-sim ${args[0]} exited ${code} before listening: ${err}`)));
  });
}
