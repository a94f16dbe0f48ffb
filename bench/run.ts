/**
 * `npm run bench [-- --json PATH] [--quick]`: how fast the model runs and how
 * its memory behaves, next to a bare event loop on the same machine, and how
 * a sweep scales from one worker thread to two, and how many runs an adaptive
 * sweep saves, and how ocs-sim drive keeps time and pace against serve. Prints a table; with --json writes the figures (keys named in
 * issues 4, 5 and 16). Figures, not pass/fail:
 * speed targets live here and never in a test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/files.ts';
import { modelVersion } from '../sweep/modelVersion.ts';
import { loadSweepPlan, runSweep } from '../sweep/sweepRun.ts';
import { runScenario } from '../sim/run.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { taskOf } from '../sweep/runTask.ts';
import { adaptiveFraction } from './adaptiveFraction.ts';
import { largeDay } from './largeDay.ts';
import { referenceEventLoop } from './reference.ts';
import { driveBench } from './driveBench.ts';
import { proxyBench } from './proxyBench.ts';
import { serveBench } from './serveBench.ts';
import { startup } from './startup.ts';
import { queueCost } from './queueBench.ts';
import { threadScaling } from './threadScaling.ts';
import { median } from './median.ts';

const here = dirname(fileURLToPath(import.meta.url));

const wall = () => performance.now(); // wall-clock-ok: a benchmark measures wall time

function timeRun(scenario: Scenario, engine: 'compiled' | 'xstate', healthSampling = true) {
  const start = wall();
  const { summary } = runScenario(scenario, { engine, healthSampling });
  const seconds = (wall() - start) / 1000;
  return { events: summary.events, seconds, eventsPerSecond: summary.events / seconds, summary };
}

export const EXAMPLE_SWEEP = join(here, '..', 'sweeps', 'default-threshold-recovery.yaml');

/** Wall time of the example sweep on `workers` threads, worker start-up included, into a scratch directory. */
async function timeSweep(workers: number, quick: boolean): Promise<{ seconds: number; runs: number }> {
  const plan = loadSweepPlan(EXAMPLE_SWEEP, quick);
  const out = mkdtempSync(join(tmpdir(), 'ocs-sim-bench-sweep-'));
  try {
    const start = wall();
    await runSweep(plan, { out, workers, resume: false, stderr: { write: () => true } });
    return { seconds: (wall() - start) / 1000, runs: plan.runs.length };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Peak heap of a run, measured in a fresh process (`bench/heapProbe.ts`) so runs do not share a heap. */
function peakHeap(duration: string): number {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, 'heapProbe.ts'), duration], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!).peakHeapBytes;
}

