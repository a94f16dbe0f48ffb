import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium driven by playwright-core: how tests (and the README
 * screenshot) open a report in a real browser. `npx playwright install`
 * cannot download browsers here; `npm test` installs the `chromium` package
 * first when it may (test-support/ensureDebianPackages.ts).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
