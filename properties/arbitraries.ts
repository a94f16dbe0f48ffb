import fc from 'fast-check';
import type { ScenarioInput } from '../sim/scenario/scenario.ts';
import { formatDuration } from '../sim/scenario/durations.ts';

/**
 * fast-check arbitraries for scenarios and fault schedules, producing
 * *scenario input objects* in the user's notation (OCS option names,
 * durations like "30s"), so any generated case can be written as a YAML file
 * that `ocs-sim run` replays. Runs are kept small (a few agents, minutes of
 * virtual time, short calling lists) so a hundred of them take seconds.
 * Every choice shrinks towards the simplest value (first arm, smallest number).
 */

type Distribution = NonNullable<NonNullable<ScenarioInput['network']>['latency']>;

/** A duration string for a whole number of milliseconds in [minMs, maxMs]. */
export const durationMs = (minMs: number, maxMs: number) => fc.integer({ min: minMs, max: maxMs }).map(formatDuration);
/** A duration string for a whole number of seconds in [min, max]. */
export const durationS = (min: number, max: number) => fc.integer({ min, max }).map((s) => formatDuration(s * 1000));
/** A probability in steps of 1%. */
export const percent = (maxPercent: number) => fc.integer({ min: 0, max: maxPercent }).map((n) => n / 100);

/** Bounded shapes (fixed, uniform) of durations in [minMs, maxMs]. */
export function boundedDistribution(minMs: number, maxMs: number): fc.Arbitrary<Distribution> {
  const ms = fc.integer({ min: minMs, max: maxMs });
  return fc.oneof(
    ms.map((v): Distribution => ({ fixed: formatDuration(v) })),
    fc.tuple(ms, ms).map(([a, b]): Distribution => ({ uniform: [formatDuration(Math.min(a, b)), formatDuration(Math.max(a, b))] })),
  );
}

/** Any shape: the bounded ones, exponential (the mean) and lognormal (median, p99), with median >= 1 ms. */
export function distribution(minMs: number, maxMs: number): fc.Arbitrary<Distribution> {
  const ms = fc.integer({ min: Math.max(1, minMs), max: maxMs });
  return fc.oneof(
    boundedDistribution(minMs, maxMs),
    ms.map((v): Distribution => ({ exponential: formatDuration(v) })),
    fc
      .tuple(ms, fc.integer({ min: 1, max: 8 }))
      .map(([median, spread]): Distribution => ({ lognormal: { median: formatDuration(median), p99: formatDuration(median * spread) } })),
  );
}

// ---------------------------------------------------------------------------
// OCS options.

const CALL_RESULTS_FOR_VALIDATION = ['Stale', 'Unknown Call Result', 'Busy', 'No Answer', 'Do Not Call'] as const;

export interface OcsShape {
  /** Force pre-dial validation on (the race properties) or leave it to chance. */
  preDialValidation?: boolean;
  /** Longest treatment redial delay, seconds (short redials make races likely). */
  maxRedialS?: number;
  /** Smallest history-http-response-timeout, ms (the liveness bound needs it above a round trip). */
  minResponseTimeoutMs?: number;
  /** Largest http-connection-pool-size (6 unless given): a small pool keeps records waiting for a connection. */
  maxPoolSize?: number;
}

export function ocsOptions(shape: OcsShape = {}) {
  return fc.record({
    'history-http-response-timeout': durationMs(shape.minResponseTimeoutMs ?? 300, 10_000),
    'history-wait-recovery-timeout': durationS(1, 60),
    'history-wait-condition-threshold': fc.integer({ min: 0, max: 8 }),
    'http-connection-pool-size': fc.integer({ min: 1, max: shape.maxPoolSize ?? 6 }),
    'pre-dial-validation': shape.preDialValidation === undefined ? fc.boolean() : fc.constant(shape.preDialValidation),
    'validation-timeout-call-result': fc.constantFrom(...CALL_RESULTS_FOR_VALIDATION),
    'validation-race-condition-call-result': fc.constantFrom(...CALL_RESULTS_FOR_VALIDATION),
    'recovery-timer': fc.constantFrom('per-record' as const, 'batch' as const),
    'http-response-timeout': durationMs(shape.minResponseTimeoutMs ?? 300, 10_000),
    'records-in-dialing-modes': fc.constantFrom('any' as const, 'autodial' as const),
    'records-after-restart': fc.constantFrom('resent' as const, 'lost' as const),
  });
}

