import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { modelVersion } from './modelVersion.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const copy = mkdtempSync(join(tmpdir(), 'ocs-sim-model-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('model version', () => {
  it('changes with the model code in machines/ and sim/, not with its tests', () => {
    for (const folder of ['machines', 'sim']) cpSync(join(ROOT, folder), join(copy, folder), { recursive: true });
    const before = modelVersion(copy);
    expect(before).toBe(modelVersion());
    const test = readdirSync(join(copy, 'sim')).find((f) => f.endsWith('.test.ts'))!;
    appendFileSync(join(copy, 'sim', test), '\n// a test changed\n');
    expect(modelVersion(copy)).toBe(before);
    appendFileSync(join(copy, 'sim', 'ocs.ts'), '\n// the model changed\n');
    const changed = modelVersion(copy);
    expect(changed).not.toBe(before);
    // Model code in a sub-folder of sim/ counts too (the layout will grow folders).
    mkdirSync(join(copy, 'sim', 'world'), { recursive: true });
    writeFileSync(join(copy, 'sim', 'world', 'wire.ts'), 'export const wire = 1;\n');
    expect(modelVersion(copy)).not.toBe(changed);
  });
});
