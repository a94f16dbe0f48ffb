import { callReportRecordMachine, IN_FLIGHT, MARKED_FOR_RESUBMISSION } from '../machines/callReportRecord.ts';
import { campaignGroupMachine } from '../machines/campaignGroup.ts';
import { groupRecoveryTimerMachine } from '../machines/groupRecoveryTimer.ts';
import type { InvariantResult } from '../properties/invariants.ts';
import type { TraceLine } from '../sim/observer.ts';
import type { ResolvedModel } from '../sim/scenario/resolve.ts';
import type { Sample, Summary } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { duration, int, percent, runTime } from './format.ts';
import { modelDefaultsOf } from './modelDefaults.ts';
import { waitConditionExcerpts, type LogExcerpt } from './logExcerpts.ts';
import { machineGraph, type MachineGraph } from './machineGraph.ts';
import type { Tint } from './machineDiagram.ts';
import { pickSamples, type SampleStory } from './samples.ts';
import { traceFacts, type MachineId, type Outage, type WaitPeriod } from './traceFacts.ts';

/**
 * Everything a run report shows, derived once from the run's files (and the
 * sampled series of its re-run): the HTML and Markdown renderers only lay
 * it out. Pure: the same run gives the same data.
 */

export interface RunReportInput {
  /** The effective scenario (scenario.yaml). */
  scenario: Scenario;
  /** scenario.yaml as written by the run, shown verbatim. */
  scenarioYaml: string;
  summary: Summary;
  model: ResolvedModel;
  trace: readonly TraceLine[];
  /** ocs.log, one entry per line. */
  log: readonly string[];
  series: readonly Sample[];
  sampleEveryMs: number;
  /**
   * Results of properties/invariants.ts on this run, each with whether the
   * scenario expects it to hold (a last-write-wins external system is meant
   * to end some attempts with seq 0); null when not checked.
   */
  invariants: (InvariantResult & { expectedToHold: boolean })[] | null;
  /** Where the data came from, for the footer. */
  provenance: string[];
  /** What made the files: `ocs-sim run` unless given (`ocs-sim drive`). */
  madeBy?: string;
}

export interface Figure {
  label: string;
  value: string;
  note?: string;
  tone?: 'good' | 'bad' | 'warn';
}

export interface DeliveryRow {
  seq: string;
  count: number;
  /** summary.json's median and 99th percentile (ms): the upper edge of the 2%-wide histogram bucket holding each (DELIVERY_QUANTILES_NOTE). */
  p50: number;
  p99: number;
  max: number;
}

/** How the report's delivery percentiles are made: one figure per percentile, the same as summary.json's and the sweeps'. */
export const DELIVERY_QUANTILES_NOTE =
  "Median and 99th percentile are summary.json's: the upper edge of the 2%-wide histogram bucket that holds each (at most 2% above the exact value), the same figure the sweeps' deliveryP99Seconds uses.";

export interface MachineSection {
  title: string;
  note: string;
  graph: MachineGraph;
  counts: ReadonlyMap<string, number>;
  tints: Tint[];
}

export interface ReportData {
  input: RunReportInput;
  startEpochMs: number;
  endMs: number;
  stopMs: number;
  binMs: number;
  headline: Figure[];
  happened: string[];
  /** Valid settings that surprised (summary.json's warnings): shown above everything else. */
  warnings: string[];
  options: { name: string; value: string; overrides: string[] }[];
  groups: string[][];
  network: [string, string][];
  external: [string, string][];
  outages: Outage[];
  waits: WaitPeriod[];
  delivery: { seq0: number[]; seq1: number[] };
  deliveryRows: DeliveryRow[];
  samples: SampleStory[];
  machines: MachineSection[];
  log: { excerpts: LogExcerpt[]; omitted: number; lines: number };
  replay: string;
}

const NICE_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map((s) => s * 1000);

/** Sampling interval for a run of `endMs`: the finest nice step giving at most `samples` samples. */
export function sampleEveryMs(endMs: number, samples = 1500): number {
  return NICE_STEPS_MS.find((step) => endMs / step <= samples) ?? NICE_STEPS_MS[NICE_STEPS_MS.length - 1];
}

