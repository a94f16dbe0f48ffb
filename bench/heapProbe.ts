/**
 * Runs the large scenario for the given duration and prints its peak heap
 * (bytes used after a full collection, sampled every 65,536 events).
 * Run with --expose-gc; `bench/run.ts` starts it in a fresh process.
 */
import { runScenario } from '../sim/run.ts';
import { largeDay } from './largeDay.ts';

const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with node --expose-gc');
let peakHeapBytes = 0;
const sample = () => {
  collect();
  peakHeapBytes = Math.max(peakHeapBytes, process.memoryUsage().heapUsed);
};
const duration = process.argv[2] ?? '1h';
const { summary } = runScenario(largeDay(duration), { onProgress: sample });
sample();
process.stdout.write(`${JSON.stringify({ duration, events: summary.events, peakHeapBytes })}\n`);
