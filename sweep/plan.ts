import { createHash } from 'node:crypto';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { durationMs, formatDuration } from '../sim/scenario/durations.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { METRICS_VERSION, type ProbeSettings } from './metrics.ts';
import { applyDimensions, dimensionErrors, keptGroupOptions, longestOutageMs } from './dimensions.ts';
import { isCondition, type OptionValue, type Sweep } from './sweepFile.ts';

/**
 * A sweep laid out: its cells (every combination of the varied options, the
 * first option varying slowest), the seeds every cell runs (the same ones:
 * common random numbers, so cells compare pairwise), and one run per cell and
 * seed, each with a key that names exactly what it computes. Nothing here
 * depends on how or where the runs are executed.
 */
export interface Cell {
  index: number;
  /** The values of the sweep's dimensions (settings, then conditions) by key, in the sweep file's order. */
  options: Record<string, OptionValue>;
  /** The effective scenario of the cell. */
  scenario: Scenario;
  /** The same scenario without faults: the reference for the dials faults cost. */
  twin: Scenario;
}

export interface PlannedRun {
  /** Hash of what the run computes (scenario, seed, probe, metric definitions, model version): the same key means the same result. */
  key: string;
  cell: number;
  seed: number;
}

export interface SweepPlan {
  sweep: Sweep;
  /** A smoke version, not for decisions: run with --quick, or a --quick sweep's sweep.yaml (`smoke: true`). */
  quick: boolean;
  /** The base scenario as the cells start from it (the patch merged, the --quick duration applied). */
  base: Scenario;
  cells: Cell[];
  /** Every seed a cell may run: all of them in a fixed sweep, up to the maximum in an adaptive one. */
  seeds: number[];
  /** Every run a cell may get, cell by cell in seed order: an adaptive sweep runs a prefix of each cell's. */
  runs: PlannedRun[];
  /** An adaptive sweep's range of replications per cell; null for a fixed sweep. */
  adaptive: { min: number; max: number } | null;
  probe: ProbeSettings;
  /** What the user must know before the sweep starts (a group keeping its own value of a varied option); also in its report. */
  notes: string[];
}

export type Planning = { ok: true; plan: SweepPlan } | { ok: false; errors: string[] };

/**
 * JSON Merge Patch (RFC 7386): objects merge key by key, `null` removes a key,
 * anything else replaces what the base has. A distribution is a value, not a
 * record: a patch naming a shape (`serviceTime: { lognormal: ... }`, as
 * calibration.yaml of ocs-sim drive does) replaces the base's distribution
 * whatever its shape, instead of merging into an object with two shapes.
 */
export function mergePatch(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  if (isDistribution(patch)) return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null));
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

const SHAPES = new Set(['fixed', 'uniform', 'exponential', 'lognormal']);

