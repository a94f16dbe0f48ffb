import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { loadScenario } from '../io/scenarioFile.ts';
import { callReportRecordMachine } from '../machines/callReportRecord.ts';
import { campaignGroupMachine } from '../machines/campaignGroup.ts';
import { groupRecoveryTimerMachine } from '../machines/groupRecoveryTimer.ts';
import type { TraceLine } from '../sim/observer.ts';
import { runScenario } from '../sim/run.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { esc } from './format.ts';
import { machineGraph } from './machineGraph.ts';
import { machineDiagramSvg, machineMermaid } from './machineDiagram.ts';
import { buildRunReport } from './runReport.ts';
import { compressRetries, type StoryRow } from './samples.ts';
import { traceFacts } from './traceFacts.ts';

/**
 * The pieces of a run report, each against an independent witness: the
 * machine diagrams against the raw machine configs, what the report reads
 * off a trace against the run's own summary, the retry compression against
 * hand-made rows, and a report of an unusual world (two campaign groups, a
 * network outage) rendered without a single charting complaint.
 */

interface RawState {
  type?: string;
  on?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** Transitions counted from the machine's config object, not from the machine the report walks. */
function configTransitions(machine: AnyStateMachine): { source: string; event: string }[] {
  const states = (machine.config as { states: Record<string, RawState> }).states;
  return Object.entries(states).flatMap(([source, state]) => [
    ...Object.entries(state.on ?? {}).flatMap(([event, t]) => (Array.isArray(t) ? t : [t]).map(() => ({ source, event }))),
    ...Object.entries(state.after ?? {}).flatMap(([delay, t]) => (Array.isArray(t) ? t : [t]).map(() => ({ source, event: `after ${delay}` }))),
  ]);
}

describe('machine diagrams', () => {
  for (const machine of [callReportRecordMachine, campaignGroupMachine, groupRecoveryTimerMachine] as AnyStateMachine[]) {
    it(`${machine.id}: every state and every transition of the definition is drawn and listed`, () => {
      const graph = machineGraph(machine);
      const states = Object.keys((machine.config as { states: object }).states);
      expect(graph.states.map((s) => s.key)).toEqual(states);
      const drawn = graph.edges.flatMap((e) => e.transitions.map((t) => ({ source: e.source, event: t.label })));
      expect(drawn.sort((a, b) => `${a.source}${a.event}`.localeCompare(`${b.source}${b.event}`))).toEqual(
        configTransitions(machine).sort((a, b) => `${a.source}${a.event}`.localeCompare(`${b.source}${b.event}`)),
      );
      const svg = machineDiagramSvg(graph, { idPrefix: 'm' });
      for (const s of states) expect(svg).toContain(`>${s}</text>`);
      for (const t of drawn) expect(svg).toContain(esc(t.event));
      const mermaid = machineMermaid(graph);
      for (const e of graph.edges) expect(mermaid).toContain(`${e.source} --> ${e.target}`);
    });
  }
});

describe('what the report reads off a trace', () => {
  const { scenario } = loadScenario(undefined);
  const trace: TraceLine[] = [];
  const { summary, model } = runScenario(scenario, { observer: { trace: (line) => trace.push(line) } });
  const facts = traceFacts(trace, model);

  it('agrees with the run summary: saves, re-submissions, delivery times, wait conditions', () => {
    const records = facts.transitions.get('callReportRecord')!;
    const taken = (pattern: RegExp) => [...records].filter(([key]) => pattern.test(key)).reduce((n, [, k]) => n + k, 0);
    expect(taken(/\|HTTP_200\|saved$/)).toBe(summary.records.saved);
    expect(taken(/^queued\|/)).toBe(summary.records.resubmissions);
    expect(facts.delivery.seq0.length).toBe(summary.delivery.seq0.count);
    expect(facts.delivery.seq1.length).toBe(summary.delivery.seq1.count);
    expect(facts.delivery.seq0[facts.delivery.seq0.length - 1] / 1000).toBeCloseTo(summary.delivery.seq0.maxSeconds, 2);
    expect(facts.waits.length).toBe(summary.waitConditions.activations);
    const active = facts.waits.reduce((n, w) => n + w.untilMs - w.fromMs, 0) / 1000;
    expect(active).toBeCloseTo(summary.waitConditions.secondsActive, 2);
    expect(facts.outages).toEqual([{ where: 'external system', what: 'status 503', fromMs: 20 * 60_000, untilMs: 26 * 60_000 }]);
  });
});

describe('sample stories', () => {
  it('keep the first two and the last of a long run of identical failed round trips, and say how many were left out', () => {
    const rows: StoryRow[] = [];
    for (let i = 0; i < 7; i++) {
      const t = i * 30_000;
      rows.push({ kind: 'arrow', t, from: 'ocs', to: 'external', seq: 1, tone: 'info', text: `POST seq 1 #${i + 2}` });
      rows.push({ kind: 'arrow', t: t + 50, from: 'external', to: 'ocs', seq: 1, tone: 'fault', text: '503: queued' });
    }
    rows.push({ kind: 'arrow', t: 210_000, from: 'ocs', to: 'external', seq: 1, tone: 'info', text: 'POST seq 1 #9' });
    rows.push({ kind: 'arrow', t: 210_050, from: 'external', to: 'ocs', seq: 1, tone: 'ok', text: '200 OK: seq 1 saved, unmarked' });
    const kept = compressRetries(rows);
    const texts = kept.map((r) => r.text);
    expect(texts.filter((t) => t.startsWith('POST'))).toEqual(['POST seq 1 #2', 'POST seq 1 #3', 'POST seq 1 #8', 'POST seq 1 #9']);
    expect(texts).toContain('… 4 more POSTs of seq 1, each answered 503, one every 30 s …');
  });
});

describe('a report of two campaign groups and a network outage', () => {
  it('charts both groups and both kinds of outage without a charting complaint, the same bytes twice', async () => {
    const checked = validateScenario({
      name: 'two groups',
      duration: '10m',
      drainLimit: '30m',
      campaignGroups: [
        { name: 'North@Agents', dbid: 11, agents: 6, options: { 'history-wait-condition-threshold': 5 } },
        { name: 'South@Agents', dbid: 12, agents: 4, dialMode: 'progressive' },
      ],
      network: { outages: [{ kind: 'refused', from: '2m', until: '3m' }] },
      externalSystem: { outages: [{ from: '5m', until: '7m', status: 500 }] },
    });
    if (!checked.ok) throw new Error(checked.errors.join('\n'));
    const scenario = checked.scenario;
    const build = async () => {
      const trace: TraceLine[] = [];
      const log: string[] = [];
      const run = runScenario(scenario, { sampleEveryMs: 1000, observer: { trace: (l) => trace.push(l), log: (_, text) => log.push(text) } });
      // renderSvg throws on any vega or vega-lite warning.
      return buildRunReport({
        scenario,
        scenarioYaml: 'name: two groups\n',
        summary: run.summary,
        model: run.model,
        trace,
        log,
        series: run.series,
        sampleEveryMs: 1000,
        invariants: null,
        provenance: [],
      });
    };
    const first = await build();
    expect(first.html).toContain('North@Agents');
    expect(first.html).toContain('South@Agents');
    expect(first.html).toContain('history-wait-condition-threshold 5 (North@Agents)');
    expect(first.html).toContain('network outage: refused');
    expect(first.html).toContain('external system outage: status 500');
    expect(first.markdown).toContain('| wait condition: North@Agents |');
    const again = await build();
    expect(again.html).toBe(first.html);
    expect(again.markdown).toBe(first.markdown);
  });
});

describe('a report of OCS restarts', () => {
  it.each(['lost', 'resent'] as const)(
    'shades the time OCS was down and tells what the restarts did to calls and records (records-after-restart: %s)',
    async (mode) => {
      const checked = validateScenario({
        name: 'restarts',
        duration: '10m',
        ocs: { 'records-after-restart': mode },
        campaignGroups: [{ name: 'North@Agents', dbid: 11, agents: 6 }],
        externalSystem: { outages: [{ from: '2m', until: '5m', status: 503 }] },
        ocsRestarts: [{ at: '3m', downFor: '1m' }],
      });
      if (!checked.ok) throw new Error(checked.errors.join('\n'));
      const scenario = checked.scenario;
      const trace: TraceLine[] = [];
      const log: string[] = [];
      const run = runScenario(scenario, { sampleEveryMs: 1000, observer: { trace: (l) => trace.push(l), log: (_, text) => log.push(text) } });
      const s = run.summary;
      expect(s.restarts.callsDropped).toBeGreaterThan(0);
      const report = await buildRunReport({
        scenario,
        scenarioYaml: 'name: restarts\n',
        summary: s,
        model: run.model,
        trace,
        log,
        series: run.series,
        sampleEveryMs: 1000,
        invariants: null,
        provenance: [],
      });
      expect(report.markdown).toContain(`| OCS down: restart (records-after-restart: ${mode}) | 3:00 | 4:00 | 1 min |`);
      expect(report.html).toContain('OCS down (restart)');
      expect(report.markdown).toContain(`1 OCS restart dropped ${s.restarts.callsDropped} calls in progress`);
      if (mode === 'lost') {
        expect(s.records.lostInRestarts).toBeGreaterThan(0);
        expect(report.markdown).toContain(`${s.records.lostInRestarts} records OCS kept were lost`);
        expect(report.markdown).toContain(`(of ${s.records.created}; ${s.records.lostInRestarts} lost in OCS restarts)`);
      } else {
        expect(report.markdown).toContain(`${s.restarts.recordsResent} records OCS kept were posted again once it was back`);
      }
    },
  );
});
