// CI: the package as a user gets it. npm pack, install the tarball in an empty
// folder (its dependencies from the registry, no devDependencies), then run
// `npx ocs-sim --version` and a scenario there. Exits 1 naming what failed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'ocs-sim-pack-'));
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const fail = (why) => {
  process.stderr.write(`pack test: ${why}\n`);
  process.exit(1);
};

try {
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root));
  const files = packed.files.map((f) => f.path);
  const unwanted = files.filter(
    (f) => /\.test\.|^test-support\/|^bench\/|^properties\/|^cli\/|^sim\/|^out\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
  );
  if (unwanted.length > 0) fail(`the tarball holds what does not run: ${unwanted.slice(0, 5).join(', ')}`);
  for (const needed of ['bin/ocs-sim.js', 'dist/cli/main.js', 'dist/build.json', 'scenarios/default.yaml', 'CHANGELOG.md'])
    if (!files.includes(needed)) fail(`the tarball lacks ${needed}`);

  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "pack-test", "private": true }\n');
  npm(['install', '--no-audit', '--no-fund', join(work, packed.filename)], app);
  const version = execFileSync('npx', ['ocs-sim', '--version'], { cwd: app, encoding: 'utf8' }).trim();
  if (!version.startsWith(`ocs-sim ${packed.version} (model `)) fail(`--version says ${version}, the package is ${packed.version}`);
  const run = execFileSync('npx', ['ocs-sim', 'run', '--out', 'out'], { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (!existsSync(join(app, 'out', 'summary.json'))) fail(`npx ocs-sim run wrote no summary.json:\n${run}`);
  const summary = JSON.parse(readFileSync(join(app, 'out', 'summary.json'), 'utf8'));
  process.stdout.write(
    `pack test: ${packed.filename} (${files.length} files, ${(packed.size / 1024).toFixed(0)} KiB) installs and runs: --version ${version}, ${summary.records.created} records created\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
