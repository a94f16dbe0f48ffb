import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocsSim, type CliResult } from '../test-support/cli.ts';
import { openOffline, saveScreenshot } from '../test-support/offlinePage.ts';
import { CHROMIUM, launchChromium } from './browser.ts';

/**
 * The acceptance of run reports, through the real `ocs-sim` command and a
 * real browser: `run --report` writes report.html and report.md next to the
 * run's files, byte-identical for the same scenario and seed; `report DIR`
 * rebuilds the same bytes from an earlier run's files and refuses a run it
 * cannot reproduce; report.html opens from disk in headless Chromium with no
 * console error and no request leaving the page, and every chart has marks.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_FILES = ['trace.jsonl', 'ocs.log', 'summary.json', 'scenario.yaml'];

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-report-'));
const out = {
  first: join(dir, 'first'),
  again: join(dir, 'again'),
  rebuilt: join(dir, 'rebuilt'),
  tampered: join(dir, 'tampered'),
  race: join(dir, 'race'),
};
const read = (where: string, file: string) => readFileSync(join(where, file));
const copyRun = (from: string, to: string) => {
  mkdirSync(to, { recursive: true });
  for (const f of RUN_FILES) copyFileSync(join(from, f), join(to, f));
};
const ok = (run: CliResult) => expect(run.code, `ocs-sim failed: ${run.stderr}`).toBe(0);

beforeAll(async () => {
  const runs = await Promise.all([
    ocsSim(['run', '--out', out.first, '--report']),
    ocsSim(['run', '--out', out.again, '--report']),
    // A run without trace.jsonl, with pre-dial validation and race conditions: its report comes later, from `report DIR`.
    ocsSim(['run', join(ROOT, 'scenarios', 'predial-race.yaml'), '--out', out.race, '--no-trace']),
  ]);
  runs.forEach(ok);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ocs-sim run --report and ocs-sim report DIR', () => {
  it('write report.html and report.md next to the run files, byte-identical for the same scenario and seed', () => {
    for (const file of ['report.html', 'report.md']) {
      const a = read(out.first, file);
      expect(a.length, `${file} is empty`).toBeGreaterThan(1000);
      expect(a.equals(read(out.again, file)), `${file} differs between two runs with the same seed`).toBe(true);
    }
    expect(existsSync(join(out.first, 'trace.jsonl'))).toBe(true);
  });

  it('report DIR rebuilds the same bytes from an earlier run, and leaves no temporary file', async () => {
    copyRun(out.first, out.rebuilt);
    const run = await ocsSim(['report', out.rebuilt]);
    ok(run);
    expect(run.stdout).toContain('report.html');
    expect(read(out.rebuilt, 'report.html').equals(read(out.first, 'report.html'))).toBe(true);
    expect(read(out.rebuilt, 'report.md').equals(read(out.first, 'report.md'))).toBe(true);
    expect(readFileSync(join(out.rebuilt, 'summary.json')).equals(read(out.first, 'summary.json')), 'report must not touch the run files').toBe(true);
  });

  it('report DIR refuses a run whose summary a re-run does not reproduce, and writes nothing', async () => {
    copyRun(out.first, out.tampered);
    const summary = JSON.parse(readFileSync(join(out.tampered, 'summary.json'), 'utf8')) as { dials: number };
    summary.dials += 1;
    writeFileSync(join(out.tampered, 'summary.json'), JSON.stringify(summary, null, 2));
    const run = await ocsSim(['report', out.tampered]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/summary\.json does not match a re-run .* \(dials: \d+ in the file, \d+ on re-running\)/);
    expect(existsSync(join(out.tampered, 'report.html'))).toBe(false);
  });

  it('reports a run made without trace.jsonl, race conditions included', async () => {
    ok(await ocsSim(['report', out.race]));
    const html = read(out.race, 'report.html').toString('utf8');
    expect(html).toContain('without trace.jsonl');
    expect(html).toMatch(/<span class="tag">race condition<\/span>/);
    expect(read(out.race, 'report.md').toString('utf8')).toMatch(/Note over D: [0-9:.]+ race condition: predial check aborted/);
  });

  it('report.html has no script and refers to nothing outside itself', () => {
    for (const where of [out.first, out.race]) {
      const html = read(where, 'report.html').toString('utf8');
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<link\b/i);
      // Every src/href is an in-page anchor; url(...) only points at ids in the page.
      expect([...html.matchAll(/\s(?:src|href|xlink:href)="([^"]*)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('#'))).toEqual([]);
      expect([...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1]).filter((u) => !u.startsWith('#'))).toEqual([]);
    }
  });
});

describe('report.html in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install -y chromium (npm test does it first when run as root)`).toBe(true);
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());

  for (const [name, where] of [
    ['default', () => out.first],
    ['predial-race', () => out.race],
  ] as const) {
    it(`${name}: opens from disk with no console error and no network request, every chart and diagram drawn`, async () => {
      const { page, errors, requests } = await openOffline(browser, join(where(), 'report.html'));

      const figures = await page.evaluate(() =>
        [...document.querySelectorAll('figure.chart')].map((figure) => {
          const svg = figure.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          const marks = [...figure.querySelectorAll('g.role-mark')].flatMap((g) => [...g.querySelectorAll('path, rect, line, circle')]);
          return {
            id: figure.id,
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            marks: marks.filter((m) => m.tagName !== 'path' || (m.getAttribute('d') ?? '') !== '').length,
            // The data layer is the last one each chart draws (shading alone does not count): marks with an extent.
            dataMarks: (() => {
              const layers = [...figure.querySelectorAll('g.role-mark')];
              const last = layers[layers.length - 1];
              if (last === undefined) return 0;
              return [...last.querySelectorAll('path, line, rect')].filter((m) => {
                const b = (m as SVGGraphicsElement).getBBox();
                return b.width > 0 || b.height > 0;
              }).length;
            })(),
          };
        }),
      );
      expect(figures.map((f) => f.id)).toEqual(['chart-marked', 'chart-pool', 'chart-dial', 'chart-responses', 'chart-races', 'chart-delivery']);
      for (const f of figures) {
        expect(f.width, `${f.id} has no size`).toBeGreaterThan(300);
        expect(f.height, `${f.id} has no size`).toBeGreaterThan(80);
        expect(f.marks, `${f.id} has no marks`).toBeGreaterThan(0);
        expect(f.dataMarks, `${f.id} draws no data`).toBeGreaterThan(0);
      }
      // State diagrams are drawn at their own size (the figure scrolls sideways), never squeezed: labels stay at least 10 px tall.
      const labelPx = await page.evaluate(() =>
        [...document.querySelectorAll('svg.machine')].map((svg) => {
          const box = svg.getBoundingClientRect();
          return (box.width / Number(svg.getAttribute('width'))) * 11;
        }),
      );
      for (const px of labelPx) expect(px).toBeGreaterThanOrEqual(10);
      const diagrams = await page.evaluate(() => ({
        machines: [...document.querySelectorAll('svg.machine')].map((svg) => svg.querySelectorAll('rect').length),
        sequences: [...document.querySelectorAll('svg.sequence')].map((svg) => svg.querySelectorAll('line').length),
        invariants: document.querySelectorAll('table.inv tbody tr').length,
      }));
      expect(diagrams.machines.length).toBe(3);
      for (const rects of diagrams.machines) expect(rects).toBeGreaterThan(2);
      expect(diagrams.sequences.length).toBeGreaterThan(0);
      for (const lines of diagrams.sequences) expect(lines).toBeGreaterThan(4);
      expect(diagrams.invariants).toBeGreaterThan(5);

      await saveScreenshot(page, `report-${name}.png`);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    });
  }
});
