import { runScenario } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { runMetrics, type ProbeSettings, type RunMetrics } from './metrics.ts';
import type { PlannedRun, SweepPlan } from './plan.ts';

/**
 * One replication of one cell, as a worker thread runs it: the run with
 * faults and its fault-free twin on the same seed. Everything it needs travels in the
 * task, so where it runs cannot change what it computes.
 */
export interface RunTask {
  key: string;
  cell: number;
  seed: number;
  scenario: Scenario;
  twin: Scenario;
  probe: ProbeSettings;
}

export interface RunOutcome {
  key: string;
  cell: number;
  seed: number;
  metrics: RunMetrics;
}

/** The task of one planned run: its cell's scenario and twin travel with it. */
export function taskOf(plan: SweepPlan, run: PlannedRun): RunTask {
  const cell = plan.cells.find((c) => c.index === run.cell)!;
  return { key: run.key, cell: run.cell, seed: run.seed, scenario: cell.scenario, twin: cell.twin, probe: plan.probe };
}

export function runTask(task: RunTask): RunOutcome {
  const run = runScenario(task.scenario, { seed: task.seed });
  const twin = runScenario(task.twin, { seed: task.seed });
  return { key: task.key, cell: task.cell, seed: task.seed, metrics: runMetrics(run, twin.summary, task.probe) };
}
