import seedrandom from 'seedrandom';

/**
 * Named random streams. Each purpose draws from its own stream, seeded from
 * the run's seed and the purpose's name, so adding a consumer never shifts
 * anyone else's draws (and two runs differ only where they must).
 */
export type Rng = () => number;

export class RandomStreams {
  private readonly streams = new Map<string, Rng>();
  constructor(readonly seed: number) {}

  /** The stream for `name`; the same name always gives the same sequence for a seed. */
  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (!rng) {
      // tychei: ChaCha-derived, fast, and the same numbers on every machine.
      rng = seedrandom.tychei(`${this.seed}/${name}`) as unknown as Rng;
      this.streams.set(name, rng);
    }
    return rng;
  }
}

/** A distribution of durations, in milliseconds. */
export type DurationDistribution =
  | { distribution: 'fixed'; value: number }
  | { distribution: 'uniform'; min: number; max: number }
  | { distribution: 'exponential'; mean: number }
  | { distribution: 'lognormal'; median: number; p99: number };

/** z such that P(Z <= z) = 0.99 for a standard normal Z. */
const Z_99 = 2.3263478740408408;

/** Returns a sampler for the distribution; lognormal is given by its median and 99th percentile. */
export function sampler(d: DurationDistribution, rng: Rng): () => number {
  switch (d.distribution) {
    case 'fixed': {
      const v = d.value;
      return () => v;
    }
    case 'uniform': {
      const { min, max } = d;
      return () => min + (max - min) * rng();
    }
    case 'exponential': {
      const mean = d.mean;
      return () => -mean * Math.log(1 - rng());
    }
    case 'lognormal': {
      const mu = Math.log(d.median);
      const sigma = d.p99 > d.median ? (Math.log(d.p99) - mu) / Z_99 : 0;
      const normal = standardNormals(rng);
      return () => Math.exp(mu + sigma * normal());
    }
  }
}

/** Box-Muller: two uniforms make two independent normals; the second is kept for the next call. */
function standardNormals(rng: Rng): () => number {
  let spare = 0;
  let hasSpare = false;
  return () => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const theta = 2 * Math.PI * rng();
    spare = r * Math.sin(theta);
    hasSpare = true;
    return r * Math.cos(theta);
  };
}

/** Picks a key of `weights` (probabilities summing to at most 1; the rest goes to `otherwise`). */
export function chooser<K extends string>(weights: ReadonlyArray<readonly [K, number]>, otherwise: K, rng: Rng): () => K {
  const keys = weights.map(([k]) => k);
  const cumulative: number[] = [];
  let sum = 0;
  for (const [, w] of weights) cumulative.push((sum += w));
  return () => {
    const u = rng();
    for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]) return keys[i];
    return otherwise;
  };
}
