import { describe, it } from 'vitest';
import { assertProperty } from './replay.ts';
import { DEMO_CLAIM, DEMO_FILE, demoProperty } from './replayDemo.ts';

// Fails on purpose, and only when asked to (OCS_REPLAY_DEMO=1): see properties/replay.test.ts.
describe('replay demo', () => {
  it.runIf(process.env.OCS_REPLAY_DEMO === '1')(DEMO_CLAIM, () => {
    assertProperty({ file: DEMO_FILE, name: DEMO_CLAIM }, demoProperty(), {}, ([input]) => input);
  });
});
