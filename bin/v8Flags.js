// V8 settings for the whole process: the command and its sweep's worker
// threads. `npm run bench` starts node with the same flags, so it measures
// what users run (test-support/v8Flags.test.ts holds the two together).
//
// Allocation-site pretenuring: early in a run, on a few hundred samples,
// V8 may decide that some of the model's allocation sites (records, requests,
// kernel events) make long-lived objects and allocate them straight into the
// old generation. They mostly die young, so when it decides so the 10-hour
// benchmark day runs about 30% slower (1.25 s against 0.93 s here), at random
// from one process to the next. Off, every run takes the fast path. Outputs do
// not depend on it: it only moves objects between the collector's generations.
import { setFlagsFromString } from 'node:v8';

export const V8_FLAGS = ['--no-allocation-site-pretenuring'];

for (const flag of V8_FLAGS) setFlagsFromString(flag);
