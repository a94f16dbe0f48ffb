import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MISTAKES, type Mistake } from './mistakes.ts';

/**
 * Proves the property suite can fail: applies each deliberate mistake to a
 * COPY of the repository (never to the working tree others edit), runs the
 * properties there, and reports which claims caught it. The unmodified copy
 * must pass first, or nothing can be concluded.
 *
 *   npm run check:mistakes            (FC_SEED pinned to 1 so the table is reproducible)
 *   npx tsx properties/mutants/check.ts race-check-skipped
 *   npx tsx properties/mutants/check.ts --all [ID...]   (every catching property, not only the first)
 *
 * By default a mistake's run stops at its first failing property (vitest
 * --bail): CI needs "caught", and running the whole suite on every copy
 * cost most of CI's 15 minutes. --all lists every property that catches it.
 */
const ROOT = resolve(import.meta.dirname, '..', '..');
const SKIP = new Set(['node_modules', '.git', 'out', '.stryker-tmp']);
const SEED = process.env.FC_SEED ?? '1';

interface Outcome {
  id: string;
  description: string;
  caughtBy: string[];
  error?: string;
}

function copyRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-mistake-'));
  for (const entry of readdirSync(ROOT)) {
    if (SKIP.has(entry)) continue;
    cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function apply(dir: string, mistake: Mistake): void {
  for (const patch of mistake.patches) {
    const path = join(dir, patch.file);
    const text = readFileSync(path, 'utf8');
    const count = text.split(patch.find).length - 1;
    if (count !== 1) throw new Error(`${mistake.id}: "${patch.find}" occurs ${count} times in ${patch.file}; update properties/mutants/mistakes.ts`);
    writeFileSync(path, text.replace(patch.find, patch.replace));
  }
}

/** Runs the property tests in `dir`; returns the names of the failed tests. */
function failingProperties(dir: string, stopAtFirst: boolean): string[] {
  const report = join(dir, 'vitest-report.json');
  // Left out: the replay demo, and drive against serve (real-time HTTP drives, minutes a copy: the
  // simulated properties catch a mistake in the model first, and npm test runs it on the real model).
  const tests = readdirSync(join(dir, 'properties'))
    .filter((f) => f.endsWith('.test.ts') && f !== 'replay.test.ts' && f !== 'driveAgainstServe.test.ts')
    .map((f) => `properties/${f}`);
  spawnSync('npx', ['vitest', 'run', ...tests, '--reporter=json', `--outputFile=${report}`, ...(stopAtFirst ? ['--bail=1'] : [])], {
    cwd: dir,
    env: { ...process.env, FC_SEED: SEED, FC_NO_SHRINK: stopAtFirst ? '1' : (process.env.FC_NO_SHRINK ?? ''), NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (!existsSync(report)) throw new Error('vitest wrote no report');
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ fullName: string; status: string }> }>;
  };
  const failed: string[] = [];
  for (const file of json.testResults) {
    const short = file.name.slice(dir.length + 1);
    if (file.assertionResults.length === 0 && file.status === 'failed') failed.push(`${short}: did not load (${(file.message ?? '').split('\n')[0]})`);
    for (const t of file.assertionResults) if (t.status === 'failed') failed.push(`${short}: ${t.fullName}`);
  }
  return failed;
}

function check(mistake: Mistake | null): Outcome {
  const dir = copyRepository();
  try {
    if (mistake) apply(dir, mistake);
    return {
      id: mistake?.id ?? 'none',
      description: mistake?.description ?? 'the unmodified model',
      caughtBy: failingProperties(dir, mistake !== null && !everyCatcher),
    };
  } catch (error) {
    return { id: mistake?.id ?? 'none', description: mistake?.description ?? '', caughtBy: [], error: (error as Error).message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const everyCatcher = process.argv.includes('--all');
const only = process.argv.slice(2).filter((a) => a !== '--all');
const baseline = only.length > 0 ? null : check(null);
if (baseline && (baseline.caughtBy.length > 0 || baseline.error)) {
  process.stdout.write(`The unmodified model already fails (FC_SEED=${SEED}):\n${baseline.error ?? baseline.caughtBy.join('\n')}\n`);
  process.exit(1);
}
if (baseline) process.stdout.write(`unmodified model: all properties pass (FC_SEED=${SEED})\n\n`);

let missed = 0;
for (const mistake of MISTAKES.filter((m) => only.length === 0 || only.includes(m.id))) {
  const outcome = check(mistake);
  const caught = outcome.caughtBy.length > 0;
  if (!caught) missed++;
  process.stdout.write(`${caught ? 'CAUGHT' : 'MISSED'}  ${outcome.id}: ${outcome.description}\n`);
  if (outcome.error) process.stdout.write(`        error: ${outcome.error}\n`);
  // One line per test file: its first failing test, and how many more failed there.
  const byFile = new Map<string, string[]>();
  for (const failed of outcome.caughtBy) {
    const [file, ...rest] = failed.split(': ');
    byFile.set(file, [...(byFile.get(file) ?? []), rest.join(': ')]);
  }
  for (const [file, names] of byFile) {
    const first = names[0].length > 150 ? `${names[0].slice(0, 147)}...` : names[0];
    process.stdout.write(`        by ${file}: ${first}${names.length > 1 ? ` (+${names.length - 1} more)` : ''}\n`);
  }
}
process.stdout.write(`\n${missed === 0 ? 'every mistake was caught' : `${missed} mistake(s) missed`}\n`);
process.exit(missed === 0 ? 0 : 1);
