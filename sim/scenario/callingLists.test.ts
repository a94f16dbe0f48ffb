import { describe, expect, it } from 'vitest';
import { validateScenario } from './validate.ts';

/** Which calling list each group dials and each list's phones, as validation fills them in. */

const groups = (...gs: Array<Record<string, unknown>>) =>
  validateScenario({ campaignGroups: gs.map((g, i) => ({ name: `G${i}@A`, dbid: 100 + i, callingListSize: 1000, ...g })) });

describe('calling lists of the effective scenario', () => {
  it('gives each group that names no list a list of its own, the first one "Calling List", with phone ranges that do not overlap', () => {
    const v = groups({}, {}, {});
    if (!v.ok) throw new Error(v.errors.join('\n'));
    const lists = v.scenario.campaignGroups.map((g) => [g.callingList, g.firstPhone]);
    expect(lists).toEqual([
      ['Calling List', 5550000000],
      ['Calling List (G1@A)', 5550001000],
      ['Calling List (G2@A)', 5550002000],
    ]);
  });

  it('lets groups naming the same list share it, its phones once, and keeps a default range clear of a given one', () => {
    const v = groups({ callingList: 'Overdue' }, { callingList: 'Overdue', firstPhone: 5550000500 }, { callingList: 'Leads' });
    if (!v.ok) throw new Error(v.errors.join('\n'));
    expect(v.scenario.campaignGroups.map((g) => [g.callingList, g.firstPhone])).toEqual([
      ['Overdue', 5550000500],
      ['Overdue', 5550000500],
      ['Leads', 5550001500],
    ]);
  });

  it('keeps the effective scenario of one group as it always was', () => {
    const v = validateScenario({});
    if (!v.ok) throw new Error(v.errors.join('\n'));
    expect(Object.keys(v.scenario.campaignGroups[0]).slice(0, 6)).toEqual(['name', 'dbid', 'campaign', 'callingList', 'callingListSize', 'firstPhone']);
    expect(v.scenario.campaignGroups[0]).toMatchObject({ callingList: 'Calling List', firstPhone: 5550000000 });
  });

  it('refuses two groups that give one calling list different sizes, naming the list and both groups', () => {
    const v = groups({ callingList: 'Overdue' }, { callingList: 'Overdue', callingListSize: 500 });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.errors).toEqual([
      expect.stringContaining('campaignGroups[1].callingListSize: got 500; the calling list "Overdue" has 1000 records in campaignGroups[0]'),
    ]);
  });

  it('refuses two groups that give one calling list different first phones', () => {
    const v = groups({ callingList: 'Overdue', firstPhone: 1 }, { callingList: 'Overdue', firstPhone: 2 });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.errors[0]).toContain('campaignGroups[1].firstPhone: got 2; the calling list "Overdue" starts at 1 in campaignGroups[0]');
  });
});
