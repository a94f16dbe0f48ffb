import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { V8_FLAGS } from '../bin/v8Flags.js';

describe('the V8 settings of the command', () => {
  it('npm run bench starts node with every flag the command sets, so the bench measures what users run', () => {
    const bench: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.bench;
    expect(V8_FLAGS.length).toBeGreaterThan(0);
    for (const flag of V8_FLAGS) expect(bench.split(' ')).toContain(flag);
  });
});
