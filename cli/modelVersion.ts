import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A fingerprint of the model's code (machines/ and sim/, tests left out):
 * results a sweep stored under another version of the model are not reused
 * by --resume, whatever the version number says.
 */
export function modelVersion(root = ROOT): string {
  const hash = createHash('sha256');
  for (const file of modelSources(root)) hash.update(`${file}\n`).update(readFileSync(join(root, file))).update('\n');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The model's source files, `machines/...` and `sim/...` with their
 * sub-folders, tests left out, in a fixed order: what the fingerprint and
 * the purity test read (a file moved into a sub-folder stays in both).
 */
export function modelSources(root = ROOT): string[] {
  return ['machines', 'sim']
    .flatMap((folder) => readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' }).map((file) => `${folder}/${file.split(sep).join('/')}`))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .sort();
}
