import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from '../reports/browser.ts';
import { withPngText } from '../reports/pngText.ts';

/**
 * The top of a report as a PNG, for the README: from the header down to the
 * end of the chart `UNTIL` (default: the dial-rate chart).
 *   npx tsx scripts/screenshot.ts REPORT.html OUT.png [UNTIL]
 *   npx tsx scripts/screenshot.ts --default        # docs/report.png from the real default report
 * The PNG carries the SHA-256 of the report.html it shows (tEXt REPORT_SHA_KEY),
 * so scripts/screenshot.test.ts fails once it no longer shows today's default report.
 */

export const REPORT_SHA_KEY = 'ocs-sim report.html sha256';

export const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Screenshots `html` down to the end of chart `until` into `png` (written whole or not at all). */
export async function screenshotReport(html: string, png: string, until = 'chart-dial'): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    await page.route(/^(?!file:|data:)/, (route) => route.abort());
    await page.goto(`file://${resolve(html)}`, { waitUntil: 'load' });
    const box = await page.locator(`#${until}`).boundingBox();
    if (box === null) throw new Error(`no #${until} in ${html}`);
    const shot = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(box.y + box.height + 18) } });
    writeFileSync(`${png}.${process.pid}.tmp`, withPngText(shot, REPORT_SHA_KEY, sha256(readFileSync(html))));
    renameSync(`${png}.${process.pid}.tmp`, png);
  } finally {
    await browser.close();
  }
}

/** The default scenario's report as `ocs-sim run --report` makes it, in a fresh directory; returns its report.html path (and the directory to remove). */
export async function defaultReport(): Promise<{ html: string; dir: string }> {
  const { main } = await import('../cli/program.ts');
  const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-default-report-'));
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const code = await main(['run', '--out', dir, '--report']);
    if (code !== 0) throw new Error(`ocs-sim run --report exited ${code}`);
  } finally {
    process.stdout.write = write;
  }
  return { html: join(dir, 'report.html'), dir };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args[0] === '--default') {
    const { html, dir } = await defaultReport();
    try {
      await screenshotReport(html, 'docs/report.png');
      process.stdout.write(`docs/report.png from the default report (sha256 ${sha256(readFileSync(html))})\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    const [html, png, until] = args;
    if (html === undefined || png === undefined) {
      process.stderr.write('usage: tsx scripts/screenshot.ts REPORT.html OUT.png [CHART-ID] | --default\n');
      process.exit(2);
    }
    await screenshotReport(html, png, until);
  }
}
