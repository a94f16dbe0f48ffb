/**
 * `npm run bench [-- --json PATH] [--quick]`: how fast the model runs and how
 * its memory behaves, next to a bare event loop on the same machine. Prints a
 * table; with --json writes the figures (keys named in issue 4). Figures, not
 * pass/fail: speed targets live here and never in a test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../cli/files.ts';
import { parseScenarioText } from '../cli/scenarioFile.ts';
import { runScenario } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario.ts';
import { referenceEventLoop } from './reference.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const LARGE_DAY = join(here, 'large-day.yaml');

export function largeDay(duration?: string): Scenario {
  const scenario = parseScenarioText(readFileSync(LARGE_DAY, 'utf8'), LARGE_DAY);
  return duration === undefined ? scenario : { ...scenario, duration };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wall = () => performance.now(); // wall-clock-ok: a benchmark measures wall time

function timeRun(scenario: Scenario, engine: 'compiled' | 'xstate') {
  const start = wall();
  const { summary } = runScenario(scenario, { engine });
  const seconds = (wall() - start) / 1000;
  return { events: summary.events, seconds, eventsPerSecond: summary.events / seconds, summary };
}

/** Peak heap of a run, measured in a fresh process (`bench/heapProbe.ts`) so runs do not share a heap. */
function peakHeap(duration: string): number {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'heapProbe.ts'), duration], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!).peakHeapBytes;
}

function main(argv: string[]): void {
  const quick = argv.includes('--quick');
  const jsonAt = argv.indexOf('--json');
  const jsonPath = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
  const repeats = quick ? 1 : 3;

  const reference = Array.from({ length: repeats }, () => referenceEventLoop(quick ? 1_000_000 : 4_000_000));
  const referenceEventsPerSecond = median(reference.map((r) => r.events / r.seconds));

  const day = largeDay(quick ? '1h' : undefined);
  timeRun(largeDay('30m'), 'compiled'); // warm-up: let the JIT see the model once
  const runs = Array.from({ length: repeats }, () => timeRun(day, 'compiled'));
  const model = runs.sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];

  const xstate = timeRun(largeDay(quick ? '1m' : '5m'), 'xstate');

  const heap1h = peakHeap('1h');
  const heap10h = quick ? heap1h : peakHeap('10h');

  const figures = {
    scenario: day.name,
    simulatedHours: Number((model.summary.virtualSeconds / 3600).toFixed(2)),
    modelEvents: model.events,
    modelEventsPerSecond: Math.round(model.eventsPerSecond),
    referenceEventsPerSecond: Math.round(referenceEventsPerSecond),
    modelToReference: Number((model.eventsPerSecond / referenceEventsPerSecond).toFixed(3)),
    dayWallSeconds: Number(model.seconds.toFixed(3)),
    xstateEngineEventsPerSecond: Math.round(xstate.eventsPerSecond),
    xstateEngineEvents: xstate.events,
    peakHeap1hMB: Number((heap1h / 2 ** 20).toFixed(1)),
    peakHeap10hMB: Number((heap10h / 2 ** 20).toFixed(1)),
    heapRatio10hTo1h: Number((heap10h / heap1h).toFixed(3)),
    recordsCreated: model.summary.records.created,
    node: process.version,
    quick,
  };

  const goals: Record<string, string> = {
    modelEventsPerSecond: `>= reference / 3 (${Math.round(referenceEventsPerSecond / 3)}): ${model.eventsPerSecond >= referenceEventsPerSecond / 3 ? 'met' : 'NOT met'}`,
    dayWallSeconds: `<= 2: ${model.seconds <= 2 ? 'met' : 'NOT met'}`,
    heapRatio10hTo1h: `<= 1.1: ${heap10h / heap1h <= 1.1 ? 'met' : 'NOT met'}`,
  };
  const rows = Object.entries(figures).map(([k, v]) => [k, String(v), goals[k] ?? '']);
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(`${rows.map((r) => r.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd()).join('\n')}\n`);
  if (jsonPath) {
    writeFileAtomic(jsonPath, `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`wrote ${jsonPath}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
