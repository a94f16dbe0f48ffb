import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { traceJsonSchema } from '../cli/fileCommands.ts';
import { loadScenario } from '../io/scenarioFile.ts';
import type { TraceLine } from './observer.ts';
import { runScenario } from './run.ts';
import { traceLineJsonSchema, traceTableMarkdown } from './traceLines.ts';

/**
 * The trace's catalogue (sim/traceLines.ts) holds: every line of every
 * example scenario's trace satisfies its JSON Schema, checked by a standard
 * validator (Ajv), and the README's table and docs/trace.schema.json are
 * what the catalogue says today.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCENARIOS = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const validate = new Ajv2020({ strict: true, allErrors: false }).compile(traceLineJsonSchema());

describe('trace lines', () => {
  it.each(SCENARIOS)('every line of the trace of scenarios/%s satisfies docs/trace.schema.json', (file) => {
    const { scenario } = loadScenario(join(ROOT, 'scenarios', file));
    const bad: string[] = [];
    let lines = 0;
    runScenario(scenario, {
      observer: {
        trace: (line: TraceLine) => {
          lines++;
          // A round trip through JSON, as trace.jsonl holds it.
          const parsed = JSON.parse(JSON.stringify(line)) as Record<string, unknown>;
          if (bad.length < 5 && !validate(parsed)) bad.push(`${JSON.stringify(parsed).slice(0, 300)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
        },
      },
    });
    expect(lines).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  it('a line of an unknown kind, or with a field its kind lacks, does not', () => {
    expect(validate({ t: 0, entity: 'run', event: 'start', seed: 1, scenario: {} })).toBe(true);
    expect(validate({ t: 0, entity: 'run', event: 'restart' })).toBe(false);
    expect(validate({ t: 0, entity: 'run', event: 'start', seed: 1, scenario: {}, extra: 1 })).toBe(false);
    expect(validate({ t: 5, entity: 'record:G-1:0', event: 'POST' })).toBe(false); // post is required
    expect(validate({ t: 5, entity: 'record:G-1:2', event: 'POST', post: 1 })).toBe(false); // seq is 0 or 1
  });

  it('the README table and docs/trace.schema.json are generated from the catalogue', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\n${traceTableMarkdown()}\n`);
    expect(readFileSync(join(ROOT, 'docs', 'trace.schema.json'), 'utf8')).toBe(traceJsonSchema());
  });
});
