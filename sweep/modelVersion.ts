import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { PACKAGE_ROOT } from '../io/packageRoot.ts';

/** What `npm run build` records next to the compiled code (dist/build.json). */
export interface BuildStamp {
  /** The model's fingerprint, for an installed package that has no sources to read. */
  modelVersion: string;
  /** The fingerprint of every source the build compiled: dist/ is stale when it differs. */
  sources: string;
}

export const BUILD_STAMP = join(PACKAGE_ROOT, 'dist', 'build.json');

/**
 * A fingerprint of the model's code (machines/ and sim/, tests left out):
 * results a sweep stored under another version of the model are not reused
 * by --resume, whatever the version number says. An installed package holds
 * the compiled code only, so it reads the fingerprint its build recorded from
 * the same sources: a source checkout and the package built from it agree.
 */
export function modelVersion(root = PACKAGE_ROOT): string {
  if (!existsSync(join(root, 'sim')) && existsSync(BUILD_STAMP)) return (JSON.parse(readFileSync(BUILD_STAMP, 'utf8')) as BuildStamp).modelVersion;
  return fingerprint(root, modelSources(root));
}

/** A fingerprint of every program source the build compiles (tests and benches left out). */
export function programVersion(root = PACKAGE_ROOT): string {
  return fingerprint(root, sourcesIn(root, PROGRAM_FOLDERS));
}

/** The folders tsconfig.build.json compiles into dist/. */
export const PROGRAM_FOLDERS = ['machines', 'sim', 'io', 'properties', 'reports', 'cli', 'sweep', 'http', 'queue'];

function fingerprint(root: string, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\n`)
      .update(readFileSync(join(root, file)))
      .update('\n');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The model's source files, `machines/...` and `sim/...` with their
 * sub-folders, tests left out, in a fixed order: what the fingerprint and
 * the purity test read (a file moved into a sub-folder stays in both).
 */
export function modelSources(root = PACKAGE_ROOT): string[] {
  return sourcesIn(root, ['machines', 'sim']);
}

function sourcesIn(root: string, folders: readonly string[]): string[] {
  return folders
    .flatMap((folder) => readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).map((file) => `${folder}/${file.split(sep).join('/')}`))
    .filter((file) => (file.endsWith('.ts') || file.endsWith('.mjs')) && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .sort();
}
