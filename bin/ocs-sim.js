#!/usr/bin/env node
// The package's command. It runs the compiled JavaScript in dist/ (npm run build;
// npm's prepare step builds it after npm ci in a checkout; a package comes built).
// In a checkout whose sources changed since the build, dist/ is stale: the command
// says so on stderr and runs the sources through tsx, so old code never runs
// unnoticed. OCS_SIM_SOURCES=1 runs the sources on purpose (tests, development).
import './v8Flags.js';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const stamp = new URL('dist/build.json', root);

async function runSources(why) {
  if (why) process.stderr.write(`ocs-sim: ${why}: running the TypeScript sources (npm run build compiles them again)\n`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}

async function staleness() {
  if (!existsSync(stamp)) return 'dist/ is not built';
  // An installed package has no sources: its dist/ is what it is.
  if (!existsSync(new URL('cli/main.ts', root))) return null;
  const { programVersion } = await import('../dist/sweep/modelVersion.js');
  const built = JSON.parse(readFileSync(stamp, 'utf8')).sources;
  return built === programVersion(fileURLToPath(root)) ? null : 'dist/ was built from other sources than these';
}

if (process.env.OCS_SIM_SOURCES === '1') await runSources(null);
else {
  const stale = await staleness();
  if (stale) await runSources(stale);
  else await import('../dist/cli/main.js');
}
