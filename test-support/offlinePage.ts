import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'screenshots');

/**
 * A report opened from disk as a user opens it, with everything that would
 * tell it is not self-contained recorded: console errors and warnings, page
 * errors, and any request that tries to leave the page (stopped).
 */
export async function openOffline(browser: Browser, html: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (!/^(file|data):/.test(r.url())) requests.push(r.url());
  });
  await page.route(/^(?!file:|data:)/, (route) => route.abort());
  await page.goto(`file://${html}`, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** A full-page screenshot into out/screenshots, whole or not at all (the PNG is binary, so not through io/files.ts). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const png = join(SCREENSHOTS, name);
  writeFileSync(`${png}.${process.pid}.tmp`, await page.screenshot({ fullPage: true }));
  renameSync(`${png}.${process.pid}.tmp`, png);
  return png;
}
