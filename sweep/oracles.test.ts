import { beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type RunResult } from '../sim/run.ts';
import type { ScenarioInput } from '../sim/scenario/scenario.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { erlangC } from './erlangC.ts';
import { pairedDifferences, summarize, type Stat } from './stats.ts';

/**
 * The simulator against queueing theory, judged the way a sweep judges: the
 * mean over replications with its 95% Student-t confidence interval.
 */

function scenario(input: ScenarioInput) {
  const v = validateScenario(input);
  if (!v.ok) throw new Error(v.errors.join('\n'));
  return v.scenario;
}

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const show = (s: Stat) => `${s.mean.toFixed(4)} (95% CI ${s.ciLow.toFixed(4)} .. ${s.ciHigh.toFixed(4)}, ${s.n} replications)`;

/** Time average of a sampled level: the samples are a left Riemann sum of the piecewise-constant level. */
function sampledMean(run: RunResult, level: (sample: RunResult['series'][number]) => number, everyMs: number): number {
  const endMs = run.summary.virtualSeconds * 1000;
  let area = 0;
  for (const s of run.series) area += level(s) * Math.min(everyMs, endMs - s.t);
  return area / endMs;
}

describe("Little's law (L = lambda W) on the model's queues", () => {
  // Plenty of re-submissions: 5% of POSTs answered 409, 1% of responses lost
  // (OCS times out), and a three-minute outage; the run drains completely.
  const littleScenario = scenario({
    duration: '20m',
    drainLimit: '2h',
    ocs: { 'history-wait-recovery-timeout': '10s', 'history-http-response-timeout': '5s', 'history-wait-condition-threshold': 60 },
    campaignGroups: [{ name: 'Little@Agents', dbid: 7, agents: 30, dialMode: 'predictive' }],
    network: { responseLoss: 0.01 },
    externalSystem: { errors: { '409': 0.05 }, outages: [{ from: '8m', until: '11m', status: 503 }] },
  });
  // Sampled off the whole-second grid: the run starts a cohort of dials at t = 0 and fixed
  // 30 s no-answer times end them together, so a 1 s grid would sit on those instants.
  const everyMs = 137;
  let runs: RunResult[] = [];
  beforeAll(() => {
    runs = seeds(12).map((seed) => runScenario(littleScenario, { seed, sampleEveryMs: everyMs }));
  });

  const check = (name: string, L: number[], lambda: number[], W: number[], sampledL: number[], exercisedAbove: number) => {
    const lambdaW = lambda.map((x, i) => x * W[i]);
    const l = summarize(L);
    const lw = summarize(lambdaW);
    const sampled = summarize(sampledL);
    const gap = summarize(pairedDifferences(sampledL, lambdaW));
    console.log(
      `${name}: time-average count L = ${show(l)}; lambda x W = ${show(lw)}; L sampled every ${everyMs} ms = ${show(sampled)}; ` +
        `sampled L - lambda W, paired = ${show(gap)}`,
    );
    // The run starts and ends empty, so L = lambda W holds on every sample path, up to the summary's rounding (3 decimals).
    for (let i = 0; i < L.length; i++) expect(Math.abs(L[i] - lambdaW[i])).toBeLessThanOrEqual(0.0005 * (1 + W[i] + lambda[i]) + 1e-9);
    expect(lw.mean).toBeGreaterThanOrEqual(l.ciLow);
    expect(lw.mean).toBeLessThanOrEqual(l.ciHigh);
    // Independent estimate: the level read off the samples, not the model's own integral.
    expect(gap.ciLow).toBeLessThanOrEqual(0);
    expect(gap.ciHigh).toBeGreaterThanOrEqual(0);
    expect(l.mean).toBeGreaterThan(exercisedAbove); // the queue was really exercised
  };

  it('holds for records marked for re-submission', () => {
    expect(runs.every((r) => r.summary.records.unconfirmed === 0)).toBe(true);
    check(
      'marked for re-submission',
      runs.map((r) => r.summary.queues.meanMarkedForResubmission),
      runs.map((r) => r.summary.queues.markedEntriesPerSecond),
      // Every run drained, so no sojourn is censored (null).
      runs.map((r) => r.summary.queues.meanMarkedSojournSeconds ?? NaN),
      runs.map((r) => sampledMean(r, (s) => s.marked.reduce((a, b) => a + b, 0), everyMs)),
      1,
    );
  });

  it('holds for POSTs in flight', () => {
    check(
      'POSTs in flight',
      runs.map((r) => r.summary.queues.meanInFlight),
      runs.map((r) => r.summary.queues.postsPerSecond),
      runs.map((r) => r.summary.queues.meanInFlightSeconds ?? NaN),
      runs.map((r) => sampledMean(r, (s) => s.inFlight, everyMs)),
      0.1,
    );
  });
});

describe('Erlang C on the HTTP connection pool', () => {
  // Poisson records (100 per 30 min), the external system holding each
  // connection for an exponential 3 min (no latency, never queueing, OCS never
  // timing out), 14 connections: an M/M/14 queue for a connection. The one
  // preview agent with a one-record calling list adds a handful of records.
  const arrivalsPerSecond = 100 / 1800;
  const theory = erlangC(arrivalsPerSecond, 180, 14);
  const poolScenario = scenario({
    duration: '200h',
    drainLimit: '10h',
    ocs: { 'http-connection-pool-size': 14, 'history-http-response-timeout': '1000h' },
    campaignGroups: [{ name: 'Erlang@Agents', dbid: 8, agents: 1, dialMode: 'preview', callingListSize: 1 }],
    network: { latency: { fixed: '0ms' } },
    externalSystem: { serviceTime: { exponential: '3m' }, concurrency: 100 },
    syntheticRecords: { perSecond: arrivalsPerSecond },
  });
  let runs: RunResult['summary']['queues'][] = [];
  beforeAll(() => {
    runs = seeds(12).map((seed) => runScenario(poolScenario, { seed }).summary.queues);
  });

  it('matches P(wait) within the confidence interval', () => {
    const p = summarize(runs.map((q) => q.poolWaitProbability));
    console.log(`pool P(wait): simulated ${show(p)}; Erlang C ${theory.waitProbability.toFixed(7)}`);
    expect(theory.waitProbability).toBeGreaterThanOrEqual(p.ciLow);
    expect(theory.waitProbability).toBeLessThanOrEqual(p.ciHigh);
  });

  it('matches the mean wait for a connection within the confidence interval', () => {
    const w = summarize(runs.map((q) => q.meanPoolWaitSeconds));
    console.log(`pool mean wait: simulated ${show(w)} s; Erlang C ${theory.meanWaitSeconds.toFixed(3)} s`);
    expect(theory.meanWaitSeconds).toBeGreaterThanOrEqual(w.ciLow);
    expect(theory.meanWaitSeconds).toBeLessThanOrEqual(w.ciHigh);
  });
});
