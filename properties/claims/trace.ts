import { compareSummaryWithTrace } from '../accounting.ts';
import { type Checker, Violations, at } from './common.ts';

/** The trace as a whole: accounting, and the clock. */

export const ACCOUNTING = 'every count in summary.json equals the count derived from the trace';

export const summaryMatchesTrace: Checker = ({ trace, summary, facts }) => {
  const { mismatches, compared, notInTrace } = compareSummaryWithTrace(trace, summary, facts);
  const v = new Violations();
  for (const m of mismatches) v.add(m);
  return v.result(ACCOUNTING, `${compared} figures agree with the trace (not visible in the trace, so not compared: ${notInTrace.join(', ')})`);
};

export const CLOCK_MONOTONE = 'virtual time never runs backwards';

export const clockNeverRunsBackwards: Checker = ({ trace }) => {
  const v = new Violations();
  for (let i = 1; i < trace.length; i++) if (trace[i].t < trace[i - 1].t) v.add(`line ${i} at ${at(trace[i].t)} after ${at(trace[i - 1].t)}`);
  return v.result(CLOCK_MONOTONE, `${trace.length} trace lines in time order`);
};
