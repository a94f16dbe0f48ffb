import { describe, expect, it } from 'vitest';
import { progress } from './progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

describe('sweep progress', () => {
  it('prints plain lines at every tenth of the work (and after 10 s) when not at a terminal', () => {
    const { writes, stream } = fakeStream(false);
    let now = 0;
    const p = progress(20, 0, { stream, clock: () => now });
    for (let i = 0; i < 20; i++) {
      now += 100;
      p.tick();
    }
    p.end();
    expect(writes).toHaveLength(10);
    expect(writes.every((w) => w.startsWith('sweep: ') && w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes.at(-1)).toBe('sweep: 20/20 runs 100%  2s elapsed\n');
  });

  it('prints a line after 10 s even when a tenth has not passed', () => {
    const { writes, stream } = fakeStream(false);
    let now = 0;
    const p = progress(1000, 0, { stream, clock: () => now, repeat: () => () => {} });
    p.tick();
    now = 11_000;
    p.tick();
    expect(writes).toEqual(['sweep: 2/1000 runs 0%  11s elapsed, ~5489s left\n']);
  });

  it('prints a line every 10 s while no run finishes, and stops when the sweep ends', () => {
    const { writes, stream } = fakeStream(false);
    let now = 0;
    let tick: (() => void) | null = null;
    let stopped = false;
    const p = progress(10, 0, {
      stream,
      clock: () => now,
      repeat: (fn, ms) => {
        expect(ms).toBe(10_000);
        tick = fn;
        return () => (stopped = true);
      },
    });
    now = 10_500;
    tick!();
    expect(writes).toEqual(['sweep: 0/10 runs 0%  11s elapsed\n']);
    p.end();
    expect(stopped).toBe(true);
  });

  it('redraws one line in place at a terminal, counting runs resumed from an earlier sweep', () => {
    const { writes, stream } = fakeStream(true);
    const p = progress(4, 2, { stream, clock: () => 0 });
    p.end();
    expect(writes[0]).toBe('\r\x1b[Ksweep [###############...............] 2/4 runs 50%  0s elapsed');
    expect(writes.at(-1)).toBe('\n');
  });
});
