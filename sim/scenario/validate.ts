import { z } from 'zod';
import { closest } from './suggest.ts';
import { assignCallingLists } from './callingLists.ts';
import { Scenario, type Distribution } from './scenario.ts';
import { durationMs, formatDuration, LATEST_TIMESTAMP_MS } from './durations.ts';

/**
 * Turns untrusted input (parsed YAML or JSON) into an effective scenario, or
 * into messages that each name the field, the value given and what is allowed.
 */
export type Validation = { ok: true; scenario: Scenario } | { ok: false; errors: string[] };

type Path = ReadonlyArray<PropertyKey>;

export function validateScenario(input: unknown): Validation {
  const parsed = Scenario.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => describeIssue(issue, input)) };
  const lists = assignCallingLists(parsed.data.campaignGroups);
  if (!lists.ok) return lists;
  const scenario: Scenario = { ...parsed.data, campaignGroups: lists.groups };
  const errors = crossFieldErrors(scenario);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, scenario };
}

export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    // A key that is not a plain name is quoted, so a line break or a carriage return in it cannot break the message.
    else if (!/^[\w$@ -]+$/.test(String(key))) out += `[${JSON.stringify(String(key))}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

function valueAt(input: unknown, path: Path): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key as string];
  }
  return v;
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let s: string | undefined;
  try {
    s = JSON.stringify(value);
  } catch {
    // A YAML alias can make a value that contains itself.
    s = 'a value that contains itself';
  }
  // JSON has no NaN or Infinity (it would print null).
  if (typeof value === 'number' && !Number.isFinite(value)) s = String(value);
  s ??= String(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The schema found at `path`, looking through defaults, optionals and arrays. */
function schemaAt(path: Path, root: z.ZodType): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  for (const key of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(key)];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return undefined;
  }
  return unwrap(schema);
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

/** One zod issue as `field: got value; what is allowed`, for the scenario or any other schema (`root`) and the input it was given. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, root: z.ZodType = Scenario): string {
  if (issue.code === 'unrecognized_keys') {
    const shape = schemaAt(issue.path, root);
    // A record keyed by an enum (treatments by call result) allows the enum's values.
    const keys = shape instanceof z.ZodRecord ? (shape.keyType as z.ZodType) : undefined;
    const names: string[] = shape instanceof z.ZodObject ? Object.keys(shape.shape) : keys instanceof z.ZodEnum ? keys.options.map(String) : [];
    const allowed = names.length > 0 ? names.join(', ') : 'none';
    const guess = (key: string) => {
      const near = closest(key, names);
      return near === null ? '' : ` did you mean ${near}?`;
    };
    return issue.keys
      .map(
        (key) =>
          `${formatPath([...issue.path, key])}: unknown field (given ${show(valueAt(input, [...issue.path, key]))});${guess(key)} allowed here: ${allowed}`,
      )
      .join('\n');
  }
  const given = valueAt(input, issue.path);
  let message = issue.message;
  if (issue.code === 'invalid_value' && 'values' in issue) message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_key') {
    // A record's key (an error status) that its key schema refuses: say what that schema expects.
    const key = (issue as { key?: unknown }).key;
    const inner = (issue as { issues?: Array<{ message: string }> }).issues?.[0]?.message ?? message;
    return `${formatPath(issue.path)}: got the key ${show(key)}; ${inner}`;
  }
  // A duration written without its unit ("30"): say how to write it.
  if (typeof given === 'string' && /^\d+(\.\d+)?$/.test(given) && message.includes('duration with a unit'))
    message += ` (a bare ${show(given)} has no unit: write ${given}s for seconds, ${given}m for minutes)`;
  return `${formatPath(issue.path)}: got ${show(given)}; ${message}`;
}

function crossFieldErrors(s: Scenario): string[] {
  const errors: string[] = [];
  const checkDistribution = (path: Path, d: Distribution) => {
    if ('uniform' in d && durationMs(d.uniform[0]) > durationMs(d.uniform[1])) {
      errors.push(`${formatPath([...path, 'uniform'])}: got ${show(d.uniform)}; expected [min, max] with min <= max`);
    }
    if ('lognormal' in d) {
      if (durationMs(d.lognormal.median) <= 0)
        errors.push(`${formatPath([...path, 'lognormal', 'median'])}: got ${show(d.lognormal.median)}; expected a median above 0`);
      if (durationMs(d.lognormal.p99) < durationMs(d.lognormal.median)) {
        errors.push(`${formatPath([...path, 'lognormal'])}: got ${show(d.lognormal)}; expected p99 >= median`);
      }
    }
  };
  const checkWindow = (path: Path, w: { from: string; until: string }) => {
    if (durationMs(w.until) <= durationMs(w.from)) errors.push(`${formatPath(path)}: got from ${w.from} until ${w.until}; expected until after from`);
  };
  const positive = (path: Path, d: string) => {
    if (durationMs(d) <= 0) errors.push(`${formatPath(path)}: got ${show(d)}; expected a duration above 0`);
  };
  // OCS writes its timeouts in whole seconds; below a millisecond every POST would fail and come back at once.
  const ocsTimeout = (path: Path, d: string) => {
    if (durationMs(d) < 1) errors.push(`${formatPath(path)}: got ${show(d)}; expected at least 1ms (OCS configuration writes whole seconds)`);
  };
  positive(['duration'], s.duration);
  errors.push(...timeErrors(s));
  ocsTimeout(['ocs', 'history-http-response-timeout'], s.ocs['history-http-response-timeout']);
  ocsTimeout(['ocs', 'history-wait-recovery-timeout'], s.ocs['history-wait-recovery-timeout']);
  ocsTimeout(['ocs', 'http-response-timeout'], s.ocs['http-response-timeout']);
  checkDistribution(['network', 'latency'], s.network.latency);
  checkDistribution(['externalSystem', 'serviceTime'], s.externalSystem.serviceTime);
  for (const [i, o] of s.network.outages.entries()) checkWindow(['network', 'outages', i], o);
  for (const [i, o] of s.externalSystem.outages.entries()) checkWindow(['externalSystem', 'outages', i], o);
  errors.push(...restartErrors(s));
  const n = s.network;
  if (n.refusedConnections + n.hangs + n.requestLoss > 1) {
    errors.push(
      `network: refusedConnections + hangs + requestLoss = ${n.refusedConnections + n.hangs + n.requestLoss}; expected at most 1 (they are exclusive fates of one request)`,
    );
  }
  const errorSum = Object.values(s.externalSystem.errors).reduce((a, b) => a + b, 0);
  if (errorSum > 1) errors.push(`externalSystem.errors: probabilities add up to ${errorSum}; expected at most 1`);
  const names = new Set<string>();
  const dbids = new Set<number>();
  s.campaignGroups.forEach((g, i) => {
    const path = ['campaignGroups', i];
    if (names.has(g.name)) errors.push(`${formatPath([...path, 'name'])}: got ${show(g.name)}; expected a name no other campaign group has`);
    if (dbids.has(g.dbid)) errors.push(`${formatPath([...path, 'dbid'])}: got ${g.dbid}; expected a DBID no other campaign group has`);
    names.add(g.name);
    dbids.add(g.dbid);
    for (const key of ['answerTime', 'noAnswerTime', 'busyTime', 'machineDetectionTime', 'talkTime', 'afterCallWork'] as const) {
      checkDistribution([...path, 'calls', key], g.calls[key]);
    }
    checkDistribution([...path, 'previewTime'], g.previewTime);
    for (const [result, t] of Object.entries(g.treatments)) {
      // A redial sooner than a second, after a call that takes no time, would make the virtual clock stand still.
      if (t !== undefined && durationMs(t.redialAfter) < 1000)
        errors.push(`${formatPath([...path, 'treatments', result, 'redialAfter'])}: got ${show(t.redialAfter)}; expected at least 1s`);
    }
    const agentSum = Object.values(g.calls.agentResults).reduce((a, b) => a + b, 0);
    if (agentSum > 1)
      errors.push(`${formatPath([...path, 'calls', 'agentResults'])}: probabilities add up to ${agentSum}; expected at most 1 (the rest is Answer)`);
    for (const key of ['history-http-response-timeout', 'history-wait-recovery-timeout', 'http-response-timeout'] as const) {
      const v = g.options[key];
      if (v !== undefined) ocsTimeout([...path, 'options', key], v);
    }
  });
  return errors;
}

/** Each restart must last, and begin after the one before it is back up (OCS cannot stop while it is down). */
function restartErrors(s: Scenario): string[] {
  const errors: string[] = [];
  const restarts = s.ocsRestarts.map((r, i) => ({ i, from: durationMs(r.at), until: durationMs(r.at) + durationMs(r.downFor), r }));
  for (const { i, r } of restarts) {
    if (durationMs(r.downFor) <= 0) errors.push(`${formatPath(['ocsRestarts', i, 'downFor'])}: got ${show(r.downFor)}; expected a duration above 0`);
  }
  const byStart = [...restarts].sort((a, b) => a.from - b.from || a.i - b.i);
  for (let k = 1; k < byStart.length; k++) {
    const before = byStart[k - 1];
    const next = byStart[k];
    if (next.from <= before.until) {
      errors.push(
        `ocsRestarts[${next.i}]: at ${next.r.at} overlaps ocsRestarts[${before.i}] (at ${before.r.at}, down for ${before.r.downFor}, so back at ${formatDuration(before.until)}); expected each restart to begin after the one before is back up`,
      );
    }
  }
  const startMs = Date.parse(s.startTime);
  for (const r of restarts) {
    if (!(startMs + r.until > LATEST_TIMESTAMP_MS)) continue;
    const room = formatDuration(Math.max(0, Math.floor((LATEST_TIMESTAMP_MS - startMs) / 3_600_000) * 3_600_000));
    errors.push(
      `ocsRestarts[${r.i}]: at ${r.r.at}, down for ${r.r.downFor}, it is back up after +275760-09-13, the last date a timestamp can have; expected it back up at most ${room} after startTime ${s.startTime}`,
    );
  }
  return errors;
}

/**
 * The start time must be a real instant (Date.parse rolls 2026-02-30 over to
 * 2 March and gives NaN for month 13), and the run must end before the last
 * date JavaScript can represent, or its log timestamps cannot be written.
 */
function timeErrors(s: Scenario): string[] {
  const [year, month, day, hour, minute, second] = (s.startTime.match(/\d+/g) ?? []).map(Number);
  const daysInMonth = month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59)) {
    return [
      `startTime: got ${show(s.startTime)}; expected a real UTC date and time like 2026-01-05T08:00:00Z (month 01-12, a day the month has, hours 00-23, minutes and seconds 00-59)`,
    ];
  }
  const startMs = Date.parse(s.startTime);
  const endMs = startMs + durationMs(s.duration) + durationMs(s.drainLimit);
  if (endMs <= LATEST_TIMESTAMP_MS) return [];
  const room = formatDuration(Math.max(0, Math.floor((LATEST_TIMESTAMP_MS - startMs - durationMs(s.drainLimit)) / 3_600_000) * 3_600_000));
  return [
    `duration: got ${show(s.duration)} (with drainLimit ${s.drainLimit} from startTime ${s.startTime}); the run would end after +275760-09-13, the last date a timestamp can have; expected a duration of at most ${room} from this startTime`,
  ];
}
