import { z } from 'zod';
import { Duration, GroupOptions, OcsOptions } from '../sim/scenario/scenario.ts';
import { durationMs, formatDuration } from '../sim/scenario/durations.ts';
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
/** OCS options a campaign group may set for itself (they win over the application level [doc]). */
export const GROUP_OPTION_NAMES = Object.keys(GroupOptions.shape) as OptionName[];

const Count = (what: string, min: number) =>
  z
    .number({ error: `expected a whole number of ${what}` })
    .int({ error: `expected a whole number of ${what}` })
    .min(min, { error: `expected at least ${min} ${what}` });

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
  .transform((o) => ({
    metric: o.metric,
    ...(o.max !== undefined ? { max: limitSeconds(o.max) } : {}),
    ...(o.min !== undefined ? { min: limitSeconds(o.min) } : {}),
    ...(o.equals !== undefined ? { equals: limitSeconds(o.equals) } : {}),
  }));
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
    .union([PatchPart, z.array(PatchPart)], {
      error: 'expected a scenario fragment, a path to one (e.g. calibration.yaml from ocs-sim drive), or a list of them',
    })
    .default({})
    .describe(
      'Merged into the base scenario as a JSON Merge Patch (objects merge, null removes a key, anything else replaces): a fragment, a path to a YAML fragment relative to this file (calibration.yaml of ocs-sim drive), or a list of them merged in order.',
    ),
  vary: z
    .strictObject({
      ...(Object.fromEntries(OPTION_NAMES.map((name) => [name, Values.optional()])) as Record<OptionName, z.ZodOptional<typeof Values>>),
      campaignGroups: z
        .record(z.string(), z.record(z.string(), z.unknown()), { error: 'expected campaign group names, each with group-level OCS options and their values' })
        .optional()
        .describe(`One campaign group's own options: { "<group name>": { <option>: [values] } }; group-level options: ${GROUP_OPTION_NAMES.join(', ')}.`),
    })
    .describe(
      "OCS options (application level) and their values, and under campaignGroups a group's own; the sweep runs every combination. A campaign group that sets an application-level option varied here keeps its own value (OCS applies group-level options over application-level ones): the sweep says so; vary it under campaignGroups to change it.",
    ),
  replications: z
    .union([Count('replications', 2), z.record(z.string(), z.unknown())], {
      error: 'expected a whole number of replications (at least 2), or { min, max } for --adaptive',
    })
    .default(10)
    .describe(
      'Seeds per cell; every cell runs the same seeds (common random numbers). { min, max }: the range --adaptive works in (a number N there means min 3, max N).',
    ),
  adaptive: z
    .boolean({ error: 'expected true or false' })
    .default(false)
    .describe('Replications added in rounds only where a decision is open (what --adaptive sets; the sweep.yaml of an adaptive sweep records it).'),
  firstSeed: Count('(seed)', 0).default(1),
  quick: z
    .strictObject({
      replications: Count('replications', 2).default(2),
      duration: Duration.optional().describe(
        'Dialing time of a quick run; default: the last outage end + 10m (30m without outages), at most the base duration.',
      ),
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
  conditions: z
    .strictObject({
      agents: z
        .record(z.string(), Values, { error: 'expected campaign group names, each with its numbers of agents' })
        .optional()
        .describe('Agents of a campaign group: { "<group name>": [30, 40] }.'),
      outageLength: Values.optional().describe(
        'Length of every outage window of the scenario (network and external system), each from its own start: [6m, 12m].',
      ),
      serviceTime: Values.optional().describe("The external system's service time: exponential with this mean, e.g. [20ms, 200ms]."),
      concurrency: Values.optional().describe('Requests the external system processes at once: [8, 32].'),
    })
    .default({})
    .describe(
      'Conditions the settings must hold under, not choices: every setting runs under every combination of them, and the recommendation is the setting that meets the objectives under all of them (the report shows where each condition breaks a setting).',
    ),
});
export type SweepFile = z.infer<typeof SweepFile>;

/** `replications: { min: 3, max: 30 }`: the range an adaptive sweep works in. */
const ReplicationRange = z
  .strictObject({ min: Count('replications', 2), max: Count('replications', 2) }, { error: 'expected { min, max }' })
  .refine((r) => r.min <= r.max, { error: 'expected min <= max' });
export type ReplicationRange = z.infer<typeof ReplicationRange>;

/** A validated sweep with every option's values listed. */
export interface Sweep extends Omit<SweepFile, 'vary' | 'goal' | 'replications' | 'conditions'> {
  /** Fixed replications per cell, or the range of an adaptive sweep. */
  replications: number | ReplicationRange;
  /** Settings first (application level, then groups' own), in the file's order, then conditions: the first varies slowest. */
  vary: Dimension[];
  /** The goals in order: later ones break ties of earlier ones. */
  goal: Goal[];
}

