import { z } from 'zod';
import { CALL_RESULT_NAMES } from './callResults.ts';
import { DURATION, durationMs, LATEST_TIMESTAMP_MS } from './durations.ts';

/**
 * The scenario: every knob of a run, named, documented, validated, in one
 * place. Users write it in YAML (or JSON) in the notation below: OCS options
 * under their OCS names verbatim, durations with units. Parsing fills in the
 * defaults and gives the *effective* scenario, which is written at the start
 * of every run and is itself a valid scenario file (so a run, or a shrunk
 * counterexample, can always be replayed from it). `resolve.ts` turns it into
 * the model's numbers.
 *
 * Defaults marked [model] are modelling decisions where the documentation is
 * silent (see docs/ocs-behaviour.md); each is a setting so its effect can be seen.
 */

const LONGEST_DURATION_MS = LATEST_TIMESTAMP_MS;

/** A duration with a unit: `250ms`, `30s`, `5m`, `2h`, or a sum like `1h30m`. Never negative. */
export const Duration = z
  .string({ error: 'expected a duration with a unit (ms, s, m or h), e.g. "30s"' })
  .regex(DURATION, { error: 'expected a non-negative duration with a unit (ms, s, m or h), e.g. "250ms", "30s", "5m", "2h", "1h30m"' })
  .refine((d) => !DURATION.test(d) || durationMs(d) <= LONGEST_DURATION_MS, {
    error: `expected a duration of at most ${LONGEST_DURATION_MS / 3_600_000}h (the span of dates a run's timestamps can have)`,
  });
export type Duration = z.infer<typeof Duration>;

const Probability = z
  .number({ error: 'expected a probability, a number from 0 to 1' })
  .min(0, { error: 'expected a probability, a number from 0 to 1' })
  .max(1, { error: 'expected a probability, a number from 0 to 1' });

const Count = (what: string, min = 0) =>
  z
    .number({ error: `expected a whole number of ${what}` })
    .int({ error: `expected a whole number of ${what}` })
    .min(min, { error: `expected at least ${min} ${what}` });

const SEED_ERROR = `expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (2^53 - 1: larger seeds are rounded, so the run could not be replayed)`;

export const CallResultName = z.enum(CALL_RESULT_NAMES, {
  error: `expected an OCS call result: ${CALL_RESULT_NAMES.join(', ')}`,
});
export type CallResultName = z.infer<typeof CallResultName>;

/**
 * A duration distribution, one key naming its shape:
 * `{ fixed: 25s }`, `{ uniform: [5s, 20s] }`, `{ exponential: 20s }` (the mean),
 * `{ lognormal: { median: 2m, p99: 10m } }`.
 */
export const Distribution = z.union(
  [
    z.strictObject({ fixed: Duration }),
    z.strictObject({ uniform: z.tuple([Duration, Duration]) }),
    z.strictObject({ exponential: Duration.describe('the mean') }),
    z.strictObject({ lognormal: z.strictObject({ median: Duration, p99: Duration }) }),
  ],
  { error: 'expected one of { fixed: 25s }, { uniform: [5s, 20s] }, { exponential: 20s } or { lognormal: { median: 2m, p99: 10m } }' },
);
export type Distribution = z.infer<typeof Distribution>;

/**
 * An OCS timeout option: a duration with a unit, or a bare whole number of
 * seconds as OCS configuration writes it (`30` is `30s`). The effective
 * scenario always carries the unit.
 */
const OcsTimeout = z.union(
  [
    z
      .number()
      .int()
      .min(0)
      .max(LONGEST_DURATION_MS / 1000)
      .transform((seconds): Duration => `${seconds}s`),
    // Quoted, as OCS configuration values are strings: "30" is 30 seconds too.
    z
      .string()
      .regex(/^\d{1,15}$/)
      .refine((text) => Number(text) <= LONGEST_DURATION_MS / 1000)
      .transform((text): Duration => `${Number(text)}s`),
    Duration,
  ],
  { error: 'expected a whole number of seconds (as OCS configuration writes it: 30) or a duration with a unit (ms, s, m or h), e.g. "30s"' },
);

/** OCS options that resolve per object (campaign group) before the application level [doc]. */
const groupScopedOptions = {
  'send-history': z.boolean().describe('[model default true] Post call report records to the external system at all.'),
  'history-http-response-timeout': OcsTimeout.describe(
    '[model default 10s] How long OCS waits for a response to a record POST before it generates a 408 itself and queues the record.',
  ),
  'history-wait-recovery-timeout': OcsTimeout.describe('[model default 30s] How long after a failure a queued record is re-submitted.'),
  'history-wait-condition-threshold': Count('records').describe(
    '[model default 100] Dialing is suspended while more records than this are marked for re-submission.',
  ),
  'pre-dial-validation': z.boolean().describe('[model default false] POST each calling-list record to the validation URI before dialing it.'),
  'validation-timeout-call-result': CallResultName.describe('[model default Unknown Call Result] Call result applied when the validation request times out.'),
  'validation-race-condition-call-result': CallResultName.describe('[model default Stale] Call result applied when a race condition prevents the dial.'),
  'http-response-timeout': OcsTimeout.describe(
    "[model default 10s] How long OCS waits for the answer to a pre-dial validation request before it applies validation-timeout-call-result (the pre-dial validation page's option; record POSTs use history-http-response-timeout).",
  ),
};

