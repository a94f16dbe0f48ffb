import { z } from 'zod';
import { Duration, durationMs, formatDuration, OcsOptions } from '../sim/scenario/scenario.ts';
import { describeIssue, formatPath, show } from '../sim/scenario/validate.ts';
import { METRIC_NAMES } from './metrics.ts';

/**
 * The sweep file: a base scenario, the OCS options to vary, how many
 * replications, the service-level objectives and the goal the recommendation
 * optimises. Validated like scenario files: every message names the field,
 * the value given and what is allowed.
 */

const OPTION_NAMES = Object.keys(OcsOptions.shape) as (keyof typeof OcsOptions.shape)[];
export type OptionName = (typeof OPTION_NAMES)[number];
export type OptionValue = string | number | boolean;

const Count = (what: string, min: number) =>
  z.number({ error: `expected a whole number of ${what}` }).int({ error: `expected a whole number of ${what}` }).min(min, { error: `expected at least ${min} ${what}` });

const MetricNameSchema = z.enum(METRIC_NAMES, { error: `expected a metric: ${METRIC_NAMES.join(', ')}` });

/** `{ from: 10s, to: 60s, step: 10s }` for a duration option, `{ from: 50, to: 400, step: 50 }` for a count. */
const Range = z.strictObject({
  from: z.union([z.number(), z.string()], { error: 'expected a number or a duration' }),
  to: z.union([z.number(), z.string()], { error: 'expected a number or a duration' }),
  step: z.union([z.number(), z.string()], { error: 'expected a number or a duration' }),
});

// List items are checked against the option's own schema in validateSweep (a union would hide their messages).
const Values = z.union([z.array(z.unknown()).min(1, { error: 'expected at least one value' }), Range], {
  error: 'expected a list of values, e.g. [50, 100, 200], or a range { from: 10s, to: 60s, step: 10s }',
});

/** A limit: a number, or for a metric in seconds a duration with a unit (`max: 2m`). */
const Limit = z.union([z.number(), Duration], { error: 'expected a number, or a duration with a unit (e.g. 2m) for a metric in seconds' });
const limitSeconds = (x: number | string | undefined) => (typeof x === 'string' ? durationMs(x) / 1000 : x);

const Objective = z
  .strictObject({
    metric: MetricNameSchema,
    max: Limit.optional().describe('Met when the upper bound of the 95% CI of the mean is at most this.'),
    min: Limit.optional().describe('Met when the lower bound of the 95% CI of the mean is at least this.'),
    equals: Limit.optional().describe('Met when every replication gives exactly this.'),
  })
  .refine((o) => [o.max, o.min, o.equals].filter((x) => x !== undefined).length === 1, {
    error: 'expected exactly one of max, min or equals, e.g. { metric: waitFraction, max: 0.01 }',
  })
  .refine((o) => o.metric.endsWith('Seconds') || ![o.max, o.min, o.equals].some((x) => typeof x === 'string'), {
    error: 'expected a number: a duration (with a unit) is a limit only for a metric in seconds (deliveryP99Seconds, recoverySeconds, ...)',
  })
  .transform((o) => ({ metric: o.metric, ...(o.max !== undefined ? { max: limitSeconds(o.max) } : {}), ...(o.min !== undefined ? { min: limitSeconds(o.min) } : {}), ...(o.equals !== undefined ? { equals: limitSeconds(o.equals) } : {}) }));
export type Objective = z.infer<typeof Objective>;

const Goal = z.union([z.strictObject({ minimize: MetricNameSchema }), z.strictObject({ maximize: MetricNameSchema })], {
  error: 'expected { minimize: METRIC } or { maximize: METRIC }',
});
export type Goal = z.infer<typeof Goal>;

/** The service-level objectives of the sizing question (issue 5), used when a sweep file names none. */
export const DEFAULT_OBJECTIVES: Objective[] = [
  { metric: 'waitFraction', max: 0.01 },
  { metric: 'deliveryP99Seconds', max: 120 },
  { metric: 'duplicatesPerRecord', max: 0.001 },
  { metric: 'dialRateLost', max: 0.02 },
  { metric: 'unconfirmedAtEnd', equals: 0 },
  // No run may be metastable (issue 24): a retry storm that outlives its trigger.
  { metric: 'metastable', equals: 0 },
];

/** One patch: a scenario fragment, or the path of a YAML file holding one (relative to the sweep file). */
const PatchPart = z.union([z.record(z.string(), z.unknown()), z.string()], { error: 'expected a scenario fragment or a path to one' });

