import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pngText, withPngText } from '../reports/pngText.ts';
import { defaultReport, REPORT_SHA_KEY, sha256 } from './screenshot.ts';

/** docs/report.png shows the report the code makes today: `npx tsx scripts/screenshot.ts --default` makes it again. */

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('docs/report.png', () => {
  it('was taken of the default report as ocs-sim run --report makes it now', async () => {
    const png = readFileSync(join(repo, 'docs', 'report.png'));
    const shown = pngText(png, REPORT_SHA_KEY);
    const { html, dir } = await defaultReport();
    try {
      expect(shown, 'docs/report.png is out of date: run `npx tsx scripts/screenshot.ts --default`').toBe(sha256(readFileSync(html)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('carries its text in a chunk a PNG reader skips, replaced when written again', () => {
    const png = readFileSync(join(repo, 'docs', 'report.png'));
    const again = withPngText(withPngText(png, 'k', 'one'), 'k', 'two');
    expect(pngText(again, 'k')).toBe('two');
    expect(pngText(again, REPORT_SHA_KEY)).toBe(pngText(png, REPORT_SHA_KEY));
    expect(again.length).toBe(png.length + 12 + 'k'.length + 1 + 'two'.length);
  });
});
