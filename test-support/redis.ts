import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Debian's redis-server (test-support/ensureDebianPackages.ts installs it for the queue tests). */
export const REDIS_SERVER = '/usr/bin/redis-server';

export interface PrivateRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel's choice), on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private Redis for one test file or benchmark: loopback only, nothing
 * written to disk, and `noeviction`, the one policy under which a queue
 * keeps every job (what `ocs-sim` checks before it uses a Redis).
 */
export async function startRedis(): Promise<PrivateRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`no ${REDIS_SERVER}: install Debian's redis-server (apt-get install -y redis-server) for the queue tests`);
  const port = await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('Ready to accept connections')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`redis-server on port ${port} exited (${code}) before it was ready:\n${seen}`)));
  });
  child.stdout!.resume();
  return { port, url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
