import { expect } from 'vitest';
import type { EngineName } from '../sim/kernel/engine.ts';
import type { TraceLine } from '../sim/observer.ts';
import { runScenario, type RunResult, type Summary } from '../sim/run.ts';
import type { Scenario, ScenarioInput } from '../sim/scenario/scenario.ts';
import { SummaryFile } from '../sim/summarySchema.ts';
import { validateScenario } from '../sim/scenario/validate.ts';

/**
 * Small scenarios for the named tests, built through the same validation a
 * scenario file goes through, and a run helper that captures the OCS log and
 * the trace and checks, after every run, that no record was lost. The
 * documented log texts are in properties/documentedLog.ts (DOCUMENTED), the
 * one restatement of the documentation that checkers, reports and tests share.
 */

type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
type GroupInput = NonNullable<ScenarioInput['campaignGroups']>[number];

export const TEST_GROUP = { name: 'Test Sales@Test Agents', dbid: 201, firstPhone: 5550000000 } as const;

/**
 * A tiny, fast world: one progressive campaign group of two agents, every
 * call answered after 5 s and talked for 20 s, fixed latencies, no faults,
 * short OCS timeouts. Tests add the one fault they are about.
 */
const BASE: ScenarioInput = {
  name: 'tiny test scenario',
  seed: 7,
  duration: '2m',
  drainLimit: '30m',
  ocs: {
    'history-http-response-timeout': '2s',
    'history-wait-recovery-timeout': '5s',
    'history-wait-condition-threshold': 100,
    'http-connection-pool-size': 4,
  },
  network: { latency: { fixed: '10ms' } },
  externalSystem: { serviceTime: { fixed: '5ms' }, concurrency: 8 },
};

const BASE_GROUP: GroupInput = {
  name: TEST_GROUP.name,
  dbid: TEST_GROUP.dbid,
  firstPhone: TEST_GROUP.firstPhone,
  callingListSize: 50,
  agents: 2,
  dialMode: 'progressive',
  calls: {
    outcomes: { Answer: 1, Busy: 0, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0 },
    answerTime: { fixed: '5s' },
    talkTime: { fixed: '20s' },
    afterCallWork: { fixed: '2s' },
    agentResults: { 'Do Not Call': 0, 'Wrong Party': 0 },
  },
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A duration distribution names its shape by its one key: it is replaced whole, never merged. */
const isDistribution = (v: Record<string, unknown>) => ['fixed', 'uniform', 'exponential', 'lognormal'].some((k) => k in v);

/** `over` merged into `base`: objects key by key, anything else (arrays and distributions included) replaced. */
export function merge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over) || isDistribution(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(out[key], value);
  return out as T;
}

/**
 * The tiny scenario with `overrides` merged in (`group` into its one campaign
 * group), validated like a scenario file; a typo in a test fails here.
 */
export function tinyScenario(overrides: DeepPartial<ScenarioInput> = {}, group: DeepPartial<GroupInput> = {}): Scenario {
  return scenarioFrom(merge({ ...BASE, campaignGroups: [merge(BASE_GROUP, group)] }, overrides));
}

/** Validates scenario input and returns the effective scenario, or fails with the validator's messages. */
export function scenarioFrom(input: unknown): Scenario {
  const validation = validateScenario(input);
  if (!validation.ok) throw new Error(`test scenario is invalid:\n${validation.errors.join('\n')}`);
  return validation.scenario;
}

export interface LogLine {
  /** Virtual time, ms. */
  t: number;
  text: string;
}

export interface ObservedRun {
  result: RunResult;
  summary: Summary;
  log: LogLine[];
  /** The log texts alone, in order. */
  logText: string[];
  trace: TraceLine[];
}

/**
 * Runs a scenario with the log and trace captured, then checks the promise
 * the model makes in every run: records are never lost
 * (created == saved + unconfirmed).
 */
export function runObserved(scenario: Scenario, options: { seed?: number; engine?: EngineName } = {}): ObservedRun {
  const log: LogLine[] = [];
  const trace: TraceLine[] = [];
  const result = runScenario(scenario, {
    ...options,
    observer: { log: (t, text) => log.push({ t, text }), trace: (line) => trace.push(line) },
  });
  expectNoRecordLost(result.summary);
  expectDocumentedSummary(result.summary);
  return { result, summary: result.summary, log, logText: log.map((l) => l.text), trace };
}

/** records.created == records.saved + records.unconfirmed + records.lostInRestarts (none but under records-after-restart: lost). */
export function expectNoRecordLost(summary: Summary): void {
  const { created, saved, unconfirmed, lostInRestarts } = summary.records;
  expect(created, `records lost: created ${created}, saved ${saved}, unconfirmed ${unconfirmed}, lost in restarts ${lostInRestarts}`).toBe(
    saved + unconfirmed + lostInRestarts,
  );
  if (summary.restarts.recordsAfterRestart === 'resent') expect(lostInRestarts, 'records lost in a restart under records-after-restart: resent').toBe(0);
}

/** The summary is what docs/summary.schema.json documents: every field, nothing else. */
export function expectDocumentedSummary(summary: Summary): void {
  const checked = SummaryFile.safeParse(summary);
  expect(checked.success, checked.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toBe(true);
}

/** Trace lines of machine transitions (they carry the state after the event). */
export function transitions(trace: readonly TraceLine[], entityPrefix: string): TraceLine[] {
  return trace.filter((l) => l.entity.startsWith(entityPrefix) && l.state !== undefined && l.event !== 'created');
}
