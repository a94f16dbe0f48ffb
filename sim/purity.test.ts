import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelSources } from '../sweep/modelVersion.ts';

/**
 * The model is deterministic because machines/ and sim/ read no wall clock,
 * draw no unseeded random numbers and do no I/O: time is the kernel's virtual
 * clock, randomness comes from seeded streams, files are the CLI's business.
 * A source line that breaks this fails here, before it can make a run
 * unrepeatable.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/\bMath\.random\s*\(/, 'Math.random (use a named stream from RandomStreams)'],
  [/\bDate\.now\s*\(/, "Date.now (use the kernel's virtual clock)"],
  [/\bnew Date\s*\(/, "new Date() (use the kernel's virtual clock)"],
  [/\bperformance\.now\s*\(|\bprocess\.hrtime\b/, 'a wall-clock timer'],
  [/from ['"](node:)?(fs|fs\/promises|child_process|net|http|https)['"]/, 'I/O (the CLI writes files, the model returns data)'],
];

// The same list the model's fingerprint reads: sub-folders included.
const sources = modelSources(ROOT);

describe('machines/ and sim/', () => {
  it('have source files to check', () => {
    expect(sources).toContain('sim/kernel/kernel.ts');
    expect(sources).toContain('machines/callReportRecord.ts');
  });

  it.each(sources)('%s reads no wall clock, draws no unseeded random numbers and does no I/O', (file) => {
    const found: string[] = [];
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/^\s*(\/\/|\*)/.test(line)) return;
        for (const [pattern, what] of FORBIDDEN) if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
      });
    expect(found).toEqual([]);
  });
});