/** A patch that names one distribution shape (and perhaps removes others with null). */
function isDistribution(patch: Record<string, unknown>): boolean {
  const keys = Object.keys(patch);
  return keys.length > 0 && keys.every((key) => SHAPES.has(key)) && keys.filter((key) => patch[key] !== null).length === 1;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The fault-free twin: no outages, no losses, no refused or hanging
 * connections, no error responses, no OCS restarts. Capacity, latency,
 * timeouts and the campaign stay as they are.
 */
export function withoutFaults(s: Scenario): Scenario {
  return {
    ...s,
    ocsRestarts: [],
    network: { ...s.network, requestLoss: 0, responseLoss: 0, refusedConnections: 0, hangs: 0, outages: [] },
    externalSystem: { ...s.externalSystem, errors: {}, outages: [] },
  };
}

/** Dialing time of a quick run: the sweep file's, or the last outage (or OCS restart) end + 10 min (30 min without outages), never more than the base. */
export function quickDuration(sweep: Sweep, base: Scenario): string {
  const baseMs = durationMs(base.duration);
  if (sweep.quick.duration !== undefined) return formatDuration(Math.min(durationMs(sweep.quick.duration), baseMs));
  // An outage-length condition moves each outage's end: the longest is the one to outlast.
  const length = longestOutageMs(sweep.vary);
  const end = (o: { from: string; until: string }) => Math.max(durationMs(o.until), length === null ? 0 : durationMs(o.from) + length);
  const ends = [...base.network.outages, ...base.externalSystem.outages].map(end).concat(base.ocsRestarts.map((r) => durationMs(r.at) + durationMs(r.downFor)));
  const wanted = ends.length > 0 ? Math.max(...ends) + 600_000 : 1_800_000;
  return formatDuration(Math.min(wanted, baseMs));
}

export function cellLabel(options: Readonly<Record<string, unknown>>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/**
 * `modelVersion` names the model's code (the CLI passes a fingerprint of it),
 * so results stored by another version never pass for this one's.
 */
export function planSweep(sweep: Sweep, base: Scenario, options: { quick: boolean; modelVersion?: string }): Planning {
  const errors: string[] = [];
  const duration = options.quick ? quickDuration(sweep, base) : base.duration;
  const adaptive = adaptiveRange(sweep, options.quick);
  const replications = adaptive?.max ?? (options.quick ? sweep.quick.replications : (sweep.replications as number));
  const seeds = Array.from({ length: replications }, (_, i) => sweep.firstSeed + i);
  const probe: ProbeSettings = { boundMs: durationMs(sweep.probe.bound) };

  // An adaptive sweep decides cell by cell; a setting under several conditions is a fixed sweep's question (boundary fixes each condition at one value).
  if (sweep.adaptive && sweep.vary.some((d) => isCondition(d) && d.values.length > 1)) {
    return {
      ok: false,
      errors: ['conditions: an adaptive sweep decides cell by cell, not a setting under every condition; run conditions in a fixed sweep (without --adaptive)'],
    };
  }
  const unheld = dimensionErrors(base, sweep.vary);
  if (unheld.length > 0) return { ok: false, errors: unheld };
  let combinations: Array<Cell['options']> = [{}];
  for (const { key, values } of sweep.vary) combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));

  const cells: Cell[] = [];
  for (const [index, cellOptions] of combinations.entries()) {
    // A group's own value of an option varied at application level stays: OCS applies it over the application's [doc] (keptGroupOptions says so).
    const input = applyDimensions({ ...base, duration }, sweep.vary, cellOptions);
    const checked = validateScenario(input);
    if (!checked.ok) {
      errors.push(...checked.errors.map((e) => `vary (cell ${cellLabel(cellOptions)}): ${e}`));
      continue;
    }
    cells.push({ index, options: cellOptions, scenario: checked.scenario, twin: withoutFaults(checked.scenario) });
  }
  if (errors.length > 0) return { ok: false, errors };

  const model = options.modelVersion ?? '';
  const runs = cells.flatMap((cell) => seeds.map((seed) => ({ key: runKey(cell.scenario, seed, probe, model), cell: cell.index, seed })));
  return {
    ok: true,
    plan: {
      sweep,
      quick: options.quick || sweep.smoke,
      base: { ...base, duration },
      cells,
      seeds,
      runs,
      probe,
      adaptive,
      notes: keptGroupOptions(base, sweep.vary),
    },
  };
}

/** A cell's settings alone (its conditions left out): cells with the same settings label are one setting under different conditions. */
export function settingsOf(sweep: Sweep, options: Cell['options']): Cell['options'] {
  return Object.fromEntries(sweep.vary.filter((d) => !isCondition(d)).map((d) => [d.key, options[d.key]]));
}

/** A cell's conditions alone. */
export function conditionsOf(sweep: Sweep, options: Cell['options']): Cell['options'] {
  return Object.fromEntries(sweep.vary.filter(isCondition).map((d) => [d.key, options[d.key]]));
}

/** Fewest replications an adaptive sweep gives a cell when the file gives only a number (the most). */
export const ADAPTIVE_MIN = 3;

/** An adaptive sweep's range: the file's { min, max }, or min 3 and max N for `replications: N`; --quick caps both at its replications. */
function adaptiveRange(sweep: Sweep, quick: boolean): SweepPlan['adaptive'] {
  if (!sweep.adaptive) return null;
  const range = typeof sweep.replications === 'number' ? { min: Math.min(ADAPTIVE_MIN, sweep.replications), max: sweep.replications } : sweep.replications;
  return quick ? { min: Math.min(range.min, sweep.quick.replications), max: sweep.quick.replications } : range;
}

export function runKey(scenario: Scenario, seed: number, probe: ProbeSettings, modelVersion: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ metrics: METRICS_VERSION, model: modelVersion, scenario, seed, probe }))
    .digest('hex')
    .slice(0, 16);
}
