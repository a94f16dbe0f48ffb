import type { z } from 'zod';
import type { CampaignGroup, Scenario } from './scenario.ts';

/**
 * Which calling list each campaign group dials, and the phone range of each
 * list. A contact is a calling-list record: it is identified by its list and
 * its phone, so groups that name the same list share its contacts (OCS keeps
 * a record's attempts and treatments in the list, whoever dials it), and two
 * lists never share a contact even where their phones coincide.
 *
 * Defaults, so that a scenario written without them still means "each group
 * its own list, no phone twice": a group that names no list gets one of its
 * own ("Calling List" for the first such group, the name single-group
 * scenarios always had; "Calling List (<group name>)" for the others), and a
 * list no group gives a firstPhone starts at 5550000000 or past the end of
 * every range before it (and clear of every range given explicitly).
 */

export const DEFAULT_CALLING_LIST = 'Calling List';
export const DEFAULT_FIRST_PHONE = 5550000000;

type ParsedGroup = z.infer<typeof import('./scenario.ts').CampaignGroup>;

interface ListClaim {
  name: string;
  size: number;
  firstPhone: number | undefined;
  /** Index of the first group that named the list (where a conflict is reported against). */
  first: number;
}

/** The effective campaign groups, or messages naming each conflict and what is allowed. */
export function assignCallingLists(groups: readonly ParsedGroup[]): { ok: true; groups: CampaignGroup[] } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  let unnamed = 0;
  const listOf = groups.map((g) => g.callingList ?? (unnamed++ === 0 ? DEFAULT_CALLING_LIST : `${DEFAULT_CALLING_LIST} (${g.name})`));
  const lists = new Map<string, ListClaim>();
  groups.forEach((g, i) => {
    const name = listOf[i];
    const claim = lists.get(name);
    if (claim === undefined) {
      lists.set(name, { name, size: g.callingListSize, firstPhone: g.firstPhone, first: i });
      return;
    }
    const where = `campaignGroups[${i}]`;
    const other = `campaignGroups[${claim.first}]`;
    if (g.callingListSize !== claim.size) {
      errors.push(
        `${where}.callingListSize: got ${g.callingListSize}; the calling list ${JSON.stringify(name)} has ${claim.size} records in ${other} (groups naming the same callingList share its records); expected the same callingListSize in every group of the list, or a callingList of its own`,
      );
    }
    if (g.firstPhone !== undefined && claim.firstPhone !== undefined && g.firstPhone !== claim.firstPhone) {
      errors.push(
        `${where}.firstPhone: got ${g.firstPhone}; the calling list ${JSON.stringify(name)} starts at ${claim.firstPhone} in ${other}; expected the same firstPhone (or none) in every group of the list`,
      );
    }
    claim.firstPhone ??= g.firstPhone;
  });
  if (errors.length > 0) return { ok: false, errors };
  const given = [...lists.values()].filter((l) => l.firstPhone !== undefined).map((l) => ({ from: l.firstPhone!, until: l.firstPhone! + l.size }));
  let next = DEFAULT_FIRST_PHONE;
  for (const list of lists.values()) {
    if (list.firstPhone !== undefined) continue;
    let from = next;
    // Past every explicit range this one would overlap (ranges are few: one pass per range suffices).
    for (let moved = true; moved; ) {
      moved = false;
      for (const r of given) {
        if (from < r.until && r.from < from + list.size) {
          from = r.until;
          moved = true;
        }
      }
    }
    list.firstPhone = from;
    next = from + list.size;
  }
  return {
    ok: true,
    groups: groups.map((g, i) => {
      const { name, dbid, campaign, callingList: _list, callingListSize, firstPhone: _phone, ...rest } = g;
      // Keys in the schema's order, so an effective scenario written out reads as before.
      return { name, dbid, campaign, callingList: listOf[i], callingListSize, firstPhone: lists.get(listOf[i])!.firstPhone!, ...rest };
    }),
  };
}

/** The calling lists of an effective scenario in the order groups name them: name, size, first phone and the groups dialing it. */
export function callingListsOf(scenario: Pick<Scenario, 'campaignGroups'>): Array<{ name: string; size: number; firstPhone: number; groups: string[] }> {
  const lists = new Map<string, { name: string; size: number; firstPhone: number; groups: string[] }>();
  for (const g of scenario.campaignGroups) {
    const list = lists.get(g.callingList) ?? { name: g.callingList, size: g.callingListSize, firstPhone: g.firstPhone, groups: [] };
    list.groups.push(g.name);
    lists.set(g.callingList, list);
  }
  return [...lists.values()];
}