/** Bin width of the per-interval charts (a multiple of the sampling interval): at most `bins` bins. */
export function binMs(endMs: number, every: number, bins = 120): number {
  return NICE_STEPS_MS.find((step) => step >= every && step % every === 0 && endMs / step <= bins) ?? NICE_STEPS_MS[NICE_STEPS_MS.length - 1];
}

/** A scenario value as people write it: `lognormal median 15ms p99 120ms`, `{ a: 1, b: 2 }`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(describeValue).join('; ');
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('fixed' in v) return `fixed ${String(v.fixed)}`;
    if ('exponential' in v) return `exponential, mean ${String(v.exponential)}`;
    if ('uniform' in v && Array.isArray(v.uniform)) return `uniform ${String(v.uniform[0])} to ${String(v.uniform[1])}`;
    if ('lognormal' in v) {
      const l = v.lognormal as { median: string; p99: string };
      return `lognormal, median ${l.median}, p99 ${l.p99}`;
    }
    const entries = Object.entries(v);
    return entries.length === 0 ? 'none' : entries.map(([k, x]) => `${k}: ${describeValue(x)}`).join(', ');
  }
  return String(value);
}

/**
 * The most records marked at once. Each group's threshold applies to its own
 * records: with several groups the card says how many went over their own,
 * not the campaign's total against the lowest threshold.
 */
function peakMarked(summary: Summary, thresholds: number[]): Figure {
  const label = 'peak marked for re-submission';
  const value = int(summary.records.peakMarkedForResubmission);
  if (thresholds.length === 1)
    return { label, value, note: `threshold ${thresholds[0]}`, tone: summary.records.peakMarkedForResubmission > thresholds[0] ? 'bad' : 'good' };
  const over = summary.groups.filter((g, i) => g.peakMarkedForResubmission > thresholds[i]).length;
  const peaks = summary.groups.map((g, i) => `${int(g.peakMarkedForResubmission)}/${thresholds[i]}`).join(', ');
  return {
    label,
    value,
    note: `all groups at once; ${over} of ${thresholds.length} groups over their own threshold (peak/threshold: ${peaks})`,
    tone: over > 0 ? 'bad' : 'good',
  };
}

/** Time covered by at least one of the periods: their union, overlaps counted once. */
export function unionMs(periods: ReadonlyArray<{ fromMs: number; untilMs: number }>): number {
  const sorted = [...periods].sort((a, b) => a.fromMs - b.fromMs);
  let total = 0;
  let from = -Infinity;
  let until = -Infinity;
  for (const p of sorted) {
    if (p.fromMs > until) {
      if (until > from) total += until - from;
      [from, until] = [p.fromMs, p.untilMs];
    } else until = Math.max(until, p.untilMs);
  }
  return until > from ? total + until - from : total;
}

