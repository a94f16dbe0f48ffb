import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScenario } from '../sim/scenario/validate.ts';
import { adaptiveRounds, adaptiveVerdicts, replicationsOf } from '../sweep/adaptiveSweep.ts';
import { aggregate } from '../sweep/aggregate.ts';
import { METRIC_NAMES, type RunMetrics } from '../sweep/metrics.ts';
import { planSweep, type SweepPlan } from '../sweep/plan.ts';
import { recommend, verdicts } from '../sweep/recommend.ts';
import { validateSweep } from '../sweep/sweepFile.ts';
import { openOffline, saveScreenshot } from '../test-support/offlinePage.ts';
import { CHROMIUM, launchChromium } from './browser.ts';
import { sweepReportData, type SweepReportInput } from './sweepData.ts';
import { buildSweepReport } from './sweepReport.ts';

/**
 * The sweep report: each metric across the swept options with its
 * confidence intervals (a heatmap for two options, panels for a third,
 * points with error bars for one), the objectives' region and the
 * recommendation marked; and, through the real `ocs-sim sweep`, a
 * report.html that opens in headless Chromium with no console error and no
 * request, every chart drawn.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

type MadeUp = (options: Record<string, unknown>, seed: number) => Partial<RunMetrics>;

/** A sweep over `vary` with results made up per cell and seed (no simulation): 3 seeds, or an adaptive sweep's 3..6. */
function madeUpSweep(vary: Record<string, unknown[]>, metric: MadeUp, adaptive: boolean) {
  const sweep = validateSweep({
    name: 'made-up sweep',
    scenario: 'x',
    vary,
    replications: adaptive ? { min: 3, max: 6 } : 3,
    adaptive,
    objectives: [
      { metric: 'waitFraction', max: 0.01 },
      { metric: 'unconfirmedAtEnd', equals: 0 },
    ],
    goal: { minimize: 'dialRateLost' },
  });
  const base = validateScenario({});
  if (!sweep.ok || !base.ok) throw new Error('setup');
  const planned = planSweep(sweep.sweep, base.scenario, { quick: false });
  if (!planned.ok) throw new Error(planned.errors.join('\n'));
  const plan: SweepPlan = planned.plan;
  const zero = Object.fromEntries(METRIC_NAMES.map((m) => [m, 0])) as RunMetrics;
  const results = new Map(plan.runs.map((r) => [r.key, { ...zero, ...metric(plan.cells[r.cell].options, r.seed) }]));
  return { plan, results };
}

function report(vary: Record<string, unknown[]>, metric: MadeUp): SweepReportInput {
  const { plan, results } = madeUpSweep(vary, metric, false);
  const cells = aggregate(plan, results);
  const vs = verdicts(plan.sweep.objectives, cells);
  return { plan, cells, verdicts: vs, recommendation: recommend(plan, cells, vs) };
}

/** The same as an adaptive sweep would conclude it, from results made up for every seed it may ask for. */
async function adaptiveReport(vary: Record<string, unknown[]>, metric: MadeUp): Promise<SweepReportInput> {
  const { plan, results } = madeUpSweep(vary, metric, true);
  const adaptive = await adaptiveRounds(plan, results, async () => {});
  const cells = aggregate(plan, results, replicationsOf(adaptive));
  const vs = adaptiveVerdicts(adaptive);
  return { plan, cells, verdicts: vs, recommendation: recommend(plan, cells, vs, adaptive), adaptive };
}

// Wait conditions vanish from a threshold of 200 up; longer recovery timeouts lose more dials.
const TWO_OPTIONS = { 'history-wait-condition-threshold': [50, 200, 400], 'history-wait-recovery-timeout': ['10s', '30s'] };
const twoOptionsMetrics: MadeUp = (o, seed) => ({
  waitFraction: Number(o['history-wait-condition-threshold']) < 200 ? 0.05 + seed * 0.001 : 0,
  dialRateLost: (o['history-wait-recovery-timeout'] === '30s' ? 0.02 : 0.01) + Number(o['history-wait-condition-threshold']) / 100_000 + seed * 0.0001,
});
const twoOptions = report(TWO_OPTIONS, twoOptionsMetrics);

