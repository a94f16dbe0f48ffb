/**
 * Erlang C (M/M/c): Poisson arrivals, exponential service, c servers, an
 * unlimited queue served first come first served. In the model the servers
 * are OCS's `http-connection-pool-size` connections and a request holds its
 * connection for its whole round trip, so with no latency and an external
 * system that never queues, the wait for a connection is an M/M/c queue.
 */
export interface ErlangC {
  /** Offered load, arrival rate x mean service time (Erlangs). */
  offeredLoad: number;
  /** Server utilisation, offeredLoad / servers. */
  utilisation: number;
  /** Probability that an arrival waits for a server. */
  waitProbability: number;
  /** Mean wait for a server over all arrivals (those that do not wait count as 0), seconds. */
  meanWaitSeconds: number;
  /** Fraction of arrivals that wait no longer than `seconds`. */
  serviceLevel: (seconds: number) => number;
}

export function erlangC(arrivalsPerSecond: number, meanServiceSeconds: number, servers: number): ErlangC {
  const a = arrivalsPerSecond * meanServiceSeconds;
  if (!(a < servers)) throw new Error(`erlangC: offered load ${a} Erlangs needs more than ${servers} servers for a stable queue`);
  // Erlang B by its recursion (no factorials, stable for large c), then C from B.
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (a * b) / (k + a * b);
  const waitProbability = (servers * b) / (servers - a * (1 - b));
  const drainRate = (servers - a) / meanServiceSeconds;
  return {
    offeredLoad: a,
    utilisation: a / servers,
    waitProbability,
    meanWaitSeconds: waitProbability / drainRate,
    serviceLevel: (seconds) => 1 - waitProbability * Math.exp(-drainRate * seconds),
  };
}
