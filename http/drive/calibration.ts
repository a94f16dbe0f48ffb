import { quantile, type Ledger } from './ledger.ts';

/**
 * calibration.yaml: the target as a scenario fragment a sweep can use
 * directly (a sweep file's `patch`, or merged into a scenario), fitted from
 * what the drive measured: the network's latency from the fastest round
 * trips, the service time as a lognormal by median and p99 of the rest,
 * the error statuses seen outside the faults the driver injected, and the
 * concurrency where the round trips show a queue. Figures and sample sizes
 * ride along as comments, so a reader knows how much to trust each line.
 */

/** Answers a concurrency level needs before its round trips count as evidence of a queue. */
const MIN_PER_LEVEL = 20;
/** The median round trip at a level this many times the unloaded one: the system queues there. */
const SATURATION_FACTOR = 2;

export interface Calibration {
  /** One-way latency (ms) and the service-time fit (ms), or null with no answer to fit. */
  latencyMs: number | null;
  service: { median: number; p99: number } | null;
  errors: Record<string, number>;
  /** Requests at once past which the round trips doubled, or null when they never did. */
  concurrency: number | null;
  comments: { roundTrips: string; latency: string; service: string; errors: string; concurrency: string };
}

export function calibrate(ledger: Ledger): Calibration {
  const sorted = ledger.roundTrips.sorted();
  const n = sorted.length;
  const answered = [...ledger.statuses.values()].reduce((a, b) => a + b, 0);
  const errors: Record<string, number> = {};
  for (const [status, count] of [...ledger.statuses.entries()].sort((a, b) => a[0] - b[0]))
    if (status >= 400) errors[String(status)] = round6(count / answered);
  const errorsComment =
    Object.keys(errors).length === 0
      ? `no error status in ${answered} answer(s)`
      : `error statuses among ${answered} answer(s) (an outage of the target's own is folded into these rates: look at when they came in trace.jsonl)`;
  if (n === 0) {
    const none = 'no answer to fit';
    return {
      latencyMs: null,
      service: null,
      errors,
      concurrency: null,
      comments: { roundTrips: none, latency: none, service: none, errors: errorsComment, concurrency: none },
    };
  }
  const q = (p: number) => quantile(sorted, p)!;
  // The fastest round trips are the network both ways with next to no service.
  const latencyMs = round3(q(0.01) / 2);
  const rest = sorted.map((x) => Math.max(0.001, x - 2 * latencyMs));
  const median = round3(Math.max(0.001, quantile(rest, 0.5)!));
  const p99 = round3(Math.max(median, quantile(rest, 0.99)!));
  const { concurrency, comment } = saturation(ledger);
  return {
    latencyMs,
    service: { median, p99 },
    errors,
    concurrency,
    comments: {
      roundTrips: `${n} answer(s) without an injected fault: round trip p1 ${ms(q(0.01))}, p50 ${ms(q(0.5))}, p99 ${ms(q(0.99))}, max ${ms(sorted[n - 1])}; ${ledger.timeouts} without an answer within the deadline`,
      latency: `one way: half the p1 round trip (n = ${n})`,
      service: `round trip less the latency both ways: median ${ms(median)}, p99 ${ms(p99)} (n = ${n})`,
      errors: errorsComment,
      concurrency: comment,
    },
  };
}

/** Where the median round trip, by requests in flight at sending, first doubles the unloaded one. */
function saturation(ledger: Ledger): { concurrency: number | null; comment: string } {
  const byLevel = new Map<number, number[]>();
  for (let i = 0; i < ledger.roundTrips.size; i++) {
    const level = ledger.inFlightAtSend.at(i);
    let list = byLevel.get(level);
    if (list === undefined) byLevel.set(level, (list = []));
    list.push(ledger.roundTrips.at(i));
  }
  const levels = [...byLevel.keys()].sort((a, b) => a - b).filter((l) => byLevel.get(l)!.length >= MIN_PER_LEVEL);
  const highest = Math.max(...byLevel.keys());
  if (levels.length === 0)
    return { concurrency: null, comment: `not measured: no level of requests at once had ${MIN_PER_LEVEL} answers (up to ${highest} at once seen)` };
  const medianAt = (level: number) => quantile(Float64Array.from(byLevel.get(level)!).sort(), 0.5)!;
  const base = medianAt(levels[0]);
  for (const level of levels.slice(1)) {
    const m = medianAt(level);
    if (m > SATURATION_FACTOR * base && level > 1) {
      return {
        concurrency: level - 1,
        comment: `the median round trip doubled at ${level} requests at once (${ms(m)} against ${ms(base)} at ${levels[0]}; >= ${MIN_PER_LEVEL} answers per level)`,
      };
    }
  }
  return {
    concurrency: null,
    comment: `not saturated: the median round trip stayed under ${SATURATION_FACTOR}x the unloaded one (${ms(base)}) up to ${levels[levels.length - 1]} requests at once (>= ${MIN_PER_LEVEL} answers per level; ${highest} at once seen): give a concurrency at least that`,
  };
}

/** calibration.yaml's text. */
export function calibrationYaml(c: Calibration, about: { target: string; scenario: string; seed: number; by?: string }): string {
  const lines = [
    `# Calibration of ${about.target}, measured by ${about.by ?? 'ocs-sim drive'} (${about.scenario}, seed ${about.seed}).`,
    '# A scenario fragment: name it in a sweep file (`patch: calibration.yaml`) to size OCS against this system.',
    `# ${c.comments.roundTrips}`,
  ];
  const body: string[] = [];
  if (c.latencyMs !== null) body.push('network:', `  # ${c.comments.latency}`, `  latency: { fixed: ${c.latencyMs}ms }`);
  body.push('externalSystem:');
  if (c.service !== null) body.push(`  # ${c.comments.service}`, `  serviceTime: { lognormal: { median: ${c.service.median}ms, p99: ${c.service.p99}ms } }`);
  body.push(`  # ${c.comments.errors}`, `  errors: ${JSON.stringify(c.errors).replaceAll(',', ', ').replaceAll(':', ': ')}`);
  body.push(`  # concurrency: ${c.comments.concurrency}`);
  if (c.concurrency !== null) body.push(`  concurrency: ${c.concurrency}`);
  return `${[...lines, ...body].join('\n')}\n`;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const ms = (x: number) => `${round3(x)} ms`;