describe('sweep report data', () => {
  it('lays the first option down, the second across, and marks the recommended cell and the runner-up', () => {
    const d = sweepReportData(twoOptions);
    expect(d.rows).toEqual({ title: 'history-wait-condition-threshold', values: ['50', '200', '400'] });
    expect(d.columns).toEqual({ title: 'history-wait-recovery-timeout', values: ['10s', '30s'] });
    expect(d.panels.values).toEqual(['']);
    const standing = Object.fromEntries(d.cells.map((c) => [`${c.row}/${c.column}`, c.standing]));
    expect(standing).toEqual({
      '50/10s': 'fails',
      '50/30s': 'fails',
      '200/10s': 'recommended',
      '200/30s': 'qualifies',
      '400/10s': 'runner-up',
      '400/30s': 'qualifies',
    });
    expect(d.cells[0].failed).toEqual(['waitFraction <= 0.01']);
    // Objective and goal metrics come first among the charted ones.
    expect(d.metrics.slice(0, 3).map((m) => m.metric)).toEqual(['waitFraction', 'unconfirmedAtEnd', 'dialRateLost']);
  });

  it('puts a third option in panels, one per value', () => {
    const d = sweepReportData(
      report(
        { 'http-connection-pool-size': [4, 8], 'history-wait-recovery-timeout': ['5s', '15s'], 'history-wait-condition-threshold': [50, 200] },
        () => ({}),
      ),
    );
    expect(d.panels).toEqual({ title: 'history-wait-condition-threshold', values: ['50', '200'] });
    expect(d.cells.map((c) => `${c.row}/${c.column}/${c.panel}`)).toContain('8/15s/200');
  });
});

describe('sweep report', () => {
  let html: string;
  let markdown: string;
  beforeAll(async () => ({ html, markdown } = await buildSweepReport(twoOptions)));

  it("draws the objectives' region and every charted metric as a heatmap with the recommended cell starred", () => {
    const d = sweepReportData(twoOptions);
    expect(html).toContain('id="chart-region"');
    for (const m of d.metrics) expect(html, m.metric).toContain(`id="chart-metric-${m.metric}"`);
    expect(html).toContain('★ Recommended: history-wait-condition-threshold=200, history-wait-recovery-timeout=10s');
    expect(html).toContain('☆ Runner-up: history-wait-condition-threshold=400, history-wait-recovery-timeout=10s');
    // The heatmap's text marks: the recommended cell's mean carries the star, its CI under it.
    const dialChart = html.slice(html.indexOf('id="chart-metric-dialRateLost"'), html.indexOf('</figure>', html.indexOf('id="chart-metric-dialRateLost"')));
    expect(dialChart).toMatch(/★0\.01\d+/);
    expect(dialChart).toContain('☆');
    expect(html).not.toMatch(/<script|<link\b/i);
  });

  it('gives the same facts in Markdown: the recommendation, then each metric as a grid with ★, ☆ and ✓', () => {
    expect(markdown.startsWith('# Recommendation: made-up sweep')).toBe(true);
    expect(markdown).toContain('## Each metric across the swept options');
    expect(markdown).toContain('| | history-wait-recovery-timeout=10s | history-wait-recovery-timeout=30s |');
    const waitRow = markdown.split('\n').find((l) => l.startsWith('| history-wait-condition-threshold=200 |') && l.includes('★'));
    expect(waitRow).toBeDefined();
    expect(markdown).toMatch(/\| history-wait-condition-threshold=50 \| 0\.052 \[0\.04\d*, 0\.05\d*\] \|/);
  });

  it('charts one option as points with error bars', async () => {
    const one = await buildSweepReport(
      report({ 'http-connection-pool-size': [2, 4, 8] }, (o, seed) => ({ dialRateLost: 0.01 * Number(o['http-connection-pool-size']) + seed * 0.001 })),
    );
    expect(one.html).toContain('bars: its 95% confidence interval');
    expect(one.html).toContain('id="chart-region"');
    expect(one.markdown).toContain('| | dialRateLost |');
  });
});

