import type { Health } from './health.ts';
import { spokenDuration } from './words.ts';

/**
 * The health verdict as lines of text, shared by the printed summary, the
 * reports and `check`: the verdict with goodput, each trigger's recovery,
 * then the mechanism. Pure.
 */

export function recoveryWords(t: Health['triggers'][number]): string {
  if (!t.ended) return 'still under way when the run ended';
  if (t.recoverySeconds === null) return 'never';
  return spokenDuration(t.recoverySeconds * 1000);
}

export function triggerWords(t: Health['triggers'][number]): string {
  const when =
    t.fromSeconds === t.untilSeconds
      ? t.fromSeconds === 0
        ? 'at the start'
        : `at ${spokenDuration(t.fromSeconds * 1000)}`
      : `${spokenDuration(t.fromSeconds * 1000)} to ${spokenDuration(t.untilSeconds * 1000)}`;
  return `${t.kind} (${t.what}, ${when})`;
}

export function healthHeadline(h: Health): string {
  const goodput = h.goodput.total === null ? 'no request reached the external system' : `goodput ${Math.round(h.goodput.total * 1000) / 10}%`;
  return `health: ${h.verdict} (${goodput}; recovery bound ${spokenDuration(h.maxRecoverySeconds * 1000)})`;
}

export function healthLines(h: Health): string[] {
  return [healthHeadline(h), ...h.triggers.map((t) => `  recovery after the ${triggerWords(t)}: ${recoveryWords(t)}`), ...h.mechanism.map((m) => `  ${m}`)];
}
