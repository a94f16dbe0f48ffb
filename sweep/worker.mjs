// The worker-thread entry of the sweep pool. Worker threads do not inherit
// the tsx loader the CLI registered in the main thread (bin/ocs-sim.js), so
// each worker registers it before loading the TypeScript task.
import { register } from 'tsx/esm/api';

register();
const { runTask } = await import('./runTask.ts');

export default runTask;
