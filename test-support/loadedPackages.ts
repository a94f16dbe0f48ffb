import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OCS_SIM } from './cli.ts';

/**
 * A module-resolution hook, registered before the CLI starts, that notes
 * every URL the process resolves in a file (the hooks run on their own
 * thread, so a file is the simplest way back).
 */
const HOOK = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.OCS_SIM_LOADED_FILE, result.url + '\\n');
  return result;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

/** The npm packages (by name) that `ocs-sim ...args` loads (its worker threads too: they inherit the hook), its exit code and stderr. */
export async function packagesLoadedBy(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; packages: Set<string>; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-loaded-'));
  const file = join(dir, 'loaded.txt');
  let stderr = '';
  try {
    const code = await new Promise<number | null>((done, fail) => {
      const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, OCS_SIM, ...args], {
        cwd: options.cwd,
        env: { ...process.env, ...options.env, OCS_SIM_LOADED_FILE: file },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', fail);
      child.on('close', done);
    });
    const urls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const packages = new Set(urls.map((url) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1]).filter((name): name is string => name !== undefined));
    return { code, packages, stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
