import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Data flows one way, and so do imports: each folder imports only from its
 * own layer and those below it. machines <- sim <- io <- {sweep, properties,
 * reports, http, queue} <- {cli, bench}. A program file that imports up the
 * layers (the model reaching for a file reader, a sweep for a CLI flag
 * parser) fails here. Tests and test-support may import any layer: they
 * test across them; the program never imports test-support (the bench and
 * the build scripts, tooling on top, may).
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAYER: Record<string, number> = { machines: 0, sim: 1, io: 2, sweep: 3, properties: 3, reports: 3, http: 3, queue: 3, cli: 4, bench: 4, scripts: 4 };
/** Tooling that measures or builds with the tests' own services (a private Redis, worker processes). */
const MAY_USE_TEST_SUPPORT = new Set(['bench', 'scripts']);

const program = Object.keys(LAYER)
  .flatMap((folder) => readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' }).map((file) => `${folder}/${file.split(sep).join('/')}`))
  .filter((file) => /\.(ts|mjs)$/.test(file) && !file.endsWith('.test.ts'))
  .sort();

/** The folders a file imports from (relative imports, static and dynamic). */
function importedFolders(file: string): Array<{ folder: string; line: number; text: string }> {
  const found: Array<{ folder: string; line: number; text: string }> = [];
  readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = normalize(join(dirname(file), m[1]))
          .split(sep)
          .join('/');
        found.push({ folder: relative('.', target).split('/')[0], line: i + 1, text: text.trim() });
      }
    });
  return found;
}

describe('layers', () => {
  it('cover the program', () => {
    expect(program).toContain('sim/kernel/kernel.ts');
    expect(program).toContain('io/scenarioFile.ts');
    expect(program).toContain('cli/program.ts');
    expect(program.length).toBeGreaterThan(150);
  });

  it.each(program)('%s imports nothing from a layer above its own', (file) => {
    const own = LAYER[file.split('/')[0]];
    const upward = importedFolders(file)
      .filter(({ folder }) => (folder === 'test-support' ? !MAY_USE_TEST_SUPPORT.has(file.split('/')[0]) : (LAYER[folder] ?? Infinity) > own))
      .map(
        ({ folder, line, text }) =>
          `${file}:${line}: imports ${folder}/ (${folder === 'test-support' ? 'test support' : `layer ${LAYER[folder] ?? '?'}`} above ${own}): ${text}`,
      );
    expect(upward).toEqual([]);
  });
});