async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const jsonAt = argv.indexOf('--json');
  const jsonPath = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
  const repeats = quick ? 1 : 3;
  const modelRepeats = quick ? 1 : 5;

  const day = largeDay(quick ? '1h' : undefined);
  referenceEventLoop(1_000_000); // warm-up of both loops: let the JIT see each once
  timeRun(largeDay('30m'), 'compiled');
  // The model and the reference alternate, so a busier minute slows both alike; each pair gives a ratio, the median pair is quoted.
  const pairs = Array.from({ length: modelRepeats }, () => {
    const reference = referenceEventLoop(quick ? 1_000_000 : 4_000_000);
    const run = timeRun(day, 'compiled');
    return { run, referenceEventsPerSecond: reference.events / reference.seconds, ratio: run.eventsPerSecond / (reference.events / reference.seconds) };
  });
  const referenceEventsPerSecond = median(pairs.map((p) => p.referenceEventsPerSecond));
  const modelToReference = median(pairs.map((p) => p.ratio));
  const model = pairs.map((p) => p.run).sort((a, b) => a.seconds - b.seconds)[Math.floor(pairs.length / 2)];

  // Health (issue 24): the same day without health's sampling, runs interleaved with those above' kind so drift hits both alike.
  const withHealth: number[] = [];
  const withoutHealth: number[] = [];
  for (let i = 0; i < modelRepeats; i++) {
    withoutHealth.push(timeRun(day, 'compiled', false).seconds);
    withHealth.push(timeRun(day, 'compiled').seconds);
  }
  const healthOverhead = median(withHealth) / median(withoutHealth) - 1;

  const xstate = timeRun(largeDay(quick ? '1m' : '5m'), 'xstate');

  const heap1h = peakHeap('1h');
  const heap10h = quick ? heap1h : peakHeap('10h');

  // Sweeps: the same runs on one worker thread and on two (issue 5's goal: at least 1.8x).
  const sweeps: Array<{ one: number; two: number }> = [];
  let sweepRuns = 0;
  for (let i = 0; i < repeats; i++) {
    const one = await timeSweep(1, quick);
    const two = await timeSweep(2, quick);
    sweepRuns = one.runs;
    sweeps.push({ one: one.seconds, two: two.seconds });
  }
  const sweepOne = median(sweeps.map((s) => s.one));
  const sweepTwo = median(sweeps.map((s) => s.two));
  const examplePlan = loadSweepPlan(EXAMPLE_SWEEP, quick);
  const scaling = await threadScaling(taskOf(examplePlan, examplePlan.runs[0]), quick ? 20 : 100, wall);
  // The same runs through a queue (issue 15): one worker process against one thread gives the cost per run, two against two the throughput.
  const exampleTasks = examplePlan.runs.map((r) => taskOf(examplePlan, r));
  const queuedOne = await queueCost(exampleTasks, 1, repeats, modelVersion(), wall);
  const queuedTwo = await queueCost(exampleTasks, 2, repeats, modelVersion(), wall);
  const queueOverheadMsPerRun = queuedOne && ((queuedOne.queuedSeconds - queuedOne.localSeconds) * 1000) / exampleTasks.length;
  const queueThroughputRatio = queuedTwo && queuedTwo.localSeconds / queuedTwo.queuedSeconds;

  const started = await startup(quick);
  const serve = await serveBench(quick);
  const driven = await driveBench(quick);
  const proxied = await proxyBench(quick);
  const adaptive = await adaptiveFraction(EXAMPLE_SWEEP, 2);

  const figures = {
    scenario: day.name,
    simulatedHours: Number((model.summary.virtualSeconds / 3600).toFixed(2)),
    modelEvents: model.events,
    modelEventsPerSecond: Math.round(model.eventsPerSecond),
    referenceEventsPerSecond: Math.round(referenceEventsPerSecond),
    modelToReference: Number(modelToReference.toFixed(3)),
    dayWallSeconds: Number(model.seconds.toFixed(3)),
    healthOverhead: Number(healthOverhead.toFixed(4)),
    xstateEngineEventsPerSecond: Math.round(xstate.eventsPerSecond),
    xstateEngineEvents: xstate.events,
    peakHeap1hMB: Number((heap1h / 2 ** 20).toFixed(1)),
    peakHeap10hMB: Number((heap10h / 2 ** 20).toFixed(1)),
    heapRatio10hTo1h: Number((heap10h / heap1h).toFixed(3)),
    sweepRuns,
    sweepSeconds1Worker: Number(sweepOne.toFixed(3)),
    sweepSeconds2Workers: Number(sweepTwo.toFixed(3)),
    sweepSpeedup1To2: Number((sweepOne / sweepTwo).toFixed(3)),
    threadScalingCeiling: Number(scaling.ceiling.toFixed(3)),
    queueLocalSeconds1Thread: queuedOne && Number(queuedOne.localSeconds.toFixed(3)),
    queueQueuedSeconds1Worker: queuedOne && Number(queuedOne.queuedSeconds.toFixed(3)),
    queueLocalSeconds2Threads: queuedTwo && Number(queuedTwo.localSeconds.toFixed(3)),
    queueQueuedSeconds2Workers: queuedTwo && Number(queuedTwo.queuedSeconds.toFixed(3)),
    queueOverheadMsPerRun: queueOverheadMsPerRun === null ? null : Number(queueOverheadMsPerRun.toFixed(2)),
    queueThroughputRatio: queueThroughputRatio === null ? null : Number(queueThroughputRatio.toFixed(3)),
    recordsCreated: model.summary.records.created,
    bareNodeSeconds: started.bareNodeSeconds,
    startupHelpSeconds: started.startupHelpSeconds,
    startupHelpRatio: started.startupHelpRatio,
    tinyRunSeconds: started.tinyRunSeconds,
    tinyRunRatio: started.tinyRunRatio,
    workerThreadStartMs: started.workerThreadStartMs,
    serveRecordsPerSecond: serve.serveRecordsPerSecond,
    serveLatencyP99Ms: serve.serveLatencyP99Ms,
    driveSendLatenessP99Ms: driven.driveSendLatenessP99Ms,
    driveMaxPostsPerSecond: driven.driveMaxPostsPerSecond,
    proxyAddedLatencyP99Ms: proxied.proxyAddedLatencyP99Ms,
    proxyMaxPostsPerSecond: proxied.proxyMaxPostsPerSecond,
    ...adaptive,
    node: process.version,
    quick,
  };

  const goals: Record<string, string> = {
    startupHelpRatio: `<= 3x bare node: ${started.startupHelpRatio <= 3 ? 'met' : 'NOT met'} (ocs-sim --help, compiled, medians alternating with node -e 0)`,
    tinyRunRatio: `<= 5x bare node: ${started.tinyRunRatio <= 5 ? 'met' : 'NOT met'} (a one-minute scenario end to end, compiled)`,
    workerThreadStartMs: `<= 50: ${started.workerThreadStartMs <= 50 ? 'met' : 'NOT met'} (a worker thread from its start to the compiled task module loaded)`,
    modelToReference: `>= 0.5: ${modelToReference >= 0.5 ? 'met' : 'NOT met'} (model events/s over a bare 4-ary event-heap loop's, same process, alternating; median of ${pairs.length} pairs)`,
    dayWallSeconds: `<= 1.0: ${model.seconds <= 1 ? 'met' : 'NOT met'} (the 10-hour, 500-agent day, median of ${pairs.length}${quick ? '; --quick runs 1 hour' : ''})`,
    healthOverhead: `<= 0.10: ${healthOverhead <= 0.1 ? 'met' : 'NOT met'} (the day with the health verdict's sampling and judgement against without, medians)`,
    heapRatio10hTo1h: `<= 1.1: ${heap10h / heap1h <= 1.1 ? 'met' : 'NOT met'}`,
    sweepSpeedup1To2: `>= 1.8: ${sweepOne / sweepTwo >= 1.8 ? 'met' : 'NOT met'} (whole sweep: worker start-up, runs, report)`,
    threadScalingCeiling: 'the same run on 2 warm threads vs 1: what 2 cores give here',
    queueOverheadMsPerRun:
      queueOverheadMsPerRun === null
        ? 'skipped: no redis-server'
        : `<= 5: ${queueOverheadMsPerRun <= 5 ? 'met' : 'NOT met'} (1 warm worker process vs 1 warm local thread, same runs, start-up left out)`,
    queueThroughputRatio:
      queueThroughputRatio === null
        ? 'skipped: no redis-server'
        : `>= 0.9: ${queueThroughputRatio >= 0.9 ? 'met' : 'NOT met'} (2 warm worker processes vs 2 warm local threads, this machine)`,
    serveRecordsPerSecond: `>= 10000: ${serve.serveRecordsPerSecond >= 10_000 ? 'met' : 'NOT met'} (serve in its own process, journal on, 32 keep-alive connections)`,
    adaptiveRunsFraction: `<= 0.4 with the fixed sweep's recommended setting: ${adaptive.adaptiveRunsFraction <= 0.4 && adaptive.adaptiveRecommended === adaptive.fixedRecommended ? 'met' : 'NOT met'} (sweep --adaptive on ${basename(EXAMPLE_SWEEP)}, runs against its fixed grid's)`,
    driveSendLatenessP99Ms: `<= 10 at 1,000 POSTs/s against serve: ${driven.driveSendLatenessP99Ms <= 10 ? 'met' : 'NOT met'} (send time minus the instant the model meant, ${driven.drivePacedPosts} POSTs)`,
    driveMaxPostsPerSecond: `>= 5000 against serve: ${driven.driveMaxPostsPerSecond >= 5000 ? 'met' : 'NOT met'} (the model asks 20,000/s through a pool of 64; serve in its own process)`,
    proxyAddedLatencyP99Ms: `<= 2 at 1,000 POSTs/s against serve: ${proxied.proxyAddedLatencyP99Ms <= 2 ? 'met' : 'NOT met'} (p99 through the proxy minus straight to serve, alternating rounds, median of rounds)`,
    proxyMaxPostsPerSecond: `>= 3000 against serve: ${proxied.proxyMaxPostsPerSecond >= 3000 ? 'met' : 'NOT met'} (32 keep-alive connections; load, proxy and serve share the cores)`,
    serveLatencyP99Ms: `<= 10 above the 0 ms service time at 2,000 POSTs/s: ${serve.serveLatencyP99Ms <= 10 ? 'met' : 'NOT met'}`,
  };
  const rows = Object.entries(figures).map(([k, v]) => [k, String(v), goals[k] ?? '']);
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(
    `${rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(width[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n')}\n`,
  );
  if (jsonPath) {
    writeFileAtomic(jsonPath, `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`wrote ${jsonPath}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
