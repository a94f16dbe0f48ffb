import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioReference } from './scenarioReference.ts';

describe('docs/scenario.md, the scenario field reference', () => {
  it('is the one ocs-sim schema --reference writes from the schema (regenerate it when a scenario field changes)', () => {
    expect(readFileSync(new URL('../docs/scenario.md', import.meta.url), 'utf8')).toBe(scenarioReference());
  });

  it('lists every OCS option and every field of a campaign group with its default', () => {
    const doc = scenarioReference();
    expect(doc).toContain('| `ocs.history-wait-recovery-timeout` | whole seconds (`30`, or quoted `"30"`), or a duration with a unit');
    expect(doc).toContain('| `campaignGroups[].agents` | a whole number >= 1 | `50` |');
    expect(doc).toContain('| `externalSystem.concurrency` |');
    expect(doc).toContain('| `network.outages[].kind` |');
  });
});
