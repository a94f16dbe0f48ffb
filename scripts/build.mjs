// npm run build (and npm's prepare step after npm ci / npm install in a checkout):
// compiles the program into dist/ and records in dist/build.json which sources it
// was built from, so bin/ocs-sim.js can tell a stale dist/ from a current one.
// Built into a scratch folder and renamed into place: dist/ is whole or absent.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const partial = join(root, 'dist.partial');
const dist = join(root, 'dist');

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('npm run build needs the devDependencies (typescript): run npm ci without --omit=dev in a checkout; an installed package comes built\n');
  process.exit(1);
}
rmSync(partial, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', partial], { stdio: 'inherit' });
const { modelVersion, programVersion } = await import(new URL('../dist.partial/sweep/modelVersion.js', import.meta.url).href);
writeFileSync(join(partial, 'build.json'), `${JSON.stringify({ modelVersion: modelVersion(root), sources: programVersion(root) }, null, 2)}\n`);
rmSync(dist, { recursive: true, force: true });
renameSync(partial, dist);