export const SweepFile = z.strictObject({
  name: z.string().default('unnamed sweep'),
  description: z.string().default(''),
  scenario: z
    .union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a scenario file path (relative to the sweep file) or an inline scenario' })
    .describe('The base scenario: a path relative to this file, or the scenario itself.'),
  patch: z
    .union([PatchPart, z.array(PatchPart)], { error: 'expected a scenario fragment, a path to one (e.g. calibration.yaml from ocs-sim drive), or a list of them' })
    .default({})
    .describe('Merged into the base scenario as a JSON Merge Patch (objects merge, null removes a key, anything else replaces): a fragment, a path to a YAML fragment relative to this file (calibration.yaml of ocs-sim drive), or a list of them merged in order.'),
  vary: z
    .strictObject(Object.fromEntries(OPTION_NAMES.map((name) => [name, Values.optional()])) as Record<OptionName, z.ZodOptional<typeof Values>>)
    .describe('OCS options (application level) and their values; the sweep runs every combination. A campaign group setting a varied option loses it.'),
  replications: z
    .union([Count('replications', 2), z.record(z.string(), z.unknown())], { error: 'expected a whole number of replications (at least 2), or { min, max } for --adaptive' })
    .default(10)
    .describe('Seeds per cell; every cell runs the same seeds (common random numbers). { min, max }: the range --adaptive works in (a number N there means min 3, max N).'),
  adaptive: z
    .boolean({ error: 'expected true or false' })
    .default(false)
    .describe('Replications added in rounds only where a decision is open (what --adaptive sets; the sweep.yaml of an adaptive sweep records it).'),
  firstSeed: Count('(seed)', 0).default(1),
  quick: z
    .strictObject({
      replications: Count('replications', 2).default(2),
      duration: Duration.optional().describe('Dialing time of a quick run; default: the last outage end + 10m (30m without outages), at most the base duration.'),
    })
    .prefault({})
    .describe('What --quick runs instead: fewer seeds, shorter runs.'),
  smoke: z
    .boolean({ error: 'expected true or false' })
    .default(false)
    .describe('Marks the conclusions as a smoke version, not for decisions, as --quick does (the sweep.yaml a --quick sweep writes sets it).'),
  probe: z
    .strictObject({
      bound: Duration.default('10m').describe('Recovered means dialing and the backlog are back within this long after the last outage ends.'),
    })
    .prefault({}),
  objectives: z.array(Objective).default(DEFAULT_OBJECTIVES).describe('Every one must be met for a cell to qualify.'),
  goal: z
    .union([Goal, z.array(Goal).min(1)], { error: 'expected { minimize: METRIC } or { maximize: METRIC }, or a list of them (later ones break ties)' })
    .default({ minimize: 'dialRateLost' })
    .describe('What the recommendation optimises among qualifying cells, by the mean; in a list, later goals break ties of earlier ones.'),
});
export type SweepFile = z.infer<typeof SweepFile>;

/** `replications: { min: 3, max: 30 }`: the range an adaptive sweep works in. */
const ReplicationRange = z
  .strictObject({ min: Count('replications', 2), max: Count('replications', 2) }, { error: 'expected { min, max }' })
  .refine((r) => r.min <= r.max, { error: 'expected min <= max' });
export type ReplicationRange = z.infer<typeof ReplicationRange>;

/** A validated sweep with every option's values listed. */
export interface Sweep extends Omit<SweepFile, 'vary' | 'goal' | 'replications'> {
  /** Fixed replications per cell, or the range of an adaptive sweep. */
  replications: number | ReplicationRange;
  vary: Array<{ option: OptionName; values: OptionValue[] }>;
  /** The goals in order: later ones break ties of earlier ones. */
  goal: Goal[];
}

export type SweepValidation = { ok: true; sweep: Sweep } | { ok: false; errors: string[] };

/** Most cells a sweep may have (a guard against a step typed in the wrong unit). */
export const MAX_CELLS = 10_000;

export function validateSweep(input: unknown): SweepValidation {
  const parsed = SweepFile.safeParse(input ?? {});
  const errors = parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, input, SweepFile));
  // Values are checked even when other fields are wrong, so one run shows every problem.
  const vary = varied(input, errors);
  if (!parsed.success) return { ok: false, errors };
  const cells = vary.reduce((n, v) => n * Math.max(1, v.values.length), 1);
  if (cells > MAX_CELLS) errors.push(`vary: ${cells} combinations; expected at most ${MAX_CELLS} (fewer values or larger steps)`);
  const replications = checkReplications(parsed.data.replications, parsed.data.adaptive, input, errors);
  checkDuration(['probe', 'bound'], parsed.data.probe.bound, errors);
  if (parsed.data.quick.duration !== undefined) checkDuration(['quick', 'duration'], parsed.data.quick.duration, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sweep: { ...parsed.data, vary, replications, goal: [parsed.data.goal].flat() } };
}

