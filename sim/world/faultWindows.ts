import type { Window } from '../scenario/resolve.ts';

/**
 * Which outage window is in force at a moment, when a section lists several.
 *
 * [model] Windows of one section (network, or external system) may overlap.
 * At any moment the window that **started last** is in force; of windows that
 * started together, the one **listed last**. So a window written inside
 * another takes effect while it lasts, and the outer one resumes after it
 * (whoever writes a nested window means it); a window never hides behind one
 * that happens to be listed first.
 *
 * The schedule is cut once into segments at every window edge, each segment
 * knowing its window, so a lookup is a binary search. (The property checkers
 * derive the window in force from the definition above, window by window,
 * not from this.)
 */
export class FaultTimeline<W extends Window> {
  /** Segment i runs from edges[i] (inclusive) to edges[i + 1] (exclusive). */
  private readonly edges: number[];
  private readonly inForce: Array<W | undefined>;

  constructor(windows: readonly W[]) {
    this.edges = [...new Set(windows.flatMap((w) => [w.fromMs, w.untilMs]))].sort((a, b) => a - b);
    this.inForce = this.edges.map((start) => {
      let winner: W | undefined;
      for (const w of windows) if (start >= w.fromMs && start < w.untilMs && (winner === undefined || w.fromMs >= winner.fromMs)) winner = w;
      return winner;
    });
  }

  /** The window in force at `now` (a window covers from inclusive, until exclusive), if any. */
  at(now: number): W | undefined {
    const edges = this.edges;
    if (edges.length === 0 || now < edges[0]) return undefined;
    let lo = 0;
    // Stryker disable next-line ArithmeticOperator: equivalent, starting past the end only reads undefined edges, and undefined <= now is false, so the search narrows to the same edge
    let hi = edges.length - 1;
    // The last edge at or before `now`.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (edges[mid] <= now) lo = mid;
      else hi = mid - 1;
    }
    return this.inForce[lo];
  }
}
