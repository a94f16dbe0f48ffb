import { describe, expect, it } from 'vitest';
import { FirstZeroAfter } from './metrics.ts';

describe('FirstZeroAfter (the backlog-clear probe)', () => {
  it('is the moment the level returns to zero after the given time', () => {
    const z = new FirstZeroAfter(100);
    z.set(10, 3);
    z.set(150, 1);
    expect(z.at).toBeNull();
    z.set(170, 0);
    z.set(180, 4);
    expect(z.at).toBe(170);
  });

  it('is the given time itself when the level is already zero then', () => {
    const z = new FirstZeroAfter(100);
    z.set(10, 3);
    z.set(40, 0);
    z.set(120, 2);
    expect(z.at).toBe(100);
  });

  it('counts a zero that lasts to the end only once the end is observed', () => {
    const z = new FirstZeroAfter(100);
    z.set(10, 3);
    z.set(50, 0);
    expect(z.at).toBeNull();
    z.observe(500);
    expect(z.at).toBe(100);
  });

  it('never happens without a time to measure from, or while the level stays up', () => {
    const none = new FirstZeroAfter(null);
    none.set(10, 0);
    none.observe(1000);
    expect(none.at).toBeNull();
    const up = new FirstZeroAfter(100);
    up.set(10, 3);
    up.observe(1000);
    expect(up.at).toBeNull();
  });
});