describe('adaptive sweep report', () => {
  it("shows the replications each cell got and what it left undecided, in HTML and Markdown; a fixed sweep's report has none of it", async () => {
    // Threshold 50 fails waitFraction at once; the leader (200, 10s) has waitFraction 0 in every replication, which no interval can test, so it runs to max;
    // every other cell loses more dials than it by the same amount in every seed: decisively worse at the first look.
    const input = await adaptiveReport(TWO_OPTIONS, twoOptionsMetrics);
    const d = sweepReportData(input);
    const cell = (row: string, column: string) => d.cells.find((c) => c.row === row && c.column === column)!;
    expect(d.cells.map((c) => `${c.row}/${c.column}: ${c.decisions?.replications} ${c.decisions?.stop}`)).toEqual([
      '50/10s: 3 fails',
      '50/30s: 3 fails',
      '200/10s: 6 decided',
      '200/30s: 3 worse',
      '400/10s: 3 worse',
      '400/30s: 3 worse',
    ]);
    expect(cell('200', '10s').standing).toBe('recommended');
    expect(d.adaptive).toMatchObject({ min: 3, max: 6, runsUsed: 21, fullGrid: 36 });

    const { html, markdown } = await buildSweepReport(input);
    expect(html).toContain("21 of the full grid's 36 runs in");
    const replications = html.slice(html.indexOf('id="chart-replications"'), html.indexOf('</figure>', html.indexOf('id="chart-replications"')));
    expect(replications).toContain('★6 runs');
    expect(replications).toContain('worse goal');
    // The table of all cells: a runs column and each cell's decisions.
    const allCells = html.slice(html.indexOf('<section id="cells">'));
    expect(allCells).toContain('<th class="num">runs</th>');
    expect(allCells).toMatch(/<td class="num">6<\/td>.*decided; every objective decided/);
    expect(markdown).toContain('## Replications per cell');
    expect(markdown).toMatch(
      /\| history-wait-condition-threshold=200 \| ★6 runs: decided; every objective decided ✓ \| 3 runs: goal worse than the recommended cell; every objective decided ✓ \|/,
    );
    expect(markdown).toMatch(/\| history-wait-condition-threshold=50 \| 3 runs: an objective failed; every objective decided \|/);

    const fixed = await buildSweepReport(twoOptions);
    expect(fixed.html).not.toContain('chart-replications');
    expect(fixed.html).not.toContain('<th class="num">runs</th>');
    expect(fixed.markdown).not.toContain('Replications per cell');
  });
});

describe('ocs-sim sweep: report.html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-sweep-report-'));
  const out = join(dir, 'out');
  let browser: Browser;
  beforeAll(async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      `name: sweep report in a browser
scenario:
  duration: 20m
  drainLimit: 20m
  campaignGroups: [{ name: Report@Agents, dbid: 7, agents: 30 }]
  externalSystem: { outages: [{ from: 5m, until: 9m, status: 503 }] }
vary:
  history-wait-condition-threshold: [30, 300]
  history-wait-recovery-timeout: [10s, 30s]
replications: 3
probe: { bound: 5m }
objectives: [{ metric: waitFraction, max: 0.05 }, { metric: unconfirmedAtEnd, equals: 0 }]
`,
    );
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'ocs-sim.js'), 'sweep', file, '--out', out, '--workers', '1'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium (npm test does it first when run as root)`).toBe(true);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens from disk with no console error and no network request, every chart drawn, the recommendation marked', async () => {
    const { page, errors, requests } = await openOffline(browser, join(out, 'report.html'));
    const figures = await page.evaluate(() =>
      [...document.querySelectorAll('figure.chart')].map((figure) => {
        const box = figure.querySelector('svg')?.getBoundingClientRect();
        const cells = [...figure.querySelectorAll('g.role-mark path, g.role-mark rect, g.role-mark line')].filter((m) => {
          const b = (m as SVGGraphicsElement).getBBox();
          return b.width > 0 || b.height > 0;
        }).length;
        const texts = [...figure.querySelectorAll('g.role-mark text')].map((t) => t.textContent ?? '');
        return { id: figure.id, width: box?.width ?? 0, height: box?.height ?? 0, cells, texts };
      }),
    );
    expect(figures[0].id).toBe('chart-region');
    expect(figures.length).toBeGreaterThan(5);
    for (const f of figures) {
      expect(f.width, `${f.id} has no size`).toBeGreaterThan(150);
      expect(f.height, `${f.id} has no size`).toBeGreaterThan(80);
      // Four cells of the sweep, each drawn.
      expect(f.cells, `${f.id} draws no cells`).toBeGreaterThanOrEqual(4);
    }
    const recommendation = JSON.parse(readFileSync(join(out, 'recommendation.json'), 'utf8')) as { best: unknown };
    if (recommendation.best !== null) expect(figures[0].texts.some((t) => t.startsWith('★'))).toBe(true);
    await saveScreenshot(page, 'sweep-report.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
