import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../properties/invariants.ts';
import { runObserved, scenarioFrom } from '../../test-support/scenarios.ts';

/**
 * Contacts belong to calling lists: groups with lists of their own never
 * dial each other's contacts, and groups sharing a list share its contacts,
 * whose treatments then count across the groups.
 */

const call = { outcomes: { Answer: 0, Busy: 1, 'Answering Machine Detected': 0, 'Fax Detected': 0, 'Wrong Number': 0 }, busyTime: { fixed: '30s' } };
const busyTwice = { Busy: { redialAfter: '1m', maxAttempts: 2 } };

function twoGroups(second: Record<string, unknown>) {
  return scenarioFrom({
    duration: '10m',
    campaignGroups: [
      // A's calls ring 90 s, B's 30 s: each group is free when the other's contact is due again.
      {
        name: 'A@Agents',
        dbid: 1,
        agents: 1,
        dialMode: 'progressive',
        callingListSize: 2,
        calls: { ...call, busyTime: { fixed: '90s' } },
        treatments: busyTwice,
        ...second,
      },
      { name: 'B@Agents', dbid: 2, agents: 1, dialMode: 'progressive', callingListSize: 2, calls: call, treatments: busyTwice, startAt: '10s', ...second },
    ],
  });
}

const dials = (trace: ReturnType<typeof runObserved>['trace']) => trace.filter((l) => l.event === 'dial').map((l) => `${String(l.group)} ${l.entity}`);

describe('calling lists in the model', () => {
  it('groups without firstPhone dial phone ranges of their own, and every claim holds', () => {
    const scenario = twoGroups({});
    const run = runObserved(scenario);
    const phonesOf = (g: string) =>
      new Set(
        dials(run.trace)
          .filter((d) => d.startsWith(g))
          .map((d) => d.split(' ')[1]),
      );
    const a = phonesOf('A@Agents');
    const b = phonesOf('B@Agents');
    expect(a.size).toBe(2);
    expect(b.size).toBe(2);
    expect([...a].filter((p) => b.has(p))).toEqual([]);
    expect(checkInvariants(run.trace, run.summary, scenario).filter((r) => !r.holds)).toEqual([]);
  });

  it('groups sharing a list dial each contact once between them and count its treatment together', () => {
    const scenario = twoGroups({ callingList: 'Shared' });
    const run = runObserved(scenario);
    const byPhone = new Map<string, string[]>();
    for (const d of dials(run.trace)) {
      const [group, phone] = d.split(' ');
      byPhone.set(phone, [...(byPhone.get(phone) ?? []), group]);
    }
    // Two contacts, Busy at most twice each (maxAttempts 2): four dials in all, each contact's second by the other group.
    expect([...byPhone.values()]).toEqual([
      ['A@Agents', 'B@Agents'],
      ['B@Agents', 'A@Agents'],
    ]);
    expect(checkInvariants(run.trace, run.summary, scenario).filter((r) => !r.holds)).toEqual([]);
  });

  it("names the list in a validation request when lists share phones, so each list's validation of a phone is its own", () => {
    const scenario = scenarioFrom({
      duration: '3m',
      ocs: { 'pre-dial-validation': true, 'http-response-timeout': '3s' },
      campaignGroups: [
        {
          name: 'A@Agents',
          dbid: 1,
          agents: 2,
          dialMode: 'progressive',
          callingList: 'One',
          callingListSize: 2,
          firstPhone: 100,
          calls: call,
          treatments: busyTwice,
        },
        {
          name: 'B@Agents',
          dbid: 2,
          agents: 2,
          dialMode: 'progressive',
          callingList: 'Two',
          callingListSize: 2,
          firstPhone: 100,
          calls: call,
          treatments: busyTwice,
        },
      ],
      // Slow answers: both lists' validations of phone 100 are on the wire at once, and some time out.
      externalSystem: { serviceTime: { uniform: ['1s', '5s'] } },
    });
    const run = runObserved(scenario);
    const requests = new Set(run.trace.filter((l) => l.entity === 'external' && l.event === 'request').map((l) => String(l.request)));
    expect([...requests].filter((r) => r.startsWith('validation:')).sort()).toEqual([
      'validation:One/100',
      'validation:One/101',
      'validation:Two/100',
      'validation:Two/101',
    ]);
    expect(checkInvariants(run.trace, run.summary, scenario).filter((r) => !r.holds)).toEqual([]);
  });

  it('gives both groups of a shared list one GSW_CALLING_LIST and one GSW_CALLING_LIST_DBID in their records', () => {
    const scenario = scenarioFrom({ ...twoGroups({ callingList: 'Shared' }), ocs: { ...twoGroups({}).ocs, 'record-attributes': 'later' } });
    const run = runObserved(scenario);
    const bodies = run.trace.filter((l) => l.event === 'POST' && l.body !== undefined).map((l) => l.body as Record<string, unknown>);
    const byGroup = new Map(bodies.map((b) => [String(b.GSW_CAMPAIGN_GROUP_NAME), `${String(b.GSW_CALLING_LIST)} ${String(b.GSW_CALLING_LIST_DBID)}`]));
    expect(Object.fromEntries(byGroup)).toEqual({ 'A@Agents': 'Shared 1001', 'B@Agents': 'Shared 1001' });
  });
});