export const OcsOptions = z.strictObject({
  'send-history': groupScopedOptions['send-history'].default(true),
  'history-uri': z.string().default('http://external-system/ocs/history').describe('[model default] Where records are posted (the modelled external system).'),
  'history-http-response-timeout': groupScopedOptions['history-http-response-timeout'].default('10s'),
  'history-wait-recovery-timeout': groupScopedOptions['history-wait-recovery-timeout'].default('30s'),
  'history-wait-condition-threshold': groupScopedOptions['history-wait-condition-threshold'].default(100),
  'http-connection-pool-size': Count('connections', 1).default(10).describe('[model default 10] Concurrent HTTP requests from OCS to the external system.'),
  'pre-dial-validation': groupScopedOptions['pre-dial-validation'].default(false),
  'validation-uri': z
    .string()
    .default('http://external-system/ocs/validate')
    .describe('[model default] Where pre-dial validation requests go (the modelled external system).'),
  'validation-timeout-call-result': groupScopedOptions['validation-timeout-call-result'].default('Unknown Call Result'),
  'validation-race-condition-call-result': groupScopedOptions['validation-race-condition-call-result'].default('Stale'),
  'http-response-timeout': groupScopedOptions['http-response-timeout'].default('10s'),
  'records-in-dialing-modes': z
    .enum(['any', 'autodial'], { error: 'expected any or autodial' })
    .default('any')
    .describe(
      '[model] Which campaign groups post call report records: any dialing mode (the 2017 revision of the page), or autodial modes only (progressive and predictive; a 2020 revision): a preview group then posts none.',
    ),
  'record-attributes': z
    .enum(['2017', 'later'], { error: 'expected 2017 or later' })
    .default('2017')
    .describe(
      "[model] The GSW_* attributes of a record body: 2017, the 2017 page's 41 plus GSW_CAMPAIGN_GROUP_GUID; later, also those later revisions say a record can contain (GSW_AGENT_ID, GSW_CALLING_LIST_DBID, GSW_CAMPAIGN_TEMPLATE_NAME, GSW_CHAIN_ID, GSW_CHAIN_N, GSW_D_STATE_CODE, GSW_TENANT_CCID): an external system must accept attributes it does not know.",
    ),
  'records-after-restart': z
    .enum(['lost', 'resent'], { error: 'expected lost or resent' })
    .default('resent')
    .describe(
      '[model] What an OCS restart (ocsRestarts) does to the call report records OCS keeps: resent, they are posted again once OCS is back; lost, they are gone (counted in records.lostInRestarts). The documentation does not say.',
    ),
  'recovery-timer': z
    .enum(['per-record', 'batch'], { error: 'expected per-record or batch' })
    .default('per-record')
    .describe(
      '[model] per-record: each failed record waits history-wait-recovery-timeout from its own failure; batch: one timer per campaign group re-submits everything queued when it fires.',
    ),
});
export type OcsOptions = z.infer<typeof OcsOptions>;

/**
 * Which `ocs` settings are the model's own decisions, not OCS options of the
 * documentation. Every other one is a documented OCS option whose default
 * Genesys does not publish: the model's default is ours ([model]).
 */
export const MODEL_SETTINGS: ReadonlySet<keyof OcsOptions> = new Set([
  'recovery-timer',
  'records-in-dialing-modes',
  'record-attributes',
  'records-after-restart',
] as const);
/** The model's default of every `ocs` setting. */
export const OCS_DEFAULTS: OcsOptions = OcsOptions.parse({});

export const GroupOptions = z.strictObject(groupScopedOptions).partial();

const Treatment = z.strictObject({
  redialAfter: Duration.describe('When the calling-list record is dialed again.'),
  maxAttempts: Count('attempts', 1).describe('Attempts (this one included) after which the record is final.'),
});

const CallOutcomes = z
  .strictObject({
    Answer: Probability.default(0.35),
    Busy: Probability.default(0.1),
    'Answering Machine Detected': Probability.default(0.12),
    'Fax Detected': Probability.default(0.01),
    'Wrong Number': Probability.default(0.02),
  })
  .refine((o) => Object.values(o).reduce((a, b) => a + b, 0) <= 1 + 1e-9, {
    error:
      'expected outcome probabilities that add up to at most 1, counting the defaults of those not given (Answer 0.35, Busy 0.1, Answering Machine Detected 0.12, Fax Detected 0.01, Wrong Number 0.02); the rest of the calls end in No Answer',
  });

