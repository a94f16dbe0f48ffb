import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * json-server 0.17.4 (a devDependency): real third-party software as an
 * external system, the REST API people stand up from a db.json. It answers a
 * POST 201 and stores every POST as a new row.
 */
const require = createRequire(import.meta.url);
const JSON_SERVER = join(dirname(require.resolve('json-server/package.json')), 'lib', 'cli', 'bin.js');

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** json-server on DIR/db.json with an empty `records` collection; resolves once it answers (the caller stops it). */
export async function startJsonServer(dir: string): Promise<{ url: string; child: ChildProcessWithoutNullStreams }> {
  const db = join(dir, 'db.json');
  writeFileSync(db, '{ "records": [] }\n');
  const port = await freePort();
  const child = spawn(process.execPath, [JSON_SERVER, '--host', '127.0.0.1', '--port', String(port), '--quiet', db]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`json-server exited ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/records`);
      if (res.ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`json-server did not answer on ${url}: ${stderr}`);
}