/** What a dimension of the grid sets: an OCS option (at application level or for one group), or a condition. */
export type DimensionTarget =
  | { kind: 'option'; option: OptionName; group: null }
  | { kind: 'groupOption'; option: OptionName; group: string }
  | { kind: 'condition'; condition: ConditionName; group: string | null };

export const CONDITION_NAMES = ['agents', 'outageLength', 'serviceTime', 'concurrency'] as const;
export type ConditionName = (typeof CONDITION_NAMES)[number];

/** One axis of the sweep's grid. */
export type Dimension = DimensionTarget & {
  /** Its name in cell options, cells.csv and reports: the option, `option[group]`, `agents[group]` or the condition's name. */
  key: string;
  values: OptionValue[];
};

/** A condition, not a setting: the recommendation must hold under each of its values. */
export const isCondition = (d: Dimension) => d.kind === 'condition';

export type SweepValidation = { ok: true; sweep: Sweep } | { ok: false; errors: string[] };

/** Most cells a sweep may have (a guard against a step typed in the wrong unit). */
export const MAX_CELLS = 10_000;

export function validateSweep(input: unknown): SweepValidation {
  const parsed = SweepFile.safeParse(input ?? {});
  const errors = parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, input, SweepFile));
  // Values are checked even when other fields are wrong, so one run shows every problem.
  const vary = [...varied(input, errors), ...conditionsOf(input, errors)];
  if (!parsed.success) return { ok: false, errors };
  const cells = vary.reduce((n, v) => n * Math.max(1, v.values.length), 1);
  if (cells > MAX_CELLS) errors.push(`vary: ${cells} combinations; expected at most ${MAX_CELLS} (fewer values or larger steps)`);
  const replications = checkReplications(parsed.data.replications, parsed.data.adaptive, input, errors);
  checkDuration(['probe', 'bound'], parsed.data.probe.bound, errors);
  if (parsed.data.quick.duration !== undefined) checkDuration(['quick', 'duration'], parsed.data.quick.duration, errors);
  if (vary.length === 0 && errors.length === 0)
    errors.push("vary: nothing to vary; expected at least one OCS option, a campaign group's option under vary.campaignGroups, or a condition");
  const { conditions: _conditions, ...rest } = parsed.data;
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sweep: { ...rest, vary, replications, goal: [parsed.data.goal].flat() } };
}

/** A number stays as it is; `{ min, max }` is checked field by field, and only an adaptive sweep takes it. */
function checkReplications(value: number | Record<string, unknown>, adaptive: boolean, input: unknown, errors: string[]): Sweep['replications'] {
  if (typeof value === 'number') return value;
  const range = ReplicationRange.safeParse(value);
  if (!range.success) {
    errors.push(...range.error.issues.map((issue) => describeIssue({ ...issue, path: ['replications', ...issue.path] }, input, SweepFile)));
    return 0;
  }
  if (!adaptive)
    errors.push(
      `replications: got ${show(value)}; a range of replications is for adaptive sweeps: run with --adaptive (or set adaptive: true), or give a whole number`,
    );
  return range.data;
}

/** A value axis as validation needs it: where it sits in the file, what one value must be, whether a range can step through it. */
interface Axis {
  path: PropertyKey[];
  schema: z.ZodType;
  kind: 'duration' | 'count' | 'other';
}

const optionAxis = (path: PropertyKey[], option: OptionName): Axis => ({ path, schema: optionSchema(option), kind: optionKind(option) });

/** The values of one axis: a list checked item by item, or a range stepped through; what zod already rejected gives none. */
function axisValues(axis: Axis, spec: unknown, errors: string[]): OptionValue[] | null {
  if (Array.isArray(spec) && spec.length > 0) return checkList(axis, spec, errors);
  const range = Range.safeParse(spec);
  if (range.success) return expandRange(axis, range.data, errors);
  return null;
}

/** The varied options with their values, in the file's order (the first varies slowest), then each group's own; what zod already rejected is skipped. */
function varied(input: unknown, errors: string[]): Dimension[] {
  const raw = (input as { vary?: unknown } | null)?.vary;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  if (Object.keys(raw).length === 0) errors.push('vary: got {}; expected at least one OCS option to vary');
  const vary: Dimension[] = [];
  for (const [option, spec] of Object.entries(raw) as [OptionName, unknown][]) {
    if (!OPTION_NAMES.includes(option)) continue;
    const values = axisValues(optionAxis(['vary', option], option), spec, errors);
    if (values !== null) vary.push({ kind: 'option', option, group: null, key: option, values });
  }
  const groups = (raw as { campaignGroups?: unknown }).campaignGroups;
  if (typeof groups !== 'object' || groups === null || Array.isArray(groups)) return vary;
  for (const [group, options] of Object.entries(groups)) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) continue;
    if (Object.keys(options).length === 0)
      errors.push(
        `${formatPath(['vary', 'campaignGroups', group])}: got {}; expected at least one group-level option to vary: ${GROUP_OPTION_NAMES.join(', ')}`,
      );
    for (const [option, spec] of Object.entries(options) as [OptionName, unknown][]) {
      const path = ['vary', 'campaignGroups', group, option];
      if (!GROUP_OPTION_NAMES.includes(option)) {
        errors.push(
          `${formatPath(path)}: ${show(option)} is not an option a campaign group can set for itself; group-level options: ${GROUP_OPTION_NAMES.join(', ')}`,
        );
        continue;
      }
      const values = axisValues(optionAxis(path, option), spec, errors);
      if (values === null)
        errors.push(`${formatPath(path)}: got ${show(spec)}; expected a list of values, e.g. [20, 60], or a range { from: 20, to: 100, step: 20 }`);
      else vary.push({ kind: 'groupOption', option, group, key: groupKey(option, group), values });
    }
  }
  return vary;
}