export const Calls = z.strictObject({
  outcomes: CallOutcomes.prefault({}).describe('What the dialer detects, as probabilities; the rest is No Answer.'),
  answerTime: Distribution.default({ uniform: ['4s', '20s'] }).describe('Ringing before a person answers.'),
  noAnswerTime: Distribution.default({ fixed: '30s' }).describe('Ringing before the dialer gives up (No Answer).'),
  busyTime: Distribution.default({ uniform: ['1s', '4s'] }),
  machineDetectionTime: Distribution.default({ uniform: ['5s', '15s'] }).describe('Ringing plus call-progress detection of a machine or fax.'),
  talkTime: Distribution.default({ lognormal: { median: '90s', p99: '10m' } }),
  afterCallWork: Distribution.default({ exponential: '20s' }),
  agentResults: z
    .strictObject({
      'Do Not Call': Probability.default(0.03),
      'Wrong Party': Probability.default(0.05),
    })
    .prefault({})
    .describe('Call results agents set, as probabilities; the rest is Answer.'),
});

export const CampaignGroup = z.strictObject({
  name: z.string().min(1).describe('Campaign group name, as in the wait-condition log lines.'),
  dbid: Count('(DBID)', 1).describe('Campaign group DBID, as in the wait-condition log lines.'),
  campaign: z.string().default('Outbound Campaign'),
  callingList: z
    .string()
    .min(1, { error: 'expected a calling list name' })
    .optional()
    .describe(
      'The calling list the group dials. Groups that name the same list share its records (a treatment or a race condition acts across them). Not given: the group has a list of its own, "Calling List" for the first group that names none, "Calling List (<group name>)" for the others.',
    ),
  callingListSize: Count('calling-list records', 1).default(100000).describe('Records in the calling list; groups that share a list give it the same size.'),
  firstPhone: Count('(phone number)', 0)
    .optional()
    .describe(
      'Phone numbers of the calling list are consecutive from this one. Not given: 5550000000 for the first list, each further list from the end of the ranges before it, so no two lists share a phone.',
    ),
  agents: Count('agents', 1).default(50),
  dialMode: z.enum(['preview', 'progressive', 'predictive'], { error: 'expected preview, progressive or predictive' }).default('predictive'),
  previewTime: Distribution.default({ uniform: ['3s', '10s'] }).describe('Preview mode: time the agent looks at the record before dialing.'),
  maxDialRatio: z.number().min(1).default(3).describe('Predictive mode: at most this many calls in progress per free agent.'),
  startAt: Duration.default('0s').describe('When the campaign group is started; at or after `duration` it is never started (loaded, then stopped).'),
  calls: Calls.prefault({}),
  treatments: z
    .partialRecord(CallResultName, Treatment)
    .default({
      Busy: { redialAfter: '5m', maxAttempts: 5 },
      'No Answer': { redialAfter: '30m', maxAttempts: 4 },
      'Answering Machine Detected': { redialAfter: '1h', maxAttempts: 3 },
      Stale: { redialAfter: '1m', maxAttempts: 20 },
      'Unknown Call Result': { redialAfter: '10m', maxAttempts: 5 },
    })
    .describe('Redial rules by call result; a call result with no treatment makes the record final (Updated).'),
  options: GroupOptions.default({}).describe('OCS options set on this campaign group; they win over the application-level ones.'),
});
/** A campaign group of the effective scenario: its calling list and phone range always named (sim/scenario/callingLists.ts). */
export type CampaignGroup = Omit<z.infer<typeof CampaignGroup>, 'callingList' | 'firstPhone'> & { callingList: string; firstPhone: number };

const NetworkOutage = z.strictObject({
  kind: z
    .enum(['refused', 'hang', 'request-loss', 'response-loss'], { error: 'expected refused, hang, request-loss or response-loss' })
    .describe(
      'refused: connections refused (418); hang: connections accepted, never answered; request-loss: requests never arrive; response-loss: the external system saves but the response never arrives.',
    ),
  from: Duration,
  until: Duration,
});

export const Network = z.strictObject({
  latency: Distribution.default({ lognormal: { median: '15ms', p99: '120ms' } }).describe('One-way latency between OCS and the external system.'),
  requestLoss: Probability.default(0).describe('Probability that a request never reaches the external system (OCS times out).'),
  responseLoss: Probability.default(0).describe(
    'Probability that a response is lost after the external system processed the request (OCS times out; a re-submission is a duplicate).',
  ),
  refusedConnections: Probability.default(0).describe('Probability that the connection is refused (OCS answers itself with 418).'),
  hangs: Probability.default(0).describe('Probability that the connection hangs with no answer (OCS times out).'),
  outages: z
    .array(NetworkOutage)
    .default([])
    .describe(
      '[model] Outage windows win over the probabilities above. Windows may overlap: at any moment the window that started last is in force (of windows starting together, the one listed last), so a window nested in another acts while it lasts.',
    ),
});

