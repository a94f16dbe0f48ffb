import { describe, expect, it } from 'vitest';
import type { TraceLine } from '../observer.ts';
import { runScenario } from '../run.ts';
import { validateScenario } from '../scenario/validate.ts';
import { callResultCode } from '../scenario/resolve.ts';
import { documentedAttributes } from '../../test-support/documentation.ts';

/**
 * The call report records on the wire: the documented 41 attributes plus
 * GSW_CAMPAIGN_GROUP_GUID, seq 0 without a call result, seq 1 with it, both
 * with the same GSW_CALL_ATTEMPT_GUID, each as the call stood when OCS made
 * the record.
 */

// The documented attribute table (docs/ocs-behaviour.md), in its order.
const DOCUMENTED_ATTRIBUTES = [
  'GSW_CALL_ATTEMPT_GUID',
  'GSW_HIST_SEQUENCE_NUM',
  'GSW_TENANT_NAME',
  'GSW_PHONE',
  'GSW_CAMPAIGN_DBID',
  'GSW_PHONE_TYPE',
  'GSW_CUSTOMER_ID',
  'GSW_START_PROCESSING',
  'GSW_CALL_TIME',
  'GSW_SCHEDULED_TIME',
  'GSW_TZ_OFFSET',
  'GSW_TZ_NAME',
  'GSW_CALL_RESULT',
  'GSW_CAMPAIGN_NAME',
  'GSW_CALLING_LIST',
  'GSW_CAMPAIGN_GROUP_NAME',
  'GSW_GROUP_NAME',
  'GSW_QUEUE_NAME',
  'GSW_DIAL_MODE',
  'GSW_OPTIMIZE_BY',
  'GSW_OPTIMIZE_GOAL',
  'GSW_DIALING',
  'GSW_RINGING',
  'GSW_RELEASED',
  'GSW_ANSWERED',
  'GSW_CPD_COMPLETED',
  'GSW_QUEUED',
  'GSW_AGENT_RINGING',
  'GSW_AGENT_ANSWERED',
  'GSW_DIVERTED',
  'GSW_ABANDONED',
  'GSW_AGENT_RELEASED',
  'GSW_ACW_COMPLETED',
  'GSW_COMPLETE_PROCESSING',
  'GSW_POSTAL_CODE',
  'GSW_REGION_CODE',
  'GSW_COUNTRY_CODE',
  'GSW_TZ_CODE',
  'GSW_D_AREA_CODE',
  'GSW_D_REGION_CODE',
  'GSW_D_COUNTRY_CODE',
];

/** Stage timestamps: set only for the stages the call went through. */
const STAGES = [
  'GSW_DIALING',
  'GSW_RINGING',
  'GSW_CPD_COMPLETED',
  'GSW_ANSWERED',
  'GSW_QUEUED',
  'GSW_AGENT_RINGING',
  'GSW_AGENT_ANSWERED',
  'GSW_DIVERTED',
  'GSW_ABANDONED',
  'GSW_RELEASED',
  'GSW_AGENT_RELEASED',
  'GSW_ACW_COMPLETED',
  'GSW_COMPLETE_PROCESSING',
];

/** First POSTs with their bodies, and call results, of a run. */
function posts(input: unknown) {
  const v = validateScenario(input);
  if (!v.ok) throw new Error(v.errors.join('\n'));
  const trace: TraceLine[] = [];
  runScenario(v.scenario, { observer: { trace: (l) => trace.push(l) } });
  const bodies = trace.filter((l) => l.event === 'POST' && l.body !== undefined).map((l) => ({ t: l.t, body: l.body as Record<string, string | number> }));
  const results = new Map(trace.filter((l) => l.event === 'callFinalized').map((l) => [String(l.guid), String(l.callResult)]));
  return { bodies, results, startEpoch: Date.parse(v.scenario.startTime) / 1000 };
}

