import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { sweepJsonSchema } from '../cli/fileCommands.ts';
import { main } from '../cli/program.ts';

/** Sweep files have a JSON Schema for editors: `ocs-sim schema --sweep`, checked in as docs/sweep.schema.json. */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-sweep-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the JSON Schema of sweep files', () => {
  it('is checked in as docs/sweep.schema.json, as ocs-sim schema --sweep writes it (regenerate it when sweep files change)', () => {
    expect(readFileSync(new URL('../docs/sweep.schema.json', import.meta.url), 'utf8')).toBe(sweepJsonSchema());
  });

  it('documents every field the example sweeps use, vary.campaignGroups and conditions included', () => {
    const schema = JSON.parse(sweepJsonSchema()) as { properties: Record<string, { properties?: Record<string, unknown> }>; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.vary.properties!)).toEqual(expect.arrayContaining(['history-wait-condition-threshold', 'campaignGroups']));
    expect(Object.keys(schema.properties.conditions.properties!)).toEqual(['agents', 'outageLength', 'serviceTime', 'concurrency']);
    const sweeps = new URL('../sweeps/', import.meta.url);
    for (const file of readdirSync(sweeps)) {
      const sweep = parse(readFileSync(new URL(file, sweeps), 'utf8')) as Record<string, unknown>;
      for (const key of Object.keys(sweep)) expect(Object.keys(schema.properties), `${file}: ${key}`).toContain(key);
    }
  });

  it('is written with --out like the others, and --sweep with --summary is exit 2', async () => {
    const out = join(dir, 'sweep.schema.json');
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['schema', '--sweep', '--out', out])).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(sweepJsonSchema());
      expect(await main(['schema', '--sweep', '--summary'])).toBe(2);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain('--summary and --sweep: got 2; expected one of --summary, --sweep, --reference');
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  });
});
