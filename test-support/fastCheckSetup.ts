import fc from 'fast-check';

// fast-check reads no environment variables: CI's default run, a pinned
// replay and the deep nightly run (`npm run test:deep`) share these tests.
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
// FC_NO_SHRINK=1: report the first counterexample as found. For check:mistakes, which needs "caught", not
// the smallest case: shrinking a generated multi-group campaign can take minutes.
const endOnFailure = process.env.FC_NO_SHRINK === '1';
fc.configureGlobal({ numRuns, ...(seed === undefined ? {} : { seed }), ...(endOnFailure ? { endOnFailure } : {}) });
