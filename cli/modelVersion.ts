import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A fingerprint of the model's code (machines/ and sim/, tests left out):
 * results a sweep stored under another version of the model are not reused
 * by --resume, whatever the version number says.
 */
export function modelVersion(root = ROOT): string {
  const hash = createHash('sha256');
  for (const folder of ['machines', 'sim']) {
    const files = readdirSync(join(root, folder))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .sort();
    for (const file of files) hash.update(`${folder}/${file}\n`).update(readFileSync(join(root, folder, file))).update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}