/** A number stays as it is; `{ min, max }` is checked field by field, and only an adaptive sweep takes it. */
function checkReplications(value: number | Record<string, unknown>, adaptive: boolean, input: unknown, errors: string[]): Sweep['replications'] {
  if (typeof value === 'number') return value;
  const range = ReplicationRange.safeParse(value);
  if (!range.success) {
    errors.push(...range.error.issues.map((issue) => describeIssue({ ...issue, path: ['replications', ...issue.path] }, input, SweepFile)));
    return 0;
  }
  if (!adaptive) errors.push(`replications: got ${show(value)}; a range of replications is for adaptive sweeps: run with --adaptive (or set adaptive: true), or give a whole number`);
  return range.data;
}

/** The varied options with their values, in the file's order (the first varies slowest); what zod already rejected is skipped. */
function varied(input: unknown, errors: string[]): Sweep['vary'] {
  const raw = (input as { vary?: unknown } | null)?.vary;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  if (Object.keys(raw).length === 0) errors.push('vary: got {}; expected at least one OCS option to vary');
  const vary: Sweep['vary'] = [];
  for (const [option, spec] of Object.entries(raw) as [OptionName, unknown][]) {
    if (!OPTION_NAMES.includes(option)) continue;
    if (Array.isArray(spec) && spec.length > 0) vary.push({ option, values: checkList(option, spec, errors) });
    const range = Range.safeParse(spec);
    if (range.success) vary.push({ option, values: expandRange(option, range.data, errors) });
  }
  return vary;
}

function checkDuration(path: PropertyKey[], d: string, errors: string[]): void {
  if (durationMs(d) <= 0) errors.push(`${formatPath(path)}: got ${show(d)}; expected a duration above 0`);
}

/** The schema of one OCS option's value, without its default. */
function optionSchema(option: OptionName): z.ZodType {
  return (OcsOptions.shape[option] as unknown as z.ZodDefault<z.ZodType>).unwrap();
}

function checkList(option: OptionName, list: unknown[], errors: string[]): OptionValue[] {
  const schema = optionSchema(option);
  // Values as the scenario takes them: a bare number of seconds for an OCS timeout becomes `30s`.
  const values = list.map((value, i) => {
    const r = schema.safeParse(value);
    if (!r.success) errors.push(`${formatPath(['vary', option, i])}: got ${show(value)}; ${r.error.issues[0].message}`);
    return (r.success ? r.data : value) as OptionValue;
  });
  const seen = new Set(values.map((v) => JSON.stringify(v)));
  if (seen.size !== values.length) errors.push(`${formatPath(['vary', option])}: got ${show(list)}; expected each value once`);
  return values;
}

/** Whether an option takes a duration (`30s`), a whole number, or something a range cannot step through. */
function optionKind(option: OptionName): 'duration' | 'count' | 'other' {
  const fallback = OcsOptions.parse({})[option];
  if (typeof fallback === 'number') return 'count';
  if (typeof fallback === 'string' && Duration.safeParse(fallback).success) return 'duration';
  return 'other';
}

function expandRange(option: OptionName, range: z.infer<typeof Range>, errors: string[]): OptionValue[] {
  const kind = optionKind(option);
  const path = ['vary', option];
  if (kind === 'other') {
    errors.push(`${formatPath(path)}: got a range; ${option} takes no numbers or durations: list its values instead, e.g. [per-record, batch]`);
    return [];
  }
  const read = (key: 'from' | 'to' | 'step'): number | null => {
    const v = range[key];
    if (kind === 'duration') {
      if (typeof v === 'string' && Duration.safeParse(v).success) return durationMs(v);
      errors.push(`${formatPath([...path, key])}: got ${show(v)}; expected a duration with a unit, e.g. "30s"`);
    } else {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
      errors.push(`${formatPath([...path, key])}: got ${show(v)}; expected a whole number`);
    }
    return null;
  };
  const [from, to, step] = [read('from'), read('to'), read('step')];
  if (from === null || to === null || step === null) return [];
  if (step <= 0) errors.push(`${formatPath([...path, 'step'])}: got ${show(range.step)}; expected a step above 0`);
  else if (to < from) errors.push(`${formatPath(path)}: got from ${show(range.from)} to ${show(range.to)}; expected to >= from`);
  else if ((to - from) / step >= MAX_CELLS) errors.push(`${formatPath(path)}: ${Math.floor((to - from) / step) + 1} values; expected at most ${MAX_CELLS}`);
  else {
    const values: OptionValue[] = [];
    // Counting steps (not adding them up) keeps values exact.
    for (let i = 0; from + i * step <= to; i++) values.push(kind === 'duration' ? formatDuration(from + i * step) : from + i * step);
    return checkList(option, values, errors);
  }
  return [];
}
