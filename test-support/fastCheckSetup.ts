import fc from 'fast-check';

// fast-check reads no environment variables: CI's default run, a pinned
// replay and the deep nightly run (`npm run test:deep`) share these tests.
const numRuns = Number(process.env.FC_NUM_RUNS ?? 100);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
fc.configureGlobal({ numRuns, ...(seed === undefined ? {} : { seed }) });