function headline(
  summary: Summary,
  facts: { waits: WaitPeriod[]; resubmittedRecords: number },
  thresholds: number[],
  endMs: number,
  delivery: DeliveryRow[],
): Figure[] {
  const r = summary.records;
  const failed =
    Object.entries(summary.responses)
      .filter(([code]) => code !== '200')
      .reduce((n, [, k]) => n + k, 0) + summary.timeouts;
  const waitMs = unionMs(facts.waits);
  const summedMs = facts.waits.reduce((n, w) => n + w.untilMs - w.fromMs, 0);
  const groupsWaiting = new Set(facts.waits.map((w) => w.group)).size;
  // Several groups' periods overlap: the campaign was suspended somewhere for their union, not their sum.
  const suspended =
    groupsWaiting > 1
      ? `dialing suspended in some group for ${duration(waitMs)} (${groupsWaiting} groups' periods add up to ${duration(summedMs)})`
      : `dialing suspended ${duration(waitMs)}`;
  const worst = delivery.reduce((m, d) => Math.max(m, d.max), 0);
  return [
    { label: 'dials', value: int(summary.dials), note: `over ${duration(endMs)} of virtual time` },
    {
      label: 'records saved',
      value: int(r.saved),
      note:
        r.lostInRestarts > 0
          ? `of ${int(r.created)}; ${int(r.lostInRestarts)} lost in OCS restarts${r.unconfirmed > 0 ? `, ${int(r.unconfirmed)} still kept by OCS at the end` : ''}`
          : r.unconfirmed === 0
            ? `all ${int(r.created)} created, each confirmed by 200 OK`
            : `of ${int(r.created)}; ${int(r.unconfirmed)} still kept by OCS at the end`,
      tone: r.unconfirmed === 0 && r.lostInRestarts === 0 ? 'good' : 'bad',
    },
    {
      label: 'failed POSTs',
      value: int(failed),
      note: `${int(facts.resubmittedRecords)} records re-submitted ${int(r.resubmissions)} times`,
      tone: failed > 0 ? 'warn' : 'good',
    },
    peakMarked(summary, thresholds),
    {
      label: 'wait conditions',
      value: int(summary.waitConditions.activations),
      note: summary.waitConditions.activations > 0 ? suspended : 'dialing never suspended',
      tone: summary.waitConditions.activations > 0 ? 'bad' : 'good',
    },
    { label: 'race conditions', value: int(summary.raceConditions), note: 'predial checks aborted', tone: summary.raceConditions > 0 ? 'warn' : 'good' },
    { label: 'OCS timeouts', value: int(summary.timeouts), note: 'history-http-response-timeout elapsed', tone: summary.timeouts > 0 ? 'warn' : 'good' },
    summary.external.duplicates === null || summary.external.staleOverwrites === null
      ? { label: 'duplicates / stale overwrites', value: 'not read back', note: 'a real external system: see conformance.md', tone: 'warn' }
      : {
          label: 'duplicates / stale overwrites',
          value: `${int(summary.external.duplicates)} / ${int(summary.external.staleOverwrites)}`,
          note: 'at the external system',
          tone: summary.external.staleOverwrites > 0 ? 'bad' : summary.external.duplicates > 0 ? 'warn' : 'good',
        },
    { label: 'slowest delivery', value: duration(worst), note: 'first POST to 200 OK' },
  ];
}

function narrative(input: RunReportInput, outages: Outage[], waits: WaitPeriod[], resubmittedRecords: number, endMs: number): string[] {
  const s = input.summary;
  const out: string[] = [];
  for (const o of outages) {
    const past = o.untilMs > endMs ? `, past the run's end at ${runTime(endMs)}` : '';
    if (o.where === 'OCS') {
      out.push(
        `OCS was down for a restart from ${runTime(o.fromMs)} to ${runTime(o.untilMs)} (${duration(o.untilMs - o.fromMs)}${past}): nothing was dialed or posted.`,
      );
      continue;
    }
    out.push(
      `The ${o.where} ${o.where === 'network' ? `was out (${o.what})` : `answered every request with ${o.what.replace('status ', '')}`} from ${runTime(o.fromMs)} to ${runTime(o.untilMs)} (${duration(o.untilMs - o.fromMs)}${past}).`,
    );
  }
  const r = s.restarts;
  if (r.count > 0) {
    const kept =
      r.recordsAfterRestart === 'lost'
        ? `${int(s.records.lostInRestarts)} records OCS kept were lost (records-after-restart: lost, a [model] setting: the documentation does not say)`
        : `${int(r.recordsResent)} records OCS kept were posted again once it was back (records-after-restart: resent, a [model] setting: the documentation does not say)`;
    out.push(
      `${int(r.count)} OCS restart${r.count === 1 ? '' : 's'} dropped ${int(r.callsDropped)} calls in progress (their seq 1 was never made) and abandoned ${int(r.validationsDropped)} pre-dial validations; ${kept}. ${s.external.seq0OnlyAfterRestarts === null ? '' : ` The external system holds seq 0 without its seq 1 for ${int(s.external.seq0OnlyAfterRestarts)} attempts.`}`,
    );
  }
  for (const w of waits) {
    const end = w.open
      ? ' to the end of the run'
      : w.stopped
        ? ` until the group was stopped at ${runTime(w.untilMs)}, still waiting (so OCS logged no "cleared" line)`
        : ` to ${runTime(w.untilMs)}`;
    out.push(
      `${w.group}: more records marked for re-submission than history-wait-condition-threshold from ${runTime(w.fromMs)}${end} (${duration(w.untilMs - w.fromMs)}): wait condition, dialing suspended.`,
    );
  }
  const created = s.records.created;
  if (resubmittedRecords > 0)
    out.push(
      `${int(resubmittedRecords)} of ${int(created)} records (${percent(resubmittedRecords, created)}) needed more than one POST; OCS re-submitted ${int(s.records.resubmissions)} times in all.`,
    );
  const lost = s.records.lostInRestarts > 0 ? ` (but the ${int(s.records.lostInRestarts)} lost in restarts)` : '';
  const drained =
    s.calls.inProgressAtEnd === 0 ? `the run drained at ${runTime(endMs)}` : `the drain limit ended the run at ${runTime(endMs)}, calls still in progress`;
  out.push(
    s.records.unconfirmed === 0
      ? `Every record made${lost} was confirmed by 200 OK; ${drained}.`
      : `${int(s.records.unconfirmed)} records were still kept by OCS (unconfirmed) when the run stopped at ${runTime(endMs)}.`,
  );
  if ((s.external.duplicates ?? 0) > 0 || (s.external.staleOverwrites ?? 0) > 0)
    out.push(
      `The external system stored ${int(s.external.duplicates ?? 0)} duplicates and ${int(s.external.staleOverwrites ?? 0)} stale overwrites (a seq 0 over a seq 1).`,
    );
  if (s.raceConditions > 0)
    out.push(`${int(s.raceConditions)} dials were refused by the race-condition check (the contact's previous record still unconfirmed).`);
  if (s.calls.inProgressAtEnd > 0) {
    out.push(
      `${int(s.calls.inProgressAtEnd)} calls were still in progress when the drain limit ended the run: their seq 1 records were never made (${int(s.records.attemptsWithoutSeq1.total)} attempts without seq 1).`,
    );
  }
  for (const [figure, why] of Object.entries(s.censored)) if (!figure.startsWith('external.')) out.push(`Cut short by the end of the run, ${figure}: ${why}.`);
  // Only a drive hides the external system's figures: it is real.
  if (Object.keys(s.censored).some((figure) => figure.startsWith('external.')))
    out.push('The external system is real (ocs-sim drive): what it stored, read back, is judged in conformance.md.');
  return out;
}

