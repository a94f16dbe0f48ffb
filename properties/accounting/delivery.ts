import { seconds } from './measures.ts';
import type { Fold, RunEnd, Step } from './step.ts';

/** Delivery times, seq 0 and seq 1: from a record's first POST to its 200 OK (exact, where the summary keeps a histogram). */
export class DeliveryFold implements Fold<ReturnType<DeliveryFold['result']>> {
  private readonly firstPost = new Map<string, number>();
  /** Delivery times, ms, of seq 0 and seq 1. */
  private readonly times: [number[], number[]] = [[], []];

  line({ line, t, entity, change }: Step): void {
    if (entity.kind === 'record' && line.event === 'POST') {
      if (!(Number(line.post) > 1)) this.firstPost.set(entity.key, t);
    } else if (change !== null && change.after === 'saved' && change.before !== 'saved') this.times[change.seq].push(t - this.firstPost.get(change.key)!);
  }

  result(_end: RunEnd) {
    return this.times.map((times) => {
      const sorted = times.sort((a, b) => a - b);
      const n = sorted.length;
      // The exact quantile by the summary's definition: the value of rank ceil(q x count).
      const quantile = (q: number) => (n === 0 ? 0 : sorted[Math.max(0, Math.ceil(q * n) - 1)]);
      const sum = sorted.reduce((a, b) => a + b, 0);
      return {
        count: n,
        meanSeconds: seconds(n > 0 ? sum / n : 0),
        maxSeconds: seconds(n > 0 ? sorted[n - 1] : 0),
        p50Ms: quantile(0.5),
        p99Ms: quantile(0.99),
      };
    });
  }
}
