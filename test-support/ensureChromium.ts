/**
 * `npm test` runs this first (the `pretest` script): the report tests open
 * report.html in Debian's Chromium, which no npm package can bring
 * (`npx playwright install` cannot download browsers here). When it is
 * missing and this user may install Debian packages (root, apt-get), it is
 * installed once; otherwise this says what to do and the browser tests fail
 * with the same advice.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../reports/browser.ts';

// Never fails the test run itself: without Chromium the browser tests fail, with this advice.
function main(): void {
  if (existsSync(CHROMIUM)) return;
  const root = process.getuid?.() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (!root || !apt) {
    process.stderr.write(
      `ocs-sim tests: no Chromium at ${CHROMIUM}, and ${root ? 'no apt-get' : 'not root'} to install it: the report tests will fail.\n` +
        `Install Debian's chromium package (sudo apt-get install -y chromium), or point CHROMIUM_PATH at a Chromium.\n`,
    );
    return;
  }
  process.stderr.write(`ocs-sim tests: installing Debian's chromium for the report tests (once; about a minute)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      process.stderr.write(`ocs-sim tests: apt-get ${args.join(' ')} failed (exit ${r.status}); the report tests will fail\n`);
      return;
    }
  }
}

main();
