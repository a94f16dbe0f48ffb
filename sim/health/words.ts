/** Durations and rates as a person says them in a sentence: "250 ms", "3 s", "5 min 30 s", "8 h 20 min". */
export function spokenDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'never';
  if (ms === 0) return '0 s';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${Math.round(s * 10) / 10} s`;
  const whole = Math.round(s);
  if (whole < 3600) {
    const min = Math.floor(whole / 60);
    const rest = whole % 60;
    return rest === 0 ? `${min} min` : `${min} min ${rest} s`;
  }
  const h = Math.floor(whole / 3600);
  const min = Math.floor((whole % 3600) / 60);
  return min === 0 ? `${h} h` : `${h} h ${min} min`;
}

/** A rate to two significant digits (at least the units): 14, 1.5, 0.73. */
export function spokenRate(perSecond: number): string {
  if (perSecond >= 10) return String(Math.round(perSecond));
  return String(Number(perSecond.toPrecision(2)));
}
