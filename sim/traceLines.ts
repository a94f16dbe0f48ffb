/**
 * Every kind of line trace.jsonl holds: its entity, its events and its
 * fields, each with what it means. One catalogue for three readers: the JSON
 * Schema of trace lines (`ocs-sim schema --trace`, docs/trace.schema.json),
 * the README's trace table (generated from it) and the test that holds every
 * example scenario's trace to it. Tools that read traces can rely on it.
 * The emit sites are typed by sim/traceLineTypes.ts, one member per kind in
 * this order: a kind added or changed here is changed there too (npx tsc
 * fails until sim/traceLineTypes.test.ts finds the two agree).
 */

type FieldType = 'integer' | 'number' | 'string' | 'boolean' | 'object';

interface Field {
  type: FieldType;
  /** Absent on some lines of the kind. */
  optional?: true;
  description: string;
}

export interface TraceLineKind {
  /** The entity, as a pattern for the schema and as users read it in the table. */
  entity: { pattern: string; shown: string };
  /** The events, by name, or a pattern for events a machine names itself (its timers). */
  events: readonly string[];
  eventPattern?: string;
  /** How the events read in the table, when not their list. */
  eventsShown?: string;
  fields: Readonly<Record<string, Field>>;
}

const GUID = '[^:]+';
// Literal types (`as const`) throughout: sim/traceLineTypes.test.ts reads the catalogue's type.
const state = (description: string) => ({ type: 'string', description }) as const;
const request = {
  type: 'string',
  description: 'the request: `record:GUID:SEQ`, or `validation:PHONE` (`validation:LIST/PHONE` in a run with several calling lists)',
} as const;

export const TRACE_LINE_KINDS = [
  {
    entity: { pattern: '^run$', shown: '`run`' },
    events: ['start', 'end'],
    fields: {
      seed: { type: 'integer', optional: true, description: 'the seed (start)' },
      scenario: { type: 'object', optional: true, description: 'the effective scenario (start)' },
      unconfirmed: { type: 'integer', optional: true, description: 'records still unconfirmed (end)' },
    },
  },
  {
    entity: { pattern: `^record:${GUID}:[01]$`, shown: '`record:GUID:SEQ`' },
    events: ['created', 'CONNECTION_ACQUIRED', 'HTTP_200', 'HTTP_409', 'HTTP_408', 'HTTP_418', 'HTTP_OTHER', 'RESUBMIT', 'OCS_STOPPED', 'OCS_STARTED'],
    eventPattern: '^xstate\\.after\\.',
    eventsShown:
      "`created`, then the record machine's events (`CONNECTION_ACQUIRED`, `HTTP_200`, `HTTP_409`, `HTTP_408`, `HTTP_418`, `HTTP_OTHER`, `RESUBMIT`, `xstate.after.*` timeouts, `OCS_STOPPED`, `OCS_STARTED`)",
    fields: {
      state: state(
        'the state after the event (`lostInRestart`: gone in a restart under `records-after-restart: lost`; `awaitingRestart`: kept, posted again once OCS is back)',
      ),
      status: { type: 'integer', optional: true, description: 'the status (`HTTP_OTHER`)' },
    },
  },
  {
    entity: { pattern: `^record:${GUID}:[01]$`, shown: '`record:GUID:SEQ`' },
    events: ['POST'],
    fields: {
      post: { type: 'integer', description: 'the POST number (1 for the first)' },
      body: { type: 'object', optional: true, description: 'the GSW_* attributes (on the first POST)' },
    },
  },
  {
    entity: { pattern: '^(group|recoveryTimer):.+$', shown: '`group:NAME`, `recoveryTimer:NAME`' },
    events: ['START', 'STOP', 'MARKED_COUNT_CHANGED', 'RECORD_QUEUED', 'OCS_STOPPED', 'OCS_STARTED'],
    eventPattern: '^xstate\\.after\\.',
    eventsShown: "the machines' events (`START`, `STOP`, `MARKED_COUNT_CHANGED`, `RECORD_QUEUED`, `OCS_STOPPED`, `OCS_STARTED`, `xstate.after.*` timers)",
    fields: {
      state: state('the state after the event (`down`, `downBeforeStart` while OCS is down)'),
      count: { type: 'integer', optional: true, description: 'records marked for re-submission (`MARKED_COUNT_CHANGED`)' },
    },
  },
  {
    entity: { pattern: '^ocs$', shown: '`ocs`' },
    events: ['stopped', 'started'],
    eventsShown: '`stopped`, `started` (an `ocsRestarts` entry)',
    fields: {
      downForMs: { type: 'integer', optional: true, description: 'how long OCS stays down (stopped)' },
      kept: { type: 'integer', optional: true, description: 'records OCS kept as it stopped' },
      resent: { type: 'integer', optional: true, description: 'records posted again (started)' },
    },
  },
  {
    entity: { pattern: '^contact:.+$', shown: '`contact:PHONE`' },
    events: ['dial', 'callFinalized', 'callDropped'],
    eventsShown: '`dial`, `callFinalized`, `callDropped` (an OCS restart: the call is never finalized)',
    fields: {
      guid: { type: 'string', description: "the call attempt's GUID" },
      group: { type: 'string', description: "the campaign group acting on the contact (its `callingList` completes the contact's identity)" },
      attempt: { type: 'integer', optional: true, description: "the contact's attempt number (dial)" },
      callResult: { type: 'string', optional: true, description: 'the call result (callFinalized)' },
      code: { type: 'integer', optional: true, description: "the call result's OCS code (callFinalized)" },
    },
  },
  {
    entity: { pattern: '^contact:.+$', shown: '`contact:PHONE`' },
    events: ['raceCondition'],
    fields: {
      group: { type: 'string', description: 'the campaign group' },
      unconfirmed: { type: 'integer', description: "the contact's records still unconfirmed" },
      callResult: { type: 'string', description: 'the call result applied (validation-race-condition-call-result)' },
    },
  },
  {
    entity: { pattern: '^contact:.+$', shown: '`contact:PHONE`' },
    events: ['validationSent', 'validation:approved', 'validation:rejected', 'validation:timeout', 'validationDropped'],
    fields: { group: { type: 'string', description: 'the campaign group' } },
  },
  {
    entity: { pattern: '^network$', shown: '`network`' },
    events: ['refused', 'hang', 'request-loss', 'response-loss', 'lateResponse', 'orphanedResponse'],
    eventsShown:
      '`refused`, `hang`, `request-loss` (when sent), `response-loss`, `lateResponse`, `orphanedResponse` (sent before an OCS restart: nobody waits for it)',
    fields: { request, status: { type: 'integer', optional: true, description: 'the status (the last three)' } },
  },
  {
    entity: { pattern: '^(network|external)$', shown: '`network`, `external`' },
    events: ['outageStart', 'outageEnd'],
    fields: { outage: { type: 'string', description: 'the outage (`refused`, ..., or `status 503`)' } },
  },
  {
    entity: { pattern: '^external$', shown: '`external`' },
    events: ['request', 'dequeued'],
    eventsShown: '`request` (arrival), `dequeued`',
    fields: {
      request,
      outcome: { type: 'string', optional: true, description: '`served`, `queued` or `rejected` (request)' },
      queued: { type: 'integer', description: 'requests waiting at the external system' },
    },
  },
  {
    entity: { pattern: '^external$', shown: '`external`' },
    events: ['answered'],
    fields: { request, status: { type: 'integer', description: 'what it answered, before the network carries it back' } },
  },
  {
    entity: { pattern: '^external$', shown: '`external`' },
    events: ['stored', 'finalNotSeq1'],
    fields: {
      guid: { type: 'string', description: "the attempt's GUID" },
      seq: { type: 'integer', optional: true, description: 'the seq stored (stored)' },
      duplicate: { type: 'boolean', optional: true, description: 'a (GUID, seq) stored before (stored)' },
      staleOverwrite: { type: 'boolean', optional: true, description: 'a seq 0 over a seq 1 (stored)' },
      storedSeq: { type: 'integer', description: 'the seq the attempt holds now' },
    },
  },
] as const satisfies readonly TraceLineKind[];

