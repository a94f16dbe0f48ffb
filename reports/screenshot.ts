import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchChromium } from './browser.ts';

/**
 * The top of a report as a PNG, for the README: from the header down to the
 * end of the chart `UNTIL` (default: the dial-rate chart).
 *   npx tsx cli/main.ts run --out out/default --report
 *   npx tsx reports/screenshot.ts out/default/report.html docs/report.png [UNTIL]
 */
const [html, png, until = 'chart-dial'] = process.argv.slice(2);
if (html === undefined || png === undefined) {
  process.stderr.write('usage: tsx reports/screenshot.ts REPORT.html OUT.png [CHART-ID]\n');
  process.exit(2);
}
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  await page.route(/^(?!file:|data:)/, (route) => route.abort());
  await page.goto(`file://${resolve(html)}`, { waitUntil: 'load' });
  const box = await page.locator(`#${until}`).boundingBox();
  if (box === null) throw new Error(`no #${until} in ${html}`);
  writeFileSync(`${png}.${process.pid}.tmp`, await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(box.y + box.height + 18) } }));
  renameSync(`${png}.${process.pid}.tmp`, png);
} finally {
  await browser.close();
}
