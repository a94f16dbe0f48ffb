import fc from 'fast-check';
import { scenarioInput } from './arbitraries.ts';
import { runInput } from './generatedRun.ts';

/**
 * A deliberately false claim, so that properties/replay.test.ts can show what
 * a failing property prints and that the printed command replays it
 * (replayDemo.test.ts runs it only when OCS_REPLAY_DEMO=1).
 */
export const DEMO_FILE = 'properties/replayDemo.test.ts';
export const DEMO_CLAIM = 'no record is ever re-submitted (a deliberately false claim)';

export const demoProperty = () =>
  fc.property(scenarioInput(), (input) => {
    const resubmissions = runInput(input).result.summary.records.resubmissions;
    if (resubmissions > 0) throw new Error(`${resubmissions} re-submission(s)`);
  });