describe('call report record bodies', () => {
  it('list exactly the documented attribute table (docs/ocs-behaviour.md)', () => {
    expect(documentedAttributes()).toEqual(DOCUMENTED_ATTRIBUTES);
  });

  const { bodies, results } = posts({ duration: '10m', campaignGroups: [{ name: 'Body@Agents', dbid: 5, agents: 10 }] });
  const seq0 = bodies.filter((b) => b.body.GSW_HIST_SEQUENCE_NUM === 0);
  const seq1 = bodies.filter((b) => b.body.GSW_HIST_SEQUENCE_NUM === 1);

  it('carry every documented attribute, and GSW_CAMPAIGN_GROUP_GUID, with nothing else', () => {
    expect(seq0.length).toBeGreaterThan(20);
    for (const { body } of bodies) {
      const timestamps = STAGES.filter((s) => !(s in body));
      const expected = DOCUMENTED_ATTRIBUTES.filter((a) => !timestamps.includes(a) && !(a === 'GSW_CALL_RESULT' && body.GSW_HIST_SEQUENCE_NUM === 0));
      expect(Object.keys(body).sort()).toEqual([...expected, 'GSW_CAMPAIGN_GROUP_GUID'].sort());
    }
  });

  it("seq 0 has no call result; seq 1 has its call's, under the same GUID", () => {
    for (const { body } of seq0) expect(body).not.toHaveProperty('GSW_CALL_RESULT');
    expect(seq1.length).toBeGreaterThan(20);
    const guids0 = new Set(seq0.map((b) => b.body.GSW_CALL_ATTEMPT_GUID));
    for (const { body } of seq1) {
      expect(guids0.has(body.GSW_CALL_ATTEMPT_GUID)).toBe(true);
      expect(body.GSW_CALL_RESULT).toBe(callResultCode(results.get(String(body.GSW_CALL_ATTEMPT_GUID)) as never));
    }
  });

  it('name each call attempt by its own GUID, shaped like a UUID and made from the seed', () => {
    const guids = seq0.map((b) => String(b.body.GSW_CALL_ATTEMPT_GUID));
    expect(new Set(guids).size).toBe(guids.length);
    for (const guid of guids) expect(guid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-8[0-9A-F]{3}-[0-9A-F]{12}$/);
    const other = posts({ seed: 2, duration: '10m', campaignGroups: [{ name: 'Body@Agents', dbid: 5, agents: 10 }] });
    const otherGuids = new Set(other.bodies.map((b) => String(b.body.GSW_CALL_ATTEMPT_GUID)));
    expect(guids.some((g) => otherGuids.has(g))).toBe(false);
  });

  it('hold the call as it stood when OCS made the record, even when the POST waited long for a connection', () => {
    // One connection and a slow external system: seq 0 records wait in OCS while their calls are answered.
    const slow = posts({
      duration: '5m',
      ocs: { 'http-connection-pool-size': 1 },
      campaignGroups: [
        {
          name: 'Slow@Agents',
          dbid: 6,
          agents: 10,
          calls: { outcomes: { Answer: 1, Busy: 0, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0 }, answerTime: { fixed: '2s' } },
        },
      ],
      externalSystem: { serviceTime: { fixed: '3s' } },
    });
    const late = slow.bodies.filter((b) => b.body.GSW_HIST_SEQUENCE_NUM === 0 && b.t / 1000 - (Number(b.body.GSW_DIALING) - slow.startEpoch) > 5);
    expect(late.length, 'seq 0 records POSTed seconds after their dial').toBeGreaterThan(0);
    for (const { body } of late) {
      expect(body).not.toHaveProperty('GSW_ANSWERED');
      for (const stage of STAGES) if (stage in body) expect(body[stage]).toBe(body.GSW_DIALING);
    }
  });
});

describe("record-attributes: later (the later revisions' attributes a record can contain)", () => {
  const LATER = ['GSW_AGENT_ID', 'GSW_CALLING_LIST_DBID', 'GSW_CAMPAIGN_TEMPLATE_NAME', 'GSW_CHAIN_ID', 'GSW_CHAIN_N', 'GSW_D_STATE_CODE', 'GSW_TENANT_CCID'];
  const scenario = (attributes?: '2017' | 'later') => ({
    duration: '5m',
    ...(attributes ? { ocs: { 'record-attributes': attributes } } : {}),
    campaignGroups: [
      {
        name: 'A@B',
        dbid: 7,
        agents: 3,
        dialMode: 'progressive',
        calls: { outcomes: { Answer: 1, Busy: 0, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0 } },
      },
    ],
  });

  it('adds them to every body, GSW_AGENT_ID once an agent took the call; the 2017 set (the default) has none of them', () => {
    const later = posts(scenario('later')).bodies;
    expect(later.length).toBeGreaterThan(0);
    for (const { body } of later) {
      for (const name of LATER.filter((n) => n !== 'GSW_AGENT_ID')) expect(body, name).toHaveProperty(name);
      expect('GSW_AGENT_ID' in body).toBe(body.GSW_HIST_SEQUENCE_NUM === 1 && 'GSW_AGENT_ANSWERED' in body);
      // The 2017 attributes are all still there.
      for (const name of DOCUMENTED_ATTRIBUTES.filter((n) => n !== 'GSW_CALL_RESULT' && !STAGES.includes(n))) expect(body, name).toHaveProperty(name);
    }
    expect(later.some(({ body }) => 'GSW_AGENT_ID' in body)).toBe(true);
    for (const { body } of [...posts(scenario()).bodies, ...posts(scenario('2017')).bodies])
      for (const name of LATER) expect(body, name).not.toHaveProperty(name);
  });
});
