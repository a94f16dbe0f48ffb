import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceLine } from '../sim/observer.ts';
import { runScenario } from '../sim/run.ts';
import { resolve } from '../sim/scenario/resolve.ts';
import { traceFacts } from './traceFacts.ts';
import { scenarioFrom } from '../test-support/scenarios.ts';
import { LABEL_GAP, thresholdLabels } from './charts.ts';
import { duration } from './format.ts';
import { unionMs } from './reportData.ts';
import { buildRunReport } from './runReport.ts';

/** The report of a campaign with several groups: each group's figures, colours and labels, and campaign figures that add up. */

describe('threshold labels of the marked chart', () => {
  it('never overlap, and groups with the same threshold share one label naming them all', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 5 }), (thresholds) => {
        const groups = thresholds.map((threshold, i) => ({ name: `G${i}`, threshold }));
        const yMax = Math.ceil(Math.max(...thresholds) * 1.08);
        const labels = thresholdLabels(groups, yMax, 170, 14);
        expect(labels).toHaveLength(new Set(thresholds).size);
        const ys = labels.map((l) => l.y).sort((a, b) => a - b);
        for (let k = 1; k < ys.length; k++) expect(ys[k] - ys[k - 1]).toBeGreaterThanOrEqual(LABEL_GAP - 1e-9);
        // Every group is named on exactly one label.
        expect(labels.flatMap((l) => l.groups).sort()).toEqual(groups.map((_, i) => i));
      }),
    );
  });

  it('say which groups a shared threshold belongs to', () => {
    const labels = thresholdLabels(
      [
        { name: 'Sales', threshold: 80 },
        { name: 'Team A', threshold: 80 },
        { name: 'Team B', threshold: 79 },
      ],
      100,
    );
    expect(labels.map((l) => l.text)).toEqual(['history-wait-condition-threshold 79 (Team B)', 'history-wait-condition-threshold 80 (Sales, Team A)']);
  });
});

describe('unionMs', () => {
  it('counts overlapping periods once', () => {
    expect(
      unionMs([
        { fromMs: 0, untilMs: 10 },
        { fromMs: 5, untilMs: 20 },
        { fromMs: 30, untilMs: 40 },
        { fromMs: 32, untilMs: 35 },
      ]),
    ).toBe(30);
    expect(unionMs([])).toBe(0);
  });
});

describe('the report of a three-group campaign', () => {
  const scenario = scenarioFrom({
    duration: '15m',
    drainLimit: '20m',
    ocs: { 'history-wait-condition-threshold': 5 },
    campaignGroups: [
      { name: 'Sales@Agents', dbid: 1, agents: 20 },
      { name: 'Collections@Team A', dbid: 2, agents: 10, dialMode: 'progressive', callingList: 'Overdue', callingListSize: 2000 },
      {
        name: 'Collections@Team B',
        dbid: 3,
        agents: 10,
        dialMode: 'progressive',
        callingList: 'Overdue',
        callingListSize: 2000,
        options: { 'history-wait-condition-threshold': 5 },
      },
    ],
    externalSystem: { outages: [{ from: '4m', until: '8m', status: 503 }] },
  });
  const trace: TraceLine[] = [];
  const log: string[] = [];
  const result = runScenario(scenario, { sampleEveryMs: 1000, observer: { trace: (l) => trace.push(l), log: (_, text) => log.push(text) } });

  it("says the campaign was suspended for the union of the groups' periods, and gives each group its own figures", async () => {
    const { html } = await buildRunReport({
      scenario,
      scenarioYaml: '',
      summary: result.summary,
      model: result.model,
      trace,
      log,
      series: result.series,
      sampleEveryMs: 1000,
      invariants: null,
      provenance: [],
    });
    const sum = result.summary.waitConditions.secondsActiveSummedOverGroups;
    expect(result.summary.waitConditions.secondsActive).toBeLessThan(sum);
    const note = /dialing suspended in some group for [^<]* \(3 groups(?:'|&#39;|&#x27;) periods add up to /.exec(html);
    expect(note, JSON.stringify(result.summary.groups)).not.toBeNull();
    expect(html).toContain('<th class="num">wait periods</th>');
    expect(html).toContain('<th class="num">peak marked</th>');
    expect(html).toContain('history-wait-condition-threshold 5 (Sales@Agents, Collections@Team A, Collections@Team B)');
    // The campaign's peak is not held against one group's threshold: each group's own peak against its own.
    const peaks = result.summary.groups.map((g) => `${g.peakMarkedForResubmission}/5`).join(', ');
    expect(html).toContain(`3 of 3 groups over their own threshold (peak/threshold: ${peaks})`);
  });
});

describe('the report of a short run', () => {
  const scenario = scenarioFrom({
    duration: '35s',
    drainLimit: '1m',
    campaignGroups: [{ name: 'Short@Agents', dbid: 1, agents: 10 }],
    externalSystem: { outages: [{ from: '10s', until: '20s', status: 503 }] },
  });
  const trace: TraceLine[] = [];
  const log: string[] = [];
  const result = runScenario(scenario, { sampleEveryMs: 1000, observer: { trace: (l) => trace.push(l), log: (_, text) => log.push(text) } });

  it('has a time axis in seconds, a dial chart titled by its bin, and the one p99 summary.json gives, labelled bucketed', async () => {
    const { html, markdown } = await buildRunReport({
      scenario,
      scenarioYaml: '',
      summary: result.summary,
      model: result.model,
      trace,
      log,
      series: result.series,
      sampleEveryMs: 1000,
      invariants: null,
      provenance: [],
    });
    expect(html).toContain('seconds into the run');
    expect(html).not.toContain('minutes into the run');
    expect(html).toContain('in seconds from the start of the run');
    const bin = /counts are per ([^.]+)\./.exec(html)![1];
    expect(html).toContain(`dials per ${bin} (bars)`);
    expect(html).not.toContain('dials per minute');
    // The dial chart's y axis counts dials per bin: at most what the run dialed.
    expect(html).toContain(`>dials per ${bin}<`);
    const p99 = result.summary.delivery.seq1.p99Seconds;
    expect(markdown).toContain('99th percentile (bucketed)');
    const row = markdown.split('\n').find((l) => l.startsWith('| seq 1 |'))!;
    expect(row.split(' | ')[3]).toBe(duration(p99 * 1000));
  });
});

describe('what the report reads off a trace of two calling lists with the same phones', () => {
  it('gives a race condition to the latest attempt of the contact in its own list, not of the same phone in another', () => {
    const scenario = scenarioFrom({
      campaignGroups: [
        { name: 'A@X', dbid: 1, callingList: 'One', firstPhone: 100 },
        { name: 'B@X', dbid: 2, callingList: 'Two', firstPhone: 100 },
      ],
    });
    const model = resolve(scenario, 1);
    const trace: TraceLine[] = [
      { t: 0, entity: 'contact:100', event: 'dial', guid: 'g-one', group: 'A@X', attempt: 1 },
      { t: 1, entity: 'contact:100', event: 'dial', guid: 'g-two', group: 'B@X', attempt: 1 },
      { t: 2, entity: 'contact:100', event: 'raceCondition', group: 'A@X' },
    ];
    const facts = traceFacts(trace, model);
    expect(facts.attempts.get('g-one')!.map((l) => l.event)).toEqual(['dial', 'raceCondition']);
    expect(facts.attempts.get('g-two')!.map((l) => l.event)).toEqual(['dial']);
  });
});