/** Object-level overrides a campaign group may carry (they win over the application level). */
function groupOptions(shape: OcsShape) {
  return fc.record(
    {
      'history-wait-condition-threshold': fc.integer({ min: 0, max: 8 }),
      'history-http-response-timeout': durationMs(shape.minResponseTimeoutMs ?? 300, 10_000),
      'history-wait-recovery-timeout': durationS(1, 60),
      'http-response-timeout': durationMs(shape.minResponseTimeoutMs ?? 300, 10_000),
      ...(shape.preDialValidation === undefined ? { 'pre-dial-validation': fc.boolean() } : {}),
      'send-history': fc.constantFrom(true, false),
    },
    { requiredKeys: [] },
  );
}

// ---------------------------------------------------------------------------
// Campaign shapes.

const treatment = (maxRedialS: number) => fc.record({ redialAfter: durationS(5, maxRedialS), maxAttempts: fc.integer({ min: 1, max: 5 }) });

const calls = fc.record({
  outcomes: fc.record({
    Answer: percent(50),
    Busy: percent(30),
    'Answering Machine Detected': percent(10),
    'Fax Detected': percent(5),
    'Wrong Number': percent(5),
  }),
  answerTime: boundedDistribution(1000, 10_000),
  noAnswerTime: boundedDistribution(5000, 30_000),
  busyTime: boundedDistribution(500, 5000),
  machineDetectionTime: boundedDistribution(2000, 10_000),
  talkTime: distribution(5000, 120_000),
  afterCallWork: distribution(0, 20_000),
  agentResults: fc.record({ 'Do Not Call': percent(10), 'Wrong Party': percent(10) }),
});

const treatments = (maxRedialS: number) => {
  const t = treatment(maxRedialS);
  return fc.record({ Busy: t, 'No Answer': t, 'Answering Machine Detected': t, Stale: t, 'Unknown Call Result': t, 'Do Not Call': t }, { requiredKeys: [] });
};

/** One campaign group; names and DBIDs are set by position so groups never collide, calling lists by `list`. */
function campaignGroup(shape: OcsShape) {
  return fc.record({
    /** A shared calling list (`List N`), or none: the group's own default list. */
    list: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
    /** Give firstPhone 5550000000 (every list that does overlaps the others' phones: only the list tells their contacts apart). */
    phoneGiven: fc.boolean(),
    callingListSize: fc.integer({ min: 1, max: 30 }),
    agents: fc.integer({ min: 1, max: 4 }),
    dialMode: fc.constantFrom('progressive' as const, 'preview' as const, 'predictive' as const),
    previewTime: boundedDistribution(1000, 10_000),
    maxDialRatio: fc.integer({ min: 1, max: 3 }),
    startAt: durationS(0, 60),
    calls,
    treatments: treatments(shape.maxRedialS ?? 180),
    options: groupOptions(shape),
  });
}

/**
 * One to five campaign groups with their own dial modes, start times and
 * group-level options, dialing their own calling lists or sharing one: groups
 * of a shared list give it the first one's size (and all give firstPhone, or
 * none of them does), as a valid scenario must.
 */
export function campaignGroups(shape: OcsShape = {}) {
  return fc.array(campaignGroup(shape), { minLength: 1, maxLength: 5 }).map((groups) => {
    const listSize = new Map<number, number>();
    const listPhone = new Map<number, boolean>();
    return groups.map(({ list, phoneGiven, callingListSize, ...g }, i) => {
      if (list !== undefined && !listSize.has(list)) {
        listSize.set(list, callingListSize);
        listPhone.set(list, phoneGiven);
      }
      const phone = list === undefined ? phoneGiven : listPhone.get(list)!;
      return {
        name: `Group ${i + 1}@Agents ${i + 1}`,
        dbid: 101 + i,
        ...(list === undefined ? {} : { callingList: `List ${list}` }),
        callingListSize: list === undefined ? callingListSize : listSize.get(list)!,
        ...(phone ? { firstPhone: 5550000000 } : {}),
        ...g,
      };
    });
  });
}

// ---------------------------------------------------------------------------
// Fault schedules.

const NETWORK_OUTAGE_KINDS = ['refused', 'hang', 'request-loss', 'response-loss'] as const;
const ERROR_STATUSES = [503, 409, 408, 418, 500, 404] as const;

