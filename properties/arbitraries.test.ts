import fc from 'fast-check';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../sim/scenario/validate.ts';
import { scenarioInput } from './arbitraries.ts';
import { runInput, traceHash } from './generatedRun.ts';
import { assertProperty, numRuns } from './replay.ts';

const file = 'properties/arbitraries.test.ts';

describe('generated scenarios', () => {
  const valid = 'every generated scenario is valid and replays identically from its YAML';
  it(valid, () => {
    assertProperty(
      { file, name: valid },
      fc.property(scenarioInput(), (input) => {
        const fromYaml = parseYaml(toYaml(input));
        expect(fromYaml).toEqual(input);
        const validation = validateScenario(fromYaml);
        expect(validation.ok, validation.ok ? '' : validation.errors.join('\n')).toBe(true);
        expect(traceHash(runInput(fromYaml).trace)).toBe(traceHash(runInput(input).trace));
      }),
      { numRuns: numRuns(0.5) },
      ([input]) => input,
    );
  });

  it('reach the cases the properties are about (wait conditions, races, every response, every fault kind, both policies)', () => {
    // A fixed sample, so this is a statement about the generators, not about luck.
    const seen = new Map<string, number>();
    const see = (what: string, yes: boolean) => yes && seen.set(what, (seen.get(what) ?? 0) + 1);
    const inputs = [
      ...fc.sample(scenarioInput(), { numRuns: 200, seed: 7 }),
      ...fc.sample(scenarioInput({ preDialValidation: true, maxRedialS: 30 }), { numRuns: 100, seed: 7 }),
    ];
    for (const input of inputs) {
      const run = runInput(input);
      const s = run.result.summary;
      see('wait condition', s.waitConditions.activations > 0);
      see('race condition', s.raceConditions > 0);
      see('OCS timeout', s.timeouts > 0);
      for (const code of ['200', '408', '409', '418', '503']) see(`response ${code}`, (s.responses[code] ?? 0) > 0);
      see('late response', s.lateResponses > 0);
      see('stale overwrite', (s.external.staleOverwrites ?? 0) > 0);
      see('duplicate', (s.external.duplicates ?? 0) > 0);
      see(`recovery ${run.scenario.ocs['recovery-timer']} with re-submissions`, s.records.resubmissions > 0);
      for (const event of ['refused', 'hang', 'request-loss', 'response-loss'])
        see(
          `network ${event}`,
          run.trace.some((l) => l.entity === 'network' && l.event === event),
        );
      for (const g of run.scenario.campaignGroups) see(`dial mode ${g.dialMode}`, s.dials > 0);
      const groupState = new Map<string, string>();
      let stoppedWhileWaiting = false;
      for (const l of run.trace) {
        if (!l.entity.startsWith('group:')) continue;
        if (l.event === 'STOP' && groupState.get(l.entity) === 'waiting') stoppedWhileWaiting = true;
        groupState.set(l.entity, String(l.state));
      }
      see('group stopped during a wait condition', stoppedWhileWaiting);
      // Campaigns as users write them: several groups, own and shared calling lists, a contact crossing groups.
      const groups = run.scenario.campaignGroups;
      see(`${Math.min(groups.length, 5)} campaign group(s)`, true);
      const lists = new Map<string, number>();
      for (const g of groups) lists.set(g.callingList, (lists.get(g.callingList) ?? 0) + 1);
      see(
        'a shared calling list',
        [...lists.values()].some((n) => n > 1),
      );
      see('own calling lists beside each other', [...lists.values()].filter((n) => n === 1).length > 1);
      see('groups with different dial modes', new Set(groups.map((g) => g.dialMode)).size > 1);
      see('groups with different start times', new Set(groups.map((g) => g.startAt)).size > 1);
      see(
        'a group-level option',
        groups.some((g) => Object.keys(g.options).length > 0),
      );
      const dialer = new Map<string, string>();
      let crossed = false;
      for (const l of run.trace) {
        if (l.event !== 'dial') continue;
        const key = `${groups.find((g) => g.name === l.group)?.callingList}/${l.entity}`;
        if (dialer.has(key) && dialer.get(key) !== l.group) crossed = true;
        dialer.set(key, String(l.group));
      }
      see('a contact redialed by another group of its list', crossed);
    }
    console.log(`what 300 generated runs reach: ${JSON.stringify(Object.fromEntries(seen))}`);
    for (const what of [
      'wait condition',
      'race condition',
      'OCS timeout',
      'response 200',
      'response 408',
      'response 409',
      'response 418',
      'response 503',
      'late response',
      'stale overwrite',
      'duplicate',
      'recovery per-record with re-submissions',
      'recovery batch with re-submissions',
      'network refused',
      'network hang',
      'network request-loss',
      'network response-loss',
      'dial mode preview',
      'dial mode progressive',
      'dial mode predictive',
      'group stopped during a wait condition',
      '1 campaign group(s)',
      '2 campaign group(s)',
      '3 campaign group(s)',
      '4 campaign group(s)',
      '5 campaign group(s)',
      'a shared calling list',
      'own calling lists beside each other',
      'groups with different dial modes',
      'groups with different start times',
      'a group-level option',
      'a contact redialed by another group of its list',
    ]) {
      expect(seen.get(what) ?? 0, what).toBeGreaterThanOrEqual(3);
    }
  });
});