export function reportData(input: RunReportInput): ReportData {
  const { scenario, summary, model } = input;
  const facts = traceFacts(input.trace, model);
  const endMs = Math.max(facts.endMs, summary.virtualSeconds * 1000);
  const startEpochMs = model.startEpochSeconds * 1000;
  const deliveryRows: DeliveryRow[] = (
    [
      ['seq 0', facts.delivery.seq0],
      ['seq 1', facts.delivery.seq1],
    ] as const
  ).map(([seq, times]) => {
    const bucketed = summary.delivery[seq === 'seq 0' ? 'seq0' : 'seq1'];
    return { seq, count: times.length, p50: bucketed.p50Seconds * 1000, p99: bucketed.p99Seconds * 1000, max: times.length > 0 ? times[times.length - 1] : 0 };
  });
  const thresholds = model.groups.map((g) => g.options.historyWaitConditionThreshold);

  const groupOverrides = (name: string) =>
    scenario.campaignGroups.flatMap((g) => {
      const v = (g.options as Record<string, unknown>)[name];
      return v === undefined ? [] : [`${g.name}: ${describeValue(v)}`];
    });
  // Genesys publishes none of these defaults: a value the scenario file did not set is the model's, and says so
  // (scenario.yaml names them; a run written before it did leaves them unmarked rather than guess).
  const unset = modelDefaultsOf(input.scenarioYaml);
  const options = Object.entries(scenario.ocs).map(([name, value]) => ({
    name,
    value: `${describeValue(value)}${unset.has(name) ? ' [model default]' : ''}`,
    overrides: groupOverrides(name),
  }));
  // Each group's own figures beside its settings: the campaign's add up from these (wait time as a union, see the headline).
  const groups = [
    ['campaign group', 'DBID', 'agents', 'dial mode', 'starts', 'calling list', 'threshold', 'dials', 'wait periods', 'time waiting', 'peak marked'],
    ...scenario.campaignGroups.map((g, i) => {
      const f = summary.groups[i];
      const peak = `${int(f.peakMarkedForResubmission)}${f.peakMarkedForResubmission > thresholds[i] ? ' (over)' : ''}`;
      return [
        g.name,
        String(g.dbid),
        String(g.agents),
        g.dialMode,
        g.startAt,
        `${g.callingList} (${int(g.callingListSize)} records)`,
        String(thresholds[i]),
        int(f.dials),
        int(f.waitConditionActivations),
        duration(f.waitConditionSecondsActive * 1000),
        peak,
      ];
    }),
  ];
  const n = scenario.network;
  const network: [string, string][] = [
    ['latency (one way)', describeValue(n.latency)],
    ['request loss', String(n.requestLoss)],
    ['response loss', String(n.responseLoss)],
    ['refused connections', String(n.refusedConnections)],
    ['hangs', String(n.hangs)],
    ['outages', n.outages.length === 0 ? 'none' : n.outages.map((o) => `${o.kind} ${o.from}–${o.until}`).join('; ')],
  ];
  const e = scenario.externalSystem;
  const external: [string, string][] = [
    ['service time', describeValue(e.serviceTime)],
    ['concurrency', `${e.concurrency} (overflow: ${e.overflow})`],
    ['error responses', describeValue(e.errors)],
    ['storage policy', e.storagePolicy],
    ['outages', e.outages.length === 0 ? 'none' : e.outages.map((o) => `status ${o.status} ${o.from}–${o.until}`).join('; ')],
  ];
  // OCS restarts are faults of OCS itself: listed with the external system's, where the reader looks for faults.
  if (scenario.ocsRestarts.length > 0) external.push(['OCS restarts [model]', scenario.ocsRestarts.map((o) => `at ${o.at}, down for ${o.downFor}`).join('; ')]);

  const counts = (id: MachineId) => facts.transitions.get(id) ?? new Map<string, number>();
  const machines: MachineSection[] = [
    {
      title: 'Call report record',
      note: 'One per record (seq 0 and seq 1 of every call attempt). Amber states count as marked for re-submission; the wait condition compares their number with history-wait-condition-threshold.',
      graph: machineGraph(callReportRecordMachine),
      counts: counts('callReportRecord'),
      tints: [
        { label: 'marked for re-submission', states: MARKED_FOR_RESUBMISSION, fill: '#fdf0d5', stroke: '#d08c1a' },
        {
          label: 'POST in flight',
          states: IN_FLIGHT.filter((s) => !(MARKED_FOR_RESUBMISSION as readonly string[]).includes(s)),
          fill: '#e3eef9',
          stroke: '#4c78a8',
        },
      ],
    },
    {
      title: 'Campaign group',
      note: 'One per campaign group. waiting is the wait condition: the group is still running but dials nothing.',
      graph: machineGraph(campaignGroupMachine),
      counts: counts('campaignGroup'),
      tints: [{ label: 'dialing suspended', states: ['waiting'], fill: '#fdf0d5', stroke: '#d08c1a' }],
    },
    {
      title: 'Group recovery timer',
      note:
        model.recoveryTimer === 'batch'
          ? 'recovery-timer: batch, so one per campaign group: it re-submits every queued record when history-wait-recovery-timeout elapses.'
          : 'Used only with recovery-timer: batch; this run used per-record, so it took no transitions.',
      graph: machineGraph(groupRecoveryTimerMachine),
      counts: counts('groupRecoveryTimer'),
      tints: [],
    },
  ];

  const binWidth = binMs(endMs, input.sampleEveryMs);
  const log = waitConditionExcerpts(input.log);
  return {
    input,
    startEpochMs,
    endMs,
    stopMs: model.durationMs,
    binMs: binWidth,
    headline: headline(summary, facts, thresholds, endMs, deliveryRows),
    happened: narrative(input, facts.outages, facts.waits, facts.resubmittedRecords, endMs),
    warnings: summary.warnings,
    options,
    groups,
    network,
    external,
    outages: facts.outages,
    waits: facts.waits,
    delivery: facts.delivery,
    deliveryRows,
    samples: pickSamples(facts.attempts),
    machines,
    log: { ...log, lines: input.log.length },
    replay: `npx ocs-sim run scenario.yaml --seed ${summary.seed} --report`,
  };
}
