import { describe, expect, it } from 'vitest';
import { runObserved, tinyScenario } from '../../test-support/scenarios.ts';
import { Network, type RequestFate } from './network.ts';
import { RandomStreams } from '../kernel/random.ts';
import type { ResolvedModel } from '../scenario/resolve.ts';

/**
 * The network between OCS and the external system: each request meets one
 * fate (refused, hang, request-loss, delivered) and each response may be
 * lost, at the scenario's probabilities, except while an outage window is in
 * force: then the window decides, whatever the probabilities.
 */

type NetworkConfig = ResolvedModel['network'];
type Outage = NetworkConfig['outages'][number];

const network = (config: Partial<NetworkConfig>, seed = 11) =>
  new Network(
    { latency: { distribution: 'fixed', value: 10 }, requestLoss: 0, responseLoss: 0, refusedConnections: 0, hangs: 0, outages: [], ...config },
    new RandomStreams(seed),
  );

const N = 20_000;

/** Share of each fate among `n` requests sent at `t`. */
function fateShares(net: Network, t: number, n = N): Record<RequestFate, number> {
  const counts: Record<RequestFate, number> = { refused: 0, hang: 0, 'request-loss': 0, delivered: 0 };
  for (let i = 0; i < n; i++) counts[net.requestFate(t)]++;
  for (const k of Object.keys(counts) as RequestFate[]) counts[k] /= n;
  return counts;
}

function lostShare(net: Network, t: number, n = N): number {
  let lost = 0;
  for (let i = 0; i < n; i++) if (net.responseLost(t)) lost++;
  return lost / n;
}

// 20,000 draws: a share is within 0.012 of its probability (more than 4 standard deviations).
const TOLERANCE = 0.012;

describe('background faults, outside any outage window', () => {
  it('deliver every request and every response when no probability is set', () => {
    const net = network({});
    expect(fateShares(net, 0)).toEqual({ refused: 0, hang: 0, 'request-loss': 0, delivered: 1 });
    expect(lostShare(net, 0)).toBe(0);
  });

  it('refuse, hang and lose requests each at its own probability; the rest are delivered', () => {
    for (const [refusedConnections, hangs, requestLoss] of [
      [0.1, 0.2, 0.15],
      [0.3, 0, 0.05],
      [0, 0.25, 0],
      [0, 0, 0.4],
    ]) {
      const shares = fateShares(network({ refusedConnections, hangs, requestLoss }), 1000);
      expect(shares.refused).toBeCloseTo(refusedConnections, 1);
      expect(Math.abs(shares.refused - refusedConnections)).toBeLessThan(TOLERANCE);
      expect(Math.abs(shares.hang - hangs)).toBeLessThan(TOLERANCE);
      expect(Math.abs(shares['request-loss'] - requestLoss)).toBeLessThan(TOLERANCE);
      expect(Math.abs(shares.delivered - (1 - refusedConnections - hangs - requestLoss))).toBeLessThan(TOLERANCE);
    }
  });

  it('refuse every request at probability 1, and lose every response at probability 1', () => {
    expect(fateShares(network({ refusedConnections: 1 }), 0).refused).toBe(1);
    expect(fateShares(network({ hangs: 1 }), 0).hang).toBe(1);
    expect(fateShares(network({ requestLoss: 1 }), 0)['request-loss']).toBe(1);
    expect(lostShare(network({ responseLoss: 1 }), 0)).toBe(1);
  });

  it('lose responses at the response-loss probability, apart from the request probabilities', () => {
    for (const responseLoss of [0.05, 0.25, 0.6]) {
      expect(Math.abs(lostShare(network({ responseLoss, refusedConnections: 0.3, hangs: 0.3 }), 0) - responseLoss)).toBeLessThan(TOLERANCE);
    }
  });
});

