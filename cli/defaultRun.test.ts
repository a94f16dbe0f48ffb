import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED } from '../properties/documentedLog.ts';
import type { Summary } from '../sim/run.ts';
import { ocsSim, type CliResult } from '../test-support/cli.ts';
import { expectNoRecordLost } from '../test-support/scenarios.ts';

/**
 * The built-in default scenario through the real command, `ocs-sim run`
 * (what `npm start` runs), in separate processes: the same scenario and seed
 * give byte-identical files, another seed another trace, and the default
 * run's ocs.log tells the story the README promises.
 */

const FILES = ['trace.jsonl', 'ocs.log', 'summary.json', 'scenario.yaml'] as const;
const GROUP = { name: 'Outbound Sales@Sales Agents', dbid: 101 };

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-default-'));
const out = { first: join(dir, 'first'), again: join(dir, 'again'), otherSeed: join(dir, 'seed-2') };
const read = (where: string, file: string) => readFileSync(join(where, file));
let runs: CliResult[];

beforeAll(async () => {
  runs = await Promise.all([ocsSim(['run', '--out', out.first]), ocsSim(['run', '--out', out.again]), ocsSim(['run', '--seed', '2', '--out', out.otherSeed])]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ocs-sim run (the default scenario)', () => {
  it('succeeds and prints a short summary', () => {
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/call report records created \d+, saved \d+, unconfirmed 0/);
    }
  });

  it('writes byte-identical trace.jsonl, ocs.log, summary.json and scenario.yaml for the same scenario and seed', () => {
    for (const file of FILES) {
      const a = read(out.first, file);
      expect(a.length, `${file} is empty`).toBeGreaterThan(0);
      expect(a.equals(read(out.again, file)), `${file} differs between two runs with the same seed`).toBe(true);
    }
  });

  it('writes a different trace for another seed, and says which seed it ran', () => {
    expect(read(out.first, 'trace.jsonl').equals(read(out.otherSeed, 'trace.jsonl'))).toBe(false);
    expect(read(out.first, 'ocs.log').equals(read(out.otherSeed, 'ocs.log'))).toBe(false);
    const first = JSON.parse(read(out.first, 'summary.json').toString()) as Summary;
    const other = JSON.parse(read(out.otherSeed, 'summary.json').toString()) as Summary;
    expect(first.seed).toBe(1);
    expect(other.seed).toBe(2);
    expect(JSON.parse(read(out.otherSeed, 'trace.jsonl').toString().split('\n', 1)[0])).toMatchObject({ entity: 'run', event: 'start', seed: 2 });
  });

  describe('its ocs.log', () => {
    let lines: string[];
    let summary: Summary;
    beforeAll(() => {
      // Each line: an ISO-8601 virtual timestamp, a space, the text.
      lines = read(out.first, 'ocs.log').toString().trimEnd().split('\n');
      summary = JSON.parse(read(out.first, 'summary.json').toString()) as Summary;
    });
    const text = (line: string) => line.slice(line.indexOf(' ') + 1);

    it('stamps every line with its virtual time, in order, from the scenario start time', () => {
      const stamps = lines.map((l) => l.slice(0, l.indexOf(' ')));
      for (const s of stamps) expect(s).toMatch(/^2026-01-05T\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect([...stamps].sort()).toEqual(stamps);
    });

    it('shows saved records', () => {
      const saved = lines.filter((l) => /^\[HTTP 200\] Call Attempt Record has been saved for phone \d+$/.test(text(l)));
      expect(saved.length).toBe(summary.records.saved);
    });

    it('shows records queued for reprocessing during the outage (minute 20 to 26: 503)', () => {
      const queued = lines.filter((l) => text(l).startsWith(`[HTTP 503] ${DOCUMENTED.notSaved('')}`));
      expect(queued.length).toBe(summary.responses['503']);
      expect(queued.length).toBeGreaterThan(100);
      // (A response leaves the external system inside the window and reaches OCS a few ms later.)
      for (const l of queued) expect(l.slice(11, 19) >= '08:20:00' && l.slice(11, 19) < '08:26:01', l).toBe(true);
    });

    it('shows the wait condition activated and then cleared, with the group name and DBID', () => {
      const activated = DOCUMENTED.waitActivated(GROUP.name, GROUP.dbid);
      const cleared = DOCUMENTED.waitCleared(GROUP.name, GROUP.dbid);
      const wait = lines.filter((l) => text(l).startsWith('Wait condition')).map(text);
      expect(wait).toEqual([activated, cleared]);
      expect(summary.waitConditions.activations).toBe(1);
      expect(summary.waitConditions.secondsActive).toBeGreaterThan(0);
    });

    it('ends with every record saved', () => {
      expectNoRecordLost(summary);
      expect(summary.records.unconfirmed).toBe(0);
      expect(summary.records.saved).toBe(summary.records.created);
      expect(summary.records.created).toBe(2 * summary.dials);
    });
  });
});
