import type { EngineName } from './kernel/engine.ts';
import { Kernel } from './kernel/kernel.ts';
import type { RunObserver } from './observer.ts';
import { Ocs } from './ocs/ocs.ts';
import { SimulatedWire } from './world/simulatedWire.ts';
import type { OcsCounters } from './ocs/counters.ts';
import type { Wire, WireSink } from './ocs/wire.ts';
import { RandomStreams } from './kernel/random.ts';
import { resolve, type ResolvedModel } from './scenario/resolve.ts';
import { sampleEvery, type Sample } from './sampling.ts';
import type { Scenario } from './scenario/scenario.ts';
import { summarize, type Summary } from './summary.ts';
import { sampleHealth, type HealthSamples } from './health/sampler.ts';

export type { Sample } from './sampling.ts';
export type { Summary } from './summary.ts';

/**
 * One run: scenario + seed in, data out. No I/O; what happens along the way
 * goes to the observer's sinks, what it came to is the returned summary.
 */
export interface RunOptions {
  /** Overrides the scenario's own seed. */
  seed?: number;
  /** `compiled` (default, fast) or `xstate` (the reference); both give the same run. */
  engine?: EngineName;
  observer?: RunObserver;
  /** Sample levels every this many virtual ms into `series` (for reports); off when absent. */
  sampleEveryMs?: number;
  /** Called every 65,536 events with the virtual time reached (progress bars, memory probes). */
  onProgress?: (virtualMs: number) => void;
  /**
   * Where OCS's requests go: the simulated network and external system
   * unless given (ocs-sim drive gives real HTTP). The OCS model is the same.
   */
  wire?: (world: WireWorld) => Wire;
  /** Which of the scenario's fault windows the trace marks (both unless given): a drive applies the network's only, or none. */
  faultEdges?: { network: boolean; external: boolean };
  /** The health verdict's bound on recovery after a trigger, ms (default 10 minutes, as sweeps' probe.bound). */
  maxRecoveryMs?: number;
  /** False only for the benchmark's healthOverhead (the run without health's sampling): its health then reads as if nothing ever rose. */
  healthSampling?: boolean;
  /** A drive's run id (8 hex digits), the first group of every GUID; the run is otherwise the seed's. */
  runId?: string;
}

/** What a wire is built from: the run's model, kernel, seeded streams and trace, and OCS's side of it. */
export interface WireWorld {
  model: ResolvedModel;
  kernel: Kernel;
  random: RandomStreams;
  counters: OcsCounters;
  sink: WireSink;
  trace: RunObserver['trace'];
}

export interface RunResult {
  summary: Summary;
  series: Sample[];
  model: ResolvedModel;
}

export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const run = new ScenarioRun(scenario, options);
  run.advance(Infinity);
  return run.result();
}

/**
 * A run that can pause between events and carry on, for a shell that must
 * stay responsive (signals) during a long run. Pausing changes nothing of
 * the run: `advance` in slices gives what `runScenario` gives.
 */
export class ScenarioRun {
  readonly model: ResolvedModel;
  private readonly kernel = new Kernel();
  private readonly ocs: Ocs<Wire>;
  private readonly series: Sample[];
  private readonly health: HealthSamples;
  private readonly maxRecoveryMs: number | undefined;
  private readonly observer: RunObserver;
  private phase: 'dialing' | 'draining' | 'ended' = 'dialing';
  private observerEvents = 0;

  constructor(
    private readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    const seed = options.seed ?? scenario.seed;
    const model = (this.model = resolve(scenario, seed));
    const kernel = this.kernel;
    if (options.onProgress) {
      const onProgress = options.onProgress;
      kernel.onProgress = () => onProgress(kernel.now);
    }
    const observer = (this.observer = options.observer ?? {});
    observer.trace?.({ t: 0, entity: 'run', event: 'start', seed, scenario });
    const random = new RandomStreams(seed);
    const connect = options.wire ?? ((w: WireWorld) => new SimulatedWire(w.model, w.kernel, w.random, w.counters, w.sink, w.trace));
    const ocs = (this.ocs = new Ocs<Wire>(model, kernel, random, options.engine ?? 'compiled', observer, (sink, counters) =>
      connect({ model, kernel, random, counters, sink, trace: observer.trace }),
    ));
    // Always sampled: every summary carries its health verdict.
    this.health = options.healthSampling === false ? { everyMs: 1000, backlog: [], work: [], good: [] } : sampleHealth(ocs, this.observeAfter);
    this.maxRecoveryMs = options.maxRecoveryMs;
    if (options.runId !== undefined) ocs.dialer.runId = options.runId;
    this.series = options.sampleEveryMs === undefined ? [] : sampleEvery(options.sampleEveryMs, ocs, kernel, this.observeAfter);
    // Outage edges, so the trace (and reports) show when faults begin and end.
    if (observer.trace) {
      const trace = observer.trace;
      const marked = options.faultEdges ?? { network: true, external: true };
      const edges = [
        ...(marked.network ? model.network.outages.map((o) => ({ ...o, entity: 'network' as const, what: o.kind })) : []),
        ...(marked.external ? model.externalSystem.outages.map((o) => ({ ...o, entity: 'external' as const, what: `status ${o.status}` })) : []),
      ];
      for (const o of edges) {
        this.observeAfter(o.fromMs, () => trace({ t: kernel.now, entity: o.entity, event: 'outageStart', outage: o.what }));
        this.observeAfter(o.untilMs, () => trace({ t: kernel.now, entity: o.entity, event: 'outageEnd', outage: o.what }));
      }
    }
  }

