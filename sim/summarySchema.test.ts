import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { summaryJsonSchema } from '../cli/fileCommands.ts';
import { scenarioInput } from '../properties/arbitraries.ts';
import { runInput } from '../properties/generatedRun.ts';
import { expectDocumentedSummary } from '../test-support/scenarios.ts';
import type { Summary } from './run.ts';
import { SummaryFile } from './summarySchema.ts';

describe('summary.json is documented by docs/summary.schema.json', () => {
  it('the committed schema is the one ocs-sim schema --summary writes (regenerate it when summary.json changes)', () => {
    expect(readFileSync(new URL('../docs/summary.schema.json', import.meta.url), 'utf8')).toBe(summaryJsonSchema());
  });

  it('every summary of generated runs fits the schema: every field documented, none left out', () => {
    for (const input of fc.sample(scenarioInput(), { numRuns: 30, seed: 5 })) expectDocumentedSummary(runInput(input).result.summary);
  });

  it('the schema refuses a summary with a field it does not document, or without one it does', () => {
    const summary = runInput(fc.sample(scenarioInput(), { numRuns: 1, seed: 2 })[0]).result.summary;
    expect(SummaryFile.safeParse({ ...summary, extra: 1 }).success).toBe(false);
    const { censored: _, ...withoutCensored } = summary;
    expect(SummaryFile.safeParse(withoutCensored).success).toBe(false);
    expect(SummaryFile.safeParse({ ...summary, schemaVersion: 1 }).success).toBe(false);
  });

  it('types agree both ways', () => {
    const fromSchema = (s: Summary): z.infer<typeof SummaryFile> => s;
    const toSchema = (s: z.infer<typeof SummaryFile>): Summary => s;
    expect([fromSchema, toSchema]).toHaveLength(2);
  });
});