describe('outage windows win over the probabilities', () => {
  const windows: Outage[] = [
    { kind: 'refused', fromMs: 1000, untilMs: 2000 },
    { kind: 'hang', fromMs: 3000, untilMs: 4000 },
    { kind: 'request-loss', fromMs: 5000, untilMs: 6000 },
    { kind: 'response-loss', fromMs: 7000, untilMs: 8000 },
  ];
  const background = { refusedConnections: 0.2, hangs: 0.2, requestLoss: 0.2, responseLoss: 0.2 };

  it('a refused, hang or request-loss window gives every request sent during it its fate, from its start to just before its end', () => {
    const net = network({ ...background, outages: windows });
    for (const w of windows.slice(0, 3) as Array<Outage & { kind: RequestFate }>) {
      for (const t of [w.fromMs, (w.fromMs + w.untilMs) / 2, w.untilMs - 1]) expect(fateShares(net, t, 500)[w.kind], `${w.kind} at ${t}`).toBe(1);
      // Just before and at its end the probabilities are back.
      for (const t of [w.fromMs - 1, w.untilMs]) expect(fateShares(net, t, 2000)[w.kind], `${w.kind} at ${t}`).toBeLessThan(0.3);
    }
  });

  it('a request window loses no response: responses sent during it meet the response-loss probability', () => {
    for (const w of windows.slice(0, 3)) {
      expect(lostShare(network({ outages: windows }), w.fromMs)).toBe(0);
      expect(Math.abs(lostShare(network({ responseLoss: 0.3, outages: windows }), w.fromMs) - 0.3)).toBeLessThan(TOLERANCE);
    }
  });

  it('a response-loss window loses every response sent during it, and leaves requests to the probabilities', () => {
    const w = windows[3];
    const net = network({ ...background, outages: windows });
    for (const t of [w.fromMs, w.untilMs - 1]) expect(lostShare(net, t, 500)).toBe(1);
    expect(lostShare(network({ outages: windows }), w.untilMs)).toBe(0);
    expect(lostShare(network({ outages: windows }), w.fromMs - 1)).toBe(0);
    const shares = fateShares(net, w.fromMs);
    expect(Math.abs(shares.refused - 0.2)).toBeLessThan(TOLERANCE);
    expect(Math.abs(shares.hang - 0.2)).toBeLessThan(TOLERANCE);
    expect(Math.abs(shares['request-loss'] - 0.2)).toBeLessThan(TOLERANCE);
    expect(fateShares(network({ outages: windows }), w.fromMs).delivered).toBe(1);
  });

  it('a window leaves the draws after it as they would have been: one draw per request and per response, whatever its fate', () => {
    const plain = network(background, 5);
    const windowed = network(
      {
        ...background,
        outages: [
          { kind: 'refused', fromMs: 0, untilMs: 100 },
          { kind: 'response-loss', fromMs: 0, untilMs: 100 },
        ],
      },
      5,
    );
    for (let i = 0; i < 300; i++) {
      plain.requestFate(200);
      plain.responseLost(200);
      windowed.requestFate(50);
      windowed.responseLost(50);
    }
    const drawsAfter = (net: Network) => Array.from({ length: 300 }, () => `${net.requestFate(200)} ${net.responseLost(200)}`);
    expect(drawsAfter(windowed)).toEqual(drawsAfter(plain));
  });
});

describe('latency', () => {
  it('is drawn from the configured distribution, for each crossing', () => {
    const net = new Network(
      { latency: { distribution: 'uniform', min: 10, max: 30 }, requestLoss: 0, responseLoss: 0, refusedConnections: 0, hangs: 0, outages: [] },
      new RandomStreams(3),
    );
    const draws = Array.from({ length: 5000 }, () => net.latency());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...draws)).toBeLessThan(30);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length).toBeCloseTo(20, 0);
  });
});

describe('faults in a run', () => {
  it('background refusals reach summary.json, and OCS answers each refused POST itself with 418', () => {
    const { summary, trace } = runObserved(tinyScenario({ duration: '3m', network: { refusedConnections: 0.3 } }, { agents: 10 }));
    const refused = trace.filter((l) => l.entity === 'network' && l.event === 'refused').length;
    expect(refused).toBeGreaterThan(10);
    expect(summary.network.refused).toBe(refused);
    expect(summary.responses['418']).toBe(refused);
    // Each POST meets its fate on its own: the share refused is 0.3, within 4 standard deviations.
    const posts = trace.filter((l) => l.event === 'POST').length;
    expect(Math.abs(refused / posts - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / posts));
  });

  it('a response-loss window in force during a run still lets the background refusals happen', () => {
    const { summary } = runObserved(
      tinyScenario({ duration: '3m', network: { refusedConnections: 0.3, outages: [{ kind: 'response-loss', from: '0s', until: '3m' }] } }),
    );
    expect(summary.network.refused).toBeGreaterThan(10);
    expect(summary.network.lostResponses).toBeGreaterThan(10);
  });
});
