import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSweepPlan, runSweep } from '../sweep/sweepRun.ts';
import { cellLabel } from '../sweep/plan.ts';
import { readResults } from '../sweep/results.ts';

/**
 * Issue 16's figure: the runs `--adaptive` uses on a sweep divided by the runs
 * of the same sweep's fixed grid, and both recommended settings, which must
 * agree for the saving to count. Both sweeps run in full (never --quick: two
 * replications leave an adaptive sweep nothing to adapt), each into its own
 * scratch directory, so no run is shared between them.
 */
export interface AdaptiveFraction {
  adaptiveRuns: number;
  fixedRuns: number;
  adaptiveRunsFraction: number;
  fixedRecommended: string;
  adaptiveRecommended: string;
}

async function sweepOnce(file: string, adaptive: boolean, workers: number): Promise<{ runs: number; recommended: string }> {
  const plan = loadSweepPlan(file, false, adaptive);
  const out = mkdtempSync(join(tmpdir(), 'ocs-sim-bench-adaptive-'));
  try {
    await runSweep(plan, { out, workers, resume: false, stderr: { write: () => true } });
    const best = (JSON.parse(readFileSync(join(out, 'recommendation.json'), 'utf8')) as { best: { options: Record<string, unknown> } | null }).best;
    // Every run the sweep made is one line of results.jsonl (a fresh directory: nothing resumed).
    return { runs: readResults(join(out, 'results.jsonl')).previous.length, recommended: best ? cellLabel(best.options) : 'none' };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function adaptiveFraction(file: string, workers: number): Promise<AdaptiveFraction> {
  const fixed = await sweepOnce(file, false, workers);
  const adaptive = await sweepOnce(file, true, workers);
  return {
    adaptiveRuns: adaptive.runs,
    fixedRuns: fixed.runs,
    adaptiveRunsFraction: Number((adaptive.runs / fixed.runs).toFixed(3)),
    fixedRecommended: fixed.recommended,
    adaptiveRecommended: adaptive.recommended,
  };
}
