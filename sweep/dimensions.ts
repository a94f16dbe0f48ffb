import type { Scenario } from '../sim/scenario/scenario.ts';
import { durationMs, formatDuration } from '../sim/scenario/durations.ts';
import type { Dimension, OptionValue } from './sweepFile.ts';

/**
 * What each axis of a sweep does to a cell's scenario: an OCS option at
 * application level, one campaign group's own option, or a condition (a
 * group's agents, the outages' length, the external system's service time or
 * concurrency). Also what the scenario cannot hold (exit 2, naming it) and
 * what a user should be told before the sweep starts: a group that keeps its
 * own value of an option varied at application level.
 */

type Editable = Scenario & { ocs: Record<string, unknown> };

/** The scenario of one cell: `values` (by dimension key) applied to a copy of `base`. */
export function applyDimensions(base: Scenario, dimensions: readonly Dimension[], values: Readonly<Record<string, OptionValue>>): Scenario {
  const s = structuredClone(base) as Editable;
  for (const d of dimensions) {
    const value = values[d.key];
    if (value === undefined) continue;
    if (d.kind === 'option') (s.ocs as Record<string, unknown>)[d.option] = value;
    else if (d.kind === 'groupOption') (groupOf(s, d.group)!.options as Record<string, unknown>)[d.option] = value;
    else if (d.condition === 'agents') groupOf(s, d.group!)!.agents = value as number;
    else if (d.condition === 'concurrency') s.externalSystem.concurrency = value as number;
    // [model] M/M/c: an exponential service time of this mean.
    else if (d.condition === 'serviceTime') s.externalSystem.serviceTime = { exponential: value as string };
    else {
      const length = durationMs(value as string);
      for (const o of [...s.network.outages, ...s.externalSystem.outages]) o.until = formatDuration(durationMs(o.from) + length);
    }
  }
  return s;
}

const groupOf = (s: Scenario, name: string) => s.campaignGroups.find((g) => g.name === name);

/** What the base scenario cannot hold: a group it lacks, an outage length with no outage or past the dialing period. */
export function dimensionErrors(base: Scenario, dimensions: readonly Dimension[]): string[] {
  const errors: string[] = [];
  const names = base.campaignGroups.map((g) => JSON.stringify(g.name)).join(', ');
  for (const d of dimensions) {
    const where = d.kind === 'condition' ? `conditions.${d.condition}` : 'vary.campaignGroups';
    if (d.group !== null && groupOf(base, d.group) === undefined) {
      errors.push(`${where}: got the campaign group ${JSON.stringify(d.group)}, which the scenario lacks; its campaign groups: ${names}`);
    }
    if (d.kind !== 'condition' || d.condition !== 'outageLength') continue;
    const outages = [...base.network.outages, ...base.externalSystem.outages];
    if (outages.length === 0) {
      errors.push(
        `conditions.outageLength: the scenario has no outage to lengthen; expected network.outages or externalSystem.outages in the scenario, or no outageLength`,
      );
      continue;
    }
    const latestStart = Math.max(...outages.map((o) => durationMs(o.from)));
    const longest = Math.max(...d.values.map((v) => durationMs(v as string)));
    const room = durationMs(base.duration) - latestStart;
    if (longest > room) {
      errors.push(
        `conditions.outageLength: got ${formatDuration(longest)}; the outage from ${formatDuration(latestStart)} would end after the dialing period (duration ${base.duration}); expected at most ${formatDuration(room)}`,
      );
    }
  }
  return errors;
}

/**
 * Groups that set an option varied at application level, and are not varied
 * for it themselves: they keep their own value (OCS applies group-level
 * options over application-level ones [doc]), so the sweep does not change
 * it for them. One line each, for stderr before the sweep starts and for its report.
 */
export function keptGroupOptions(base: Scenario, dimensions: readonly Dimension[]): string[] {
  const notes: string[] = [];
  for (const d of dimensions) {
    if (d.kind !== 'option') continue;
    for (const g of base.campaignGroups) {
      const own = (g.options as Record<string, unknown>)[d.option];
      if (own === undefined) continue;
      if (dimensions.some((x) => x.kind === 'groupOption' && x.group === g.name && x.option === d.option)) continue;
      notes.push(
        `${d.option} is varied at application level, but campaign group ${JSON.stringify(g.name)} sets its own (${String(own)}) and keeps it in every cell (OCS applies group-level options over application-level ones); to change it, vary it under vary.campaignGroups.${JSON.stringify(g.name)}`,
      );
    }
  }
  return notes;
}

/** The longest outage a condition makes, in ms (null without the condition): a quick sweep's runs must outlast it. */
export function longestOutageMs(dimensions: readonly Dimension[]): number | null {
  const d = dimensions.find((x) => x.kind === 'condition' && x.condition === 'outageLength');
  return d === undefined ? null : Math.max(...d.values.map((v) => durationMs(v as string)));
}
