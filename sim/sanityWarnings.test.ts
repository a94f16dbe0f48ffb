import { describe, expect, it } from 'vitest';
import { tinyScenario } from '../test-support/scenarios.ts';
import { ocsSim } from '../test-support/cli.ts';
import { resolve } from './scenario/resolve.ts';
import { bareNumberWarnings, sanityWarnings } from './sanityWarnings.ts';
import { settingsWarnings } from './warnings.ts';

/** Settings that are valid but probably not meant, each on a warning naming the option (issue 24). */

const warn = (overrides: Parameters<typeof tinyScenario>[0]) => sanityWarnings(resolve(tinyScenario(overrides), 1));

describe('sanity warnings', () => {
  it('the tiny test scenario and scenarios/default.yaml settings warn of nothing', () => {
    expect(warn({})).toEqual([]);
  });

  it('a bare number over an hour: "30000 as history-wait-recovery-timeout is 8 h 20 min: did you mean 30 s?"', () => {
    const [w] = bareNumberWarnings({ ocs: { 'history-wait-recovery-timeout': 30000, 'history-http-response-timeout': 10 } });
    expect(w).toMatch(
      /^30000 as history-wait-recovery-timeout is 8 h 20 min \(a bare number is whole seconds\): did you mean 30 s\? \(write the unit, e.g. history-wait-recovery-timeout: 30s\)$/,
    );
    expect(bareNumberWarnings({ ocs: { 'history-wait-recovery-timeout': 3600 } })).toEqual([]);
    expect(bareNumberWarnings({ campaignGroups: [{ name: 'G', options: { 'history-http-response-timeout': 5000 } }] })[0]).toContain(
      'as history-http-response-timeout (campaign group G) is 1 h 23 min',
    );
    expect(bareNumberWarnings({ ocs: { 'history-wait-recovery-timeout': '30000s' } })).toEqual([]);
    // Quoted, as OCS configuration writes values: the same.
    expect(bareNumberWarnings({ ocs: { 'history-wait-recovery-timeout': '30000' } })[0]).toMatch(/^30000 as history-wait-recovery-timeout is 8 h 20 min/);
  });

  it('a timeout longer than the whole run', () => {
    expect(warn({ duration: '2m', drainLimit: '1m', ocs: { 'history-wait-recovery-timeout': '1h' } })).toEqual([
      'history-wait-recovery-timeout 1 h is longer than the whole run (2 min dialing + 1 min drain): it never elapses within it',
    ]);
  });

  it("a response timeout below the external system's typical service time", () => {
    expect(
      warn({ ocs: { 'history-http-response-timeout': '200ms' }, externalSystem: { serviceTime: { lognormal: { median: '250ms', p99: '800ms' } } } }),
    ).toEqual([
      "history-http-response-timeout 200 ms is below the external system's typical service time (250 ms): most record POSTs time out while the external system still serves them, and are re-submitted",
    ]);
  });

  it('a pool larger than the external system can serve within the response timeout at its mean service time (the metastable example; sweeps/metastable-boundary.yaml finds the storm from pool 29 at 2 s), not one within it', () => {
    const storm = {
      ocs: { 'history-http-response-timeout': '2s', 'http-connection-pool-size': 48 },
      externalSystem: { serviceTime: { lognormal: { median: '250ms', p99: '800ms' } }, concurrency: 4 },
    } as const;
    expect(warn(storm)).toEqual([
      expect.stringMatching(
        /^http-connection-pool-size 48 is larger than the external system can serve within history-http-response-timeout 2 s \(2 s x 4 \/ 283 ms mean service = 28 requests\)/,
      ),
    ]);
    expect(warn({ ...storm, ocs: { ...storm.ocs, 'http-connection-pool-size': 28 } })).toEqual([]);
    // They are settings warnings: in summary.json's warnings too.
    expect(settingsWarnings(resolve(tinyScenario(storm), 1))).toHaveLength(1);
  });

  it('a run long enough for a self-sustaining storm to carry a million POSTs says so before it starts, a campaign day does not', () => {
    const storm = (duration: string) =>
      settingsWarnings(
        resolve(tinyScenario({ duration, drainLimit: '0s', ocs: { 'history-wait-recovery-timeout': '5s', 'http-connection-pool-size': 48 } }), 1),
      );
    expect(storm('10h').filter((w) => w.includes('storm'))).toEqual([]);
    const [long] = storm('40h').filter((w) => w.includes('storm'));
    expect(long).toMatch(
      /^a long run \(40 h dialing\): should a re-submission storm set in, a pool of 48 re-submitting every 5 s .* about 1\.\d million failed POSTs/,
    );
    expect(long).toContain('the run would be slow');
  });

  it('ocs-sim run prints them on warning: lines before the run', async () => {
    const r = await ocsSim(['run', 'scenarios/metastable-retry-storm.yaml', '--out', 'out/test-sanity-warnings', '--no-trace']);
    expect(r.stderr).toContain(
      'warning: http-connection-pool-size 48 is larger than the external system can serve within history-http-response-timeout 2 s (2 s x 4 / 283 ms mean service = 28 requests)',
    );
  });
});