/** `history-wait-condition-threshold[Collections@Team B]`: a group's own option, or a condition of one group. */
export const groupKey = (name: string, group: string) => `${name}[${group}]`;

const PositiveDuration = Duration.refine((d) => durationMs(d) > 0, { error: 'expected a duration above 0' });
const CONDITION_AXES: Record<ConditionName, Omit<Axis, 'path'>> = {
  agents: { schema: z.number().int({ error: 'expected a whole number of agents' }).min(1, { error: 'expected at least 1 agent' }), kind: 'count' },
  outageLength: { schema: PositiveDuration, kind: 'duration' },
  serviceTime: { schema: PositiveDuration, kind: 'duration' },
  concurrency: { schema: z.number().int({ error: 'expected a whole number of requests' }).min(1, { error: 'expected at least 1 request' }), kind: 'count' },
};

/** The conditions with their values, in a fixed order (agents per group, outage length, service time, concurrency); what zod already rejected is skipped. */
function conditionsOf(input: unknown, errors: string[]): Dimension[] {
  const raw = (input as { conditions?: unknown } | null)?.conditions;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  const out: Dimension[] = [];
  const agents = (raw as { agents?: unknown }).agents;
  if (typeof agents === 'object' && agents !== null && !Array.isArray(agents)) {
    for (const [group, spec] of Object.entries(agents)) {
      const values = axisValues({ path: ['conditions', 'agents', group], ...CONDITION_AXES.agents }, spec, errors);
      if (values !== null) out.push({ kind: 'condition', condition: 'agents', group, key: groupKey('agents', group), values });
    }
  }
  for (const condition of ['outageLength', 'serviceTime', 'concurrency'] as const) {
    const spec = (raw as Record<string, unknown>)[condition];
    if (spec === undefined) continue;
    const values = axisValues({ path: ['conditions', condition], ...CONDITION_AXES[condition] }, spec, errors);
    if (values !== null) out.push({ kind: 'condition', condition, group: null, key: condition, values });
  }
  return out;
}

function checkDuration(path: PropertyKey[], d: string, errors: string[]): void {
  if (durationMs(d) <= 0) errors.push(`${formatPath(path)}: got ${show(d)}; expected a duration above 0`);
}

/** The schema of one OCS option's value, without its default. */
function optionSchema(option: OptionName): z.ZodType {
  return (OcsOptions.shape[option] as unknown as z.ZodDefault<z.ZodType>).unwrap();
}

function checkList(axis: Axis, list: unknown[], errors: string[]): OptionValue[] {
  // Values as the scenario takes them: a bare number of seconds for an OCS timeout becomes `30s`.
  const values = list.map((value, i) => {
    const r = axis.schema.safeParse(value);
    if (!r.success) errors.push(`${formatPath([...axis.path, i])}: got ${show(value)}; ${r.error.issues[0].message}`);
    return (r.success ? r.data : value) as OptionValue;
  });
  const seen = new Set(values.map((v) => JSON.stringify(v)));
  if (seen.size !== values.length) errors.push(`${formatPath(axis.path)}: got ${show(list)}; expected each value once`);
  return values;
}

/** Whether an option takes a duration (`30s`), a whole number, or something a range cannot step through. */
function optionKind(option: OptionName): 'duration' | 'count' | 'other' {
  const fallback = OcsOptions.parse({})[option];
  if (typeof fallback === 'number') return 'count';
  if (typeof fallback === 'string' && Duration.safeParse(fallback).success) return 'duration';
  return 'other';
}

function expandRange(axis: Axis, range: z.infer<typeof Range>, errors: string[]): OptionValue[] {
  const { kind, path } = axis;
  if (kind === 'other') {
    errors.push(`${formatPath(path)}: got a range; ${String(path.at(-1))} takes no numbers or durations: list its values instead, e.g. [per-record, batch]`);
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
    return checkList(axis, values, errors);
  }
  return [];
}
