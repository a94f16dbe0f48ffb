import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import type { Conformance } from '../http/drive/conformance.ts';
import { startServer } from '../http/server.ts';
import { ocsSim } from '../test-support/cli.ts';
import { scenarioFrom } from '../test-support/scenarios.ts';

/**
 * drive and serve agree: both are the model (a faithful OCS, a faithful
 * external system), so with faults on one side only, drive's claims on
 * serve hold and serve's verdict on drive holds, for any scenario. A
 * violation is a verdict's mistake (a tolerance, a timing read off arrival
 * rather than off what the client did). Real time: a few scenarios in `npm
 * test`, more in `npm run test:deep` (FC_NUM_RUNS / 100, at most 30).
 */

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-agree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runs = process.env.FC_NUM_RUNS === undefined ? 2 : Math.max(2, Math.min(30, Math.round(Number(process.env.FC_NUM_RUNS) / 100)));

const ms = (n: number) => `${n}ms`;

const aGroup = (i: number) =>
  fc
    .record({ agents: fc.integer({ min: 2, max: 6 }), dialMode: fc.constantFrom('predictive', 'progressive'), talkMs: fc.integer({ min: 300, max: 2000 }) })
    .map(({ agents, dialMode, talkMs }) => ({
      name: `G${i}@Agents${i}`,
      dbid: 100 + i,
      campaign: `Campaign ${i}`,
      callingList: `List ${i}`,
      agents,
      dialMode,
      calls: { answerTime: { uniform: ['300ms', '1s'] }, talkTime: { fixed: ms(talkMs) }, afterCallWork: { fixed: '200ms' }, noAnswerTime: { fixed: '1s' } },
    }));

/** A window inside the dialing period (5 s). */
const aWindow = fc.record({ from: fc.integer({ min: 500, max: 3500 }), length: fc.integer({ min: 500, max: 2500 }) });

const aScenario = fc
  .record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    groups: fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => aGroup(i + 1)))),
    // Small pools against many agents: OCS's pool queues.
    pool: fc.integer({ min: 2, max: 8 }),
    responseTimeoutMs: fc.integer({ min: 800, max: 1500 }),
    recoveryMs: fc.integer({ min: 500, max: 2000 }),
    threshold: fc.integer({ min: 2, max: 10 }),
    validation: fc.boolean(),
    // serve-network: serve applies network faults at the socket (hangs, lost requests and responses, refused connections).
    faultsAt: fc.constantFrom<'serve' | 'serve-network' | 'drive'>('serve', 'serve-network', 'drive'),
    serve: fc.record({
      serviceMs: fc.integer({ min: 5, max: 100 }),
      errors409: fc.constantFrom(0, 0.05, 0.1),
      errors503: fc.constantFrom(0, 0.05),
      outage: fc.option(
        aWindow.map((w) => ({ ...w, status: 503 })),
        { nil: null },
      ),
    }),
    drive: fc.record({
      responseLoss: fc.constantFrom(0, 0.05, 0.2),
      refused: fc.constantFrom(0, 0.05, 0.1),
      outage: fc.option(fc.tuple(aWindow, fc.constantFrom('refused', 'request-loss')), { nil: null }),
    }),
  })
  .map((g) => {
    const serveFaults = g.faultsAt !== 'drive';
    const s = g.serve;
    const d = g.drive;
    return {
      faultsAt: g.faultsAt,
      scenario: {
        name: `agreement ${g.faultsAt} ${g.seed}`,
        seed: g.seed,
        startTime: '2026-01-05T10:00:00Z',
        duration: '5s',
        drainLimit: '30s',
        ocs: {
          'history-http-response-timeout': ms(g.responseTimeoutMs),
          'history-wait-recovery-timeout': ms(g.recoveryMs),
          'history-wait-condition-threshold': g.threshold,
          'http-connection-pool-size': g.pool,
          'pre-dial-validation': g.validation,
        },
        network:
          g.faultsAt === 'serve'
            ? { latency: { fixed: '1ms' } }
            : g.faultsAt === 'serve-network'
              ? { latency: { fixed: '1ms' }, responseLoss: d.responseLoss, refusedConnections: d.refused, hangs: d.refused, requestLoss: d.refused }
              : {
                  latency: { fixed: '1ms' },
                  responseLoss: d.responseLoss,
                  refusedConnections: d.refused,
                  outages: d.outage === null ? [] : [{ kind: d.outage[1], from: ms(d.outage[0].from), until: ms(d.outage[0].from + d.outage[0].length) }],
                },
        externalSystem: serveFaults
          ? {
              serviceTime: { fixed: ms(s.serviceMs) },
              // At least the pool: serve never makes OCS wait past its response timeout.
              concurrency: 16,
              errors: { ...(s.errors409 > 0 ? { '409': s.errors409 } : {}), ...(s.errors503 > 0 ? { '503': s.errors503 } : {}) },
              outages: s.outage === null ? [] : [{ from: ms(s.outage.from), until: ms(s.outage.from + s.outage.length), status: s.outage.status }],
              validationRejectProbability: 0.2,
            }
          : { serviceTime: { fixed: '5ms' }, concurrency: 16, validationRejectProbability: 0.2 },
        campaignGroups: g.groups,
      },
    };
  });

let serial = 0;

describe('drive against serve, faults on one side only: both verdicts hold', () => {
  it(
    'for generated scenarios (groups, outages, pools that queue, pre-dial validation on and off)',
    async () => {
      await fc.assert(
        fc.asyncProperty(aScenario, async ({ faultsAt, scenario }) => {
          const name = `s${serial++}`;
          const file = join(dir, `${name}.yaml`);
          writeFileSync(file, stringifyYaml(scenario));
          const server = await startServer({ scenario: scenarioFrom(scenario), host: '127.0.0.1', port: 0, networkFaults: faultsAt === 'serve-network' });
          const out = join(dir, name);
          const flags = faultsAt === 'drive' ? [] : ['--no-network-faults'];
          const result = await ocsSim([
            'drive',
            file,
            '--target',
            `${server.url}/ocs/history`,
            '--read-back',
            `${server.url}/records/{guid}`,
            '--out',
            out,
            ...flags,
          ]).finally(() => server.close());
          const verdict = server.verdict();
          const conformance = JSON.parse(readFileSync(join(out, 'conformance.json'), 'utf8')) as Conformance;
          const context = `faults at ${faultsAt}\n${stringifyYaml(scenario)}\n${result.stderr.slice(-2000)}`;
          // serve's deliberate hangs and lost responses are timeouts, and may outlast the drain: the latency and all-confirmed claims are rightly violated then, and say why.
          const expected = (c: Conformance['claims'][number]) =>
            faultsAt === 'serve-network' &&
            ((c.id === 'latency' && c.detail.includes('the target says it injects network faults')) ||
              (c.id === 'all-confirmed' && c.detail.includes('the target says it injects faults on purpose')));
          expect(
            conformance.claims.filter((c) => c.verdict === 'violated' && !expected(c)).map((c) => `${c.id}: ${c.detail}`),
            context,
          ).toEqual([]);
          expect(
            verdict.checks.filter((c) => c.status === 'violated').map((c) => `${c.claim}: ${c.violations.slice(0, 3).join('; ')}`),
            context,
          ).toEqual([]);
          expect(result.code, context).toBe(conformance.claims.some((c) => c.verdict === 'violated') ? 1 : 0);
          rmSync(out, { recursive: true, force: true });
        }),
        { numRuns: runs, endOnFailure: true },
      );
      // Each run is real time: the dialing period, the drain, the read-back, two processes' start.
    },
    60_000 * (runs + 1),
  );
});
