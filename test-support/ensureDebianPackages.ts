/**
 * `npm test` runs this first (the `pretest` script): some tests need programs
 * no npm package can bring. The report tests open report.html in Debian's
 * Chromium (`npx playwright install` cannot download browsers here); the
 * HTTPS test of `ocs-sim serve` makes a self-signed certificate with
 * openssl; the queue tests start a private redis-server. What is missing is installed once when this user may install
 * Debian packages (root, apt-get); otherwise this says what to do and the
 * tests that need it fail with the same advice.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../reports/browser.ts';
import { REDIS_SERVER } from './redis.ts';

const NEEDED = [
  { program: CHROMIUM, pkg: 'chromium', for: 'the report tests' },
  { program: '/usr/bin/openssl', pkg: 'openssl', for: 'the HTTPS test of ocs-sim serve' },
  { program: REDIS_SERVER, pkg: 'redis-server', for: 'the queue tests (ocs-sim sweep --queue, ocs-sim worker)' },
];

// Never fails the test run itself: without a program the tests that need it fail, with this advice.
function main(): void {
  const missing = NEEDED.filter((n) => !existsSync(n.program));
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  const packages = missing.map((n) => n.pkg);
  if (!root || !apt) {
    for (const n of missing)
      process.stderr.write(`ocs-sim tests: no ${n.program}, and ${root ? 'no apt-get' : 'not root'} to install it: ${n.for} will fail.\n`);
    process.stderr.write(
      `Install Debian's ${packages.join(' and ')} (sudo apt-get install -y ${packages.join(' ')})${missing.some((n) => n.pkg === 'chromium') ? ', or point CHROMIUM_PATH at a Chromium' : ''}.\n`,
    );
    return;
  }
  process.stderr.write(`ocs-sim tests: installing Debian's ${packages.join(' and ')} for ${missing.map((n) => n.for).join(' and ')} (once; about a minute)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', ...packages]]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) {
      process.stderr.write(`ocs-sim tests: apt-get ${args.join(' ')} failed (exit ${r.status}); ${missing.map((n) => n.for).join(' and ')} will fail\n`);
      return;
    }
  }
}

main();
