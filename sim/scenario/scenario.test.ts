import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { runObserved, scenarioFrom } from '../../test-support/scenarios.ts';
import { validateScenario } from './validate.ts';

describe('the scenario type', () => {
  it("fills in every default of an empty scenario, the default campaign group's own fields included", () => {
    const scenario = scenarioFrom({});
    expect(scenario.campaignGroups).toHaveLength(1);
    const group = scenario.campaignGroups[0];
    expect(group).toMatchObject({ name: 'Outbound Sales@Sales Agents', dbid: 101, agents: 50, dialMode: 'predictive' });
    expect(group.calls.outcomes.Answer).toBe(0.35);
    expect(scenario.ocs['history-wait-condition-threshold']).toBe(100);
  });

  it('runs a scenario that sets only an OCS option', () => {
    const run = runObserved(scenarioFrom({ duration: '1m', ocs: { 'history-wait-recovery-timeout': '45s' } }));
    expect(run.summary.dials).toBeGreaterThan(0);
    expect(run.summary.records.unconfirmed).toBe(0);
  });

  it('writes an effective scenario that is itself a valid scenario file, and the same one', () => {
    const effective = scenarioFrom({ campaignGroups: [{ name: 'A', dbid: 7, dialMode: 'preview' }], externalSystem: { errors: { '503': 0.1 } } });
    const again = validateScenario(parseYaml(toYaml(effective)));
    expect(again).toEqual({ ok: true, scenario: effective });
  });
});
