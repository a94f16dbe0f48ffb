/**
 * Durations as scenarios write them (`250ms`, `30s`, `5m`, `2h`, `1h30m`)
 * and as the model counts them (milliseconds). Apart from the scenario's
 * schema so that a run, which needs the arithmetic and not the validation,
 * does not load the schema library (a sweep's worker thread starts faster).
 */

export const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
/** The latest instant JavaScript can represent (+275760-09-13), in ms since 1970: log and GSW_* timestamps cannot go past it. */
export const LATEST_TIMESTAMP_MS = 8.64e15;

/** Milliseconds in a duration string (already validated). */
export function durationMs(d: string): number {
  if (!DURATION.test(d)) throw new Error(`not a duration: ${d}`);
  let ms = 0;
  for (const [, amount, unit] of d.matchAll(DURATION_PART)) ms += Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  return ms;
}

/** The shortest duration string for a whole number of milliseconds. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
