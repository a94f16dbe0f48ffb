import type { ObjectiveDecision } from './adaptive.ts';

/**
 * Where an objective flips along one numeric option (`ocs-sim boundary`): a
 * bisection between the option's smallest and largest value, each value
 * probed as one adaptive cell (its own sequential decision, 95% per probe).
 * It assumes the objective changes side once along the option, as a
 * threshold or a pool size usually makes it do; what it reports is the
 * interval between the nearest value that failed and the nearest that met,
 * with the values between them that stayed undecided at max replications.
 *
 * Two searches share the probes: one for the edge of `failed`, one for the
 * edge of `met`. Without an undecided value between them they end on the same
 * pair and cost nothing extra; with one, the interval widens to hold it
 * rather than pretending a decision was made there.
 */

export interface Probe {
  value: number;
  decision: ObjectiveDecision;
  replications: number;
}

export interface Boundary {
  /** The nearest probed values that failed and that met, across the flip (null when the ends do not bracket one). */
  failed: Probe | null;
  met: Probe | null;
  /** Probed values left undecided at max replications beyond the edges found: between them, or past the one edge towards an undecided end. */
  undecided: Probe[];
  /** Every value probed, in the order probed (what the runs were spent on). */
  probes: Probe[];
}

/** Bisects [lo, hi] on multiples of `step` from lo; `judge` decides a value (each value judged once). */
export async function bisectBoundary(lo: number, hi: number, step: number, judge: (value: number) => Promise<Probe>): Promise<Boundary> {
  const probes: Probe[] = [];
  const probe = async (value: number) => {
    const known = probes.find((p) => p.value === value);
    if (known) return known;
    const p = await judge(value);
    probes.push(p);
    return p;
  };
  const ends = [await probe(lo), await probe(hi)];
  // The edge between values that are `side` and values that are not, searched from an end that is `side`.
  const edge = async (side: ObjectiveDecision): Promise<Probe | null> => {
    let inside = ends.find((p) => p.decision === side);
    let outside = ends.find((p) => p.decision !== side);
    if (inside === undefined || outside === undefined) return null;
    while (Math.abs(outside.value - inside.value) > step) {
      // The midpoint rounded down on the grid from lo, whichever end the search came from, so both searches meet the same values.
      const mid = await probe(lo + Math.floor((inside.value + outside.value - 2 * lo) / (2 * step)) * step);
      if (mid.decision === side) inside = mid;
      else outside = mid;
    }
    return inside;
  };
  const failed = await edge('failed');
  const met = await edge('met');
  // On the far side of an edge from the end its search started at.
  const beyond = (e: Probe | null, p: Probe) => e === null || (p.value - e.value) * (ends.find((x) => x.decision === e.decision)!.value - e.value) < 0;
  const undecided = failed === null && met === null ? [] : probes.filter((p) => p.decision === 'open' && beyond(failed, p) && beyond(met, p));
  return { failed, met, undecided: undecided.sort((a, b) => a.value - b.value), probes };
}