  // Events that only observe the model (samples, outage edges for the trace)
  // are not the model's: `events` leaves them out, so a summary is the same
  // with or without a trace, a report or sampling.
  private readonly observeAfter = (delayMs: number, observe: () => void): void => {
    this.kernel.schedule(
      delayMs,
      () => {
        this.observerEvents++;
        observe();
      },
      undefined,
    );
  };

  /**
   * Runs at most about `maxEvents` more events, and none due after
   * `untilMs` (a wall-clock driver's now; virtual runs go to the end); true
   * once the run has ended.
   */
  advance(maxEvents: number, untilMs = Infinity): boolean {
    const { kernel, ocs, model } = this;
    const limit = kernel.executed + maxEvents;
    // Dial for the scenario's duration, then drain until OCS keeps nothing (or the limit).
    if (this.phase === 'dialing') {
      if (!kernel.run(Math.min(model.durationMs, untilMs), undefined, limit) || untilMs < model.durationMs) return false;
      // The drain's stop test runs after each event, so a model already
      // quiescent must not enter it: it would run to the limit (or to whatever
      // observer event came next) and the run's end would depend on what
      // observed it.
      this.phase = ocs.quiescent ? 'ended' : 'draining';
    }
    if (this.phase === 'draining') {
      const end = model.durationMs + model.drainLimitMs;
      if (!kernel.run(Math.min(end, untilMs), () => ocs.quiescent, limit)) return false;
      if (untilMs < end && !ocs.quiescent) return false;
      this.phase = 'ended';
    }
    return true;
  }

  /** Ends the run where it stands (a wall-clock drive stopped by Ctrl-C): `result()` then tells what it came to so far. */
  stop(): void {
    this.phase = 'ended';
  }

  /** When the model's next event is due (null: none queued): what a wall-clock driver sleeps until. */
  get nextEventTime(): number | null {
    return this.kernel.nextTime;
  }

  /** Events the kernel has run so far (a budget for callers that must stop a run that never ends). */
  get eventsRun(): number {
    return this.kernel.executed;
  }

  /** The run's clock, ms since its start. */
  get now(): number {
    return this.kernel.now;
  }

  /** OCS as it stands: what a driver reports while the run goes. */
  get state(): Pick<Ocs<Wire>, 'counters' | 'unconfirmed' | 'groups' | 'wire'> {
    return this.ocs;
  }

  /** What the run came to; only once it has ended. */
  result(): RunResult {
    if (this.phase !== 'ended') throw new Error('model: result() of a run that has not ended');
    const { kernel, ocs } = this;
    const c = ocs.counters;
    const end = kernel.now;
    // Records are never lost: every record created is saved or still kept, but those a restart took under records-after-restart: lost, counted.
    if (c.recordsCreated !== c.recordsSaved + ocs.unconfirmed.size + c.lostInRestarts) {
      throw new Error(
        `model: records lost: created ${c.recordsCreated}, saved ${c.recordsSaved}, kept ${ocs.unconfirmed.size}, lost in restarts ${c.lostInRestarts}`,
      );
    }
    this.observer.trace?.({ t: end, entity: 'run', event: 'end', unconfirmed: ocs.unconfirmed.size });
    return {
      summary: summarize(this.scenario, this.model, ocs, end, kernel.executed - this.observerEvents, {
        samples: this.health,
        maxRecoveryMs: this.maxRecoveryMs,
      }),
      series: this.series,
      model: this.model,
    };
  }
}
