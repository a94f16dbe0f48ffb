/** The median of figures measured several times (the upper one of an even count): what the bench reports of noisy timings. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