const ExternalOutage = z.strictObject({
  from: Duration,
  until: Duration,
  status: z
    .number()
    .int()
    .min(400, { error: 'expected an HTTP error status (400-599)' })
    .max(599, { error: 'expected an HTTP error status (400-599)' })
    .default(503)
    .describe('What the external system answers every request with during the outage.'),
});

export const ExternalSystem = z.strictObject({
  serviceTime: Distribution.default({ exponential: '20ms' }).describe('Time to process one request.'),
  concurrency: Count('requests', 1).default(32).describe('Requests processed at once.'),
  overflow: z
    .enum(['queue', 'reject'], { error: 'expected queue or reject' })
    .default('queue')
    .describe('Past the concurrency limit: queue the request, or answer 409 at once.'),
  errors: z
    .record(z.string().regex(/^[45]\d\d$/, { error: 'expected an HTTP error status such as "409", "408" or "503"' }), Probability)
    .default({})
    .describe('Error responses by status with their probabilities, e.g. { "409": 0.001 }; nothing is stored.'),
  storagePolicy: z
    .enum(['by-sequence', 'last-write-wins'], { error: 'expected by-sequence or last-write-wins' })
    .default('by-sequence')
    .describe('by-sequence: seq 1 wins whatever the arrival order; last-write-wins: what a naive implementation does (stale overwrites).'),
  validationRejectProbability: Probability.default(0).describe('Pre-dial validation: probability of 409 (do not dial).'),
  validationRejectCallResult: CallResultName.default('Do Not Call').describe('Pre-dial validation: call result in the 409 body.'),
  outages: z
    .array(ExternalOutage)
    .default([])
    .describe(
      '[model] Windows may overlap: at any moment the window that started last is in force (of windows starting together, the one listed last), so a 500 window inside a 503 window answers 500 while it lasts. An outage answers every request, those past the concurrency limit too.',
    ),
});

const OcsRestart = z.strictObject({
  at: Duration.describe('When OCS stops (from the start of the run).'),
  downFor: Duration.describe('How long it stays down before it is running again.'),
});

export const Scenario = z.strictObject({
  name: z.string().default('unnamed scenario'),
  description: z.string().default(''),
  seed: z
    .number({ error: SEED_ERROR })
    .refine((n) => Number.isSafeInteger(n) && n >= 0, { error: SEED_ERROR })
    .default(1)
    .describe('Seed used when none is given on the command line.'),
  startTime: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, { error: 'expected a UTC time like 2026-01-05T08:00:00Z' })
    .default('2026-01-05T08:00:00Z')
    .describe('Virtual time at the start of the run (GSW_* timestamps, log lines).'),
  duration: Duration.default('1h').describe('How long the campaign groups dial; they are stopped after it.'),
  drainLimit: Duration.default('1h').describe('[model] How long the run goes on after the groups stop for records to be confirmed.'),
  tenant: z.string().default('Environment'),
  ocs: OcsOptions.prefault({}),
  // prefault, not default: zod 4 returns a default as it is, and the group's own defaults must be filled in.
  campaignGroups: z
    .array(CampaignGroup)
    .min(1, { error: 'expected at least one campaign group' })
    .prefault([{ name: 'Outbound Sales@Sales Agents', dbid: 101 }]),
  network: Network.prefault({}),
  externalSystem: ExternalSystem.prefault({}),
  ocsRestarts: z
    .array(OcsRestart)
    .default([])
    .describe(
      '[model] Times OCS stops and starts again, e.g. [{ at: 20m, downFor: 1m }]; they may not overlap. While OCS is down nothing is dialed or posted, calls in progress are dropped (their seq 1 is never made) and pre-dial validations are abandoned; ocs.records-after-restart says what becomes of the records OCS kept.',
    ),
  syntheticRecords: z
    .strictObject({
      perSecond: z
        .number({ error: 'expected a rate, records per second' })
        .min(0, { error: 'expected a rate of 0 or more records per second' })
        .max(100_000, { error: 'expected a rate of at most 100000 records per second' })
        .default(0),
    })
    .prefault({})
    .describe(
      'A Poisson stream of seq 0 records with no call behind them, posted for the first campaign group while it dials (0 = off): for load tests and checking the model against queueing theory.',
    ),
});
/** What users write (defaults optional). */
export type ScenarioInput = z.input<typeof Scenario>;
/** The effective scenario: every default filled in, each group's calling list and phone range too. */
export type Scenario = Omit<z.infer<typeof Scenario>, 'campaignGroups'> & { campaignGroups: CampaignGroup[] };