/** The JSON Schema of one trace line (draft 2020-12), from the catalogue. */
export function traceLineJsonSchema(): Record<string, unknown> {
  const base = {
    t: { type: 'number', minimum: 0, description: 'virtual time, milliseconds since the start of the run' },
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'A line of trace.jsonl (ocs-sim)',
    description: 'One JSON object per line: t (virtual ms), entity, event, and the fields of its kind.',
    oneOf: TRACE_LINE_KINDS.map((kind: TraceLineKind) => {
      const event: Record<string, unknown> =
        kind.eventPattern === undefined ? { enum: kind.events } : { anyOf: [{ enum: kind.events }, { type: 'string', pattern: kind.eventPattern }] };
      return {
        type: 'object',
        required: [
          't',
          'entity',
          'event',
          ...Object.entries(kind.fields)
            .filter(([, f]) => f.optional !== true)
            .map(([name]) => name),
        ],
        additionalProperties: false,
        properties: {
          ...base,
          entity: { type: 'string', pattern: kind.entity.pattern },
          event,
          ...Object.fromEntries(Object.entries(kind.fields).map(([name, f]) => [name, { type: f.type, description: f.description }])),
        },
      };
    }),
  };
}

/** The README's trace table, from the catalogue. */
export function traceTableMarkdown(): string {
  const rows = TRACE_LINE_KINDS.map((kind: TraceLineKind) => {
    const events = kind.eventsShown ?? kind.events.map((e) => `\`${e}\``).join(', ');
    const fields = Object.entries(kind.fields)
      .map(([name, f]) => `\`${name}\`${f.optional ? ' (some)' : ''}: ${f.description}`)
      .join('; ');
    return `| ${kind.entity.shown} | ${events} | ${fields} |`;
  });
  return ['| entity | event | fields |', '|---|---|---|', ...rows].join('\n');
}
