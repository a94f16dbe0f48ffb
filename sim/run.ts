import type { EngineName } from './kernel/engine.ts';
import { Kernel } from './kernel/kernel.ts';
import type { RunObserver } from './observer.ts';
import { Ocs } from './ocs/ocs.ts';
import { SimulatedWire } from './world/simulatedWire.ts';
import { RandomStreams } from './kernel/random.ts';
import { resolve, type ResolvedModel } from './scenario/resolve.ts';
import { sampleEvery, type Sample } from './sampling.ts';
import type { Scenario } from './scenario/scenario.ts';
import { summarize, type Summary } from './summary.ts';

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
  private readonly ocs: Ocs<SimulatedWire>;
  private readonly series: Sample[];
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
    const ocs = (this.ocs = new Ocs(model, kernel, random, options.engine ?? 'compiled', observer, (sink, counters) => new SimulatedWire(model, kernel, random, counters, sink, observer.trace)));
    this.series = options.sampleEveryMs === undefined ? [] : sampleEvery(options.sampleEveryMs, ocs, kernel, this.observeAfter);
    // Outage edges, so the trace (and reports) show when faults begin and end.
    if (observer.trace) {
      const trace = observer.trace;
      const edges = [
        ...model.network.outages.map((o) => ({ ...o, entity: 'network', what: o.kind })),
        ...model.externalSystem.outages.map((o) => ({ ...o, entity: 'external', what: `status ${o.status}` })),
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

  /** Runs at most about `maxEvents` more events; true once the run has ended. */
  advance(maxEvents: number): boolean {
    const { kernel, ocs, model } = this;
    const limit = kernel.executed + maxEvents;
    // Dial for the scenario's duration, then drain until OCS keeps nothing (or the limit).
    if (this.phase === 'dialing') {
      if (!kernel.run(model.durationMs, undefined, limit)) return false;
      // The drain's stop test runs after each event, so a model already
      // quiescent must not enter it: it would run to the limit (or to whatever
      // observer event came next) and the run's end would depend on what
      // observed it.
      this.phase = ocs.quiescent ? 'ended' : 'draining';
    }
    if (this.phase === 'draining') {
      if (!kernel.run(model.durationMs + model.drainLimitMs, () => ocs.quiescent, limit)) return false;
      this.phase = 'ended';
    }
    return true;
  }

  /** What the run came to; only once it has ended. */
  result(): RunResult {
    if (this.phase !== 'ended') throw new Error('model: result() of a run that has not ended');
    const { kernel, ocs } = this;
    const c = ocs.counters;
    const end = kernel.now;
    // Records are never lost: every record created is saved or still kept, but those a restart took under records-after-restart: lost, counted.
    if (c.recordsCreated !== c.recordsSaved + ocs.unconfirmed.size + c.lostInRestarts) {
      throw new Error(`model: records lost: created ${c.recordsCreated}, saved ${c.recordsSaved}, kept ${ocs.unconfirmed.size}, lost in restarts ${c.lostInRestarts}`);
    }
    this.observer.trace?.({ t: end, entity: 'run', event: 'end', unconfirmed: ocs.unconfirmed.size });
    return { summary: summarize(this.scenario, this.model, ocs, end, kernel.executed - this.observerEvents), series: this.series, model: this.model };
  }
}
