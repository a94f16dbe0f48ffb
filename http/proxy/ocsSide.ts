import { CALL_RESULTS } from '../../sim/scenario/callResults.ts';
import { quantile, Samples } from '../drive/ledger.ts';

/**
 * The OCS side of the pair as the proxy saw it, for calibration.yaml: per
 * campaign group, how fast it dialed (new attempts per minute), how long from
 * an attempt's seq 0 to its seq 1 (the call, as OCS reports it), and its mix
 * of call results; and the most requests OCS had in flight at once. Figures
 * come with their sample sizes.
 */
const NAME_OF = new Map<number, string>(Object.entries(CALL_RESULTS).map(([name, code]) => [code, name]));
/** Attempts remembered at once (seq 0 awaiting its seq 1, and those done, so a re-submission is not a new attempt). */
const ATTEMPTS_KEPT = 100_000;

interface GroupSide {
  attempts: number;
  firstMs: number;
  lastMs: number;
  seq0ToSeq1: Samples;
  results: Map<string, number>;
}

export class OcsSide {
  private readonly groups = new Map<string, GroupSide>();
  /** The first seq 0 of attempts whose seq 1 has not come yet, and attempts done (both bounded: the oldest go first). */
  private readonly open = new Map<string, number>();
  private readonly done = new Set<string>();

  /** A record came through at `tMs` (its first POST or a re-submission). */
  record(tMs: number, guid: string, seq: 0 | 1, group: string, callResult: unknown): void {
    let g = this.groups.get(group);
    if (g === undefined) {
      g = { attempts: 0, firstMs: tMs, lastMs: tMs, seq0ToSeq1: new Samples(), results: new Map() };
      this.groups.set(group, g);
    }
    if (seq === 0) {
      if (this.open.has(guid) || this.done.has(guid)) return;
      this.open.set(guid, tMs);
      g.attempts++;
      g.lastMs = tMs;
      if (this.open.size > ATTEMPTS_KEPT) this.open.delete(this.open.keys().next().value!);
      return;
    }
    const start = this.open.get(guid);
    if (start === undefined) return;
    this.open.delete(guid);
    this.done.add(guid);
    if (this.done.size > ATTEMPTS_KEPT) this.done.delete(this.done.values().next().value!);
    g.seq0ToSeq1.push(tMs - start);
    const name =
      typeof callResult === 'number' ? (NAME_OF.get(callResult) ?? `code ${callResult}`) : typeof callResult === 'string' ? callResult : 'none given';
    g.results.set(name, (g.results.get(name) ?? 0) + 1);
  }

  /** calibration.yaml's comment lines on the OCS side. */
  lines(peakInFlight: number): string[] {
    const out = [
      "# The OCS side, as it passed through (not applied by this fragment: figures for your scenario's campaign groups):",
      `#   requests in flight at once: at most ${peakInFlight} (http-connection-pool-size is at least this)`,
    ];
    for (const [name, g] of [...this.groups.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      const minutes = (g.lastMs - g.firstMs) / 60_000;
      const rate = minutes > 0 ? `${(g.attempts / minutes).toFixed(1)} new attempts per minute` : 'too short to tell a dial rate';
      const sorted = g.seq0ToSeq1.sorted();
      const calls =
        sorted.length === 0
          ? 'no seq 1 came'
          : `seq 0 to seq 1: median ${seconds(quantile(sorted, 0.5)!)}, p99 ${seconds(quantile(sorted, 0.99)!)} over ${sorted.length} call(s)`;
      const total = [...g.results.values()].reduce((a, b) => a + b, 0);
      const mix = [...g.results.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([result, n]) => `${result} ${((100 * n) / total).toFixed(1)}%`)
        .join(', ');
      out.push(
        `#   ${name || '(no GSW_CAMPAIGN_GROUP_NAME)'}: ${g.attempts} attempt(s), ${rate}; ${calls}${total > 0 ? `; call results (of ${total}): ${mix}` : ''}`,
      );
    }
    return out;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