/** An outage window starting in [0, horizon) seconds and lasting 5 s to 4 min. */
const window = (horizonS: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: horizonS }), fc.integer({ min: 5, max: 240 }))
    .map(([from, length]) => ({ from: formatDuration(from * 1000), until: formatDuration((from + length) * 1000) }));

export interface FaultShape {
  /** Outages only: no background fault rates, no random errors, bounded latency and service (the liveness bound applies). */
  clean?: boolean;
  storagePolicy?: 'by-sequence' | 'last-write-wins';
  /** Outage windows start within this many seconds. */
  horizonS?: number;
  /** At most this many OCS restarts (2 unless given). */
  maxRestarts?: number;
}

/** Up to three network outage windows of any kind, starting within `horizonS` seconds. */
export const networkOutages = (horizonS: number) =>
  fc.array(
    fc.tuple(fc.constantFrom(...NETWORK_OUTAGE_KINDS), window(horizonS)).map(([kind, w]) => ({ kind, ...w })),
    { maxLength: 3 },
  );
/** Background network fault rates, a few percent each. */
export const networkFaultRates = { requestLoss: percent(5), responseLoss: percent(10), refusedConnections: percent(5), hangs: percent(5) };
/** Up to two external-system outages answering an error status, starting within `horizonS` seconds. */
export const externalOutages = (horizonS: number) =>
  fc.array(
    fc.tuple(window(horizonS), fc.constantFrom(...ERROR_STATUSES)).map(([w, status]) => ({ ...w, status })),
    { maxLength: 2 },
  );
/** Error responses the external system gives at random. */
export const externalErrors = fc.record({ '409': percent(5), '503': percent(5), '408': percent(3), '418': percent(3) }, { requiredKeys: [] });

/**
 * Up to `max` OCS restarts, the first within `horizonS` seconds, each down for
 * 1 s to 2 min and starting at least a second after the one before is back.
 */
export const ocsRestarts = (horizonS: number, max = 2) =>
  fc.array(fc.tuple(fc.integer({ min: 1, max: horizonS }), fc.integer({ min: 1, max: 120 })), { maxLength: max }).map((parts) => {
    let t = 0;
    return parts.map(([gap, down]) => {
      const at = t + gap;
      t = at + down;
      return { at: formatDuration(at * 1000), downFor: formatDuration(down * 1000) };
    });
  });

export function networkFaults(shape: FaultShape = {}) {
  const outages = networkOutages(shape.horizonS ?? 300);
  if (shape.clean) return fc.record({ latency: boundedDistribution(1, 100), outages });
  return fc.record({ latency: distribution(1, 300), ...networkFaultRates, outages });
}

export function externalSystemFaults(shape: FaultShape = {}) {
  const outages = externalOutages(shape.horizonS ?? 300);
  const storagePolicy = shape.storagePolicy ? fc.constant(shape.storagePolicy) : fc.constantFrom('by-sequence' as const, 'last-write-wins' as const);
  const common = {
    concurrency: fc.integer({ min: 1, max: 8 }),
    storagePolicy,
    validationRejectProbability: percent(30),
    outages,
  };
  if (shape.clean) return fc.record({ serviceTime: boundedDistribution(1, 100), overflow: fc.constant('queue' as const), ...common });
  return fc.record({
    serviceTime: distribution(1, 300),
    overflow: fc.constantFrom('queue' as const, 'reject' as const),
    errors: externalErrors,
    ...common,
  });
}

// ---------------------------------------------------------------------------
// Whole scenarios.

export type ScenarioShape = OcsShape & FaultShape;

/** A whole scenario input: OCS options, campaign groups and a fault schedule, with its seed. */
export function scenarioInput(shape: ScenarioShape = {}): fc.Arbitrary<ScenarioInput> {
  const ocsShape: OcsShape = { ...shape, minResponseTimeoutMs: shape.clean ? 1000 : shape.minResponseTimeoutMs };
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      duration: durationS(30, 300),
      ocs: ocsOptions(ocsShape),
      campaignGroups: campaignGroups(ocsShape),
      network: networkFaults(shape),
      externalSystem: externalSystemFaults(shape),
      ocsRestarts: ocsRestarts(shape.horizonS ?? 300, shape.maxRestarts),
    })
    .map((s): ScenarioInput => ({ name: 'generated', drainLimit: '2h', ...s }));
}
