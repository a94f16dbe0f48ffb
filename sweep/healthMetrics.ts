import { verdictOf } from '../sim/health/health.ts';
import type { Summary } from '../sim/run.ts';

/**
 * The health verdict as sweep metrics (issue 24): whether the run is
 * metastable, judged with the sweep's probe bound, and its worst recovery,
 * censored at the end of the run when a trigger never recovered.
 */
export function healthMetrics(s: Summary, boundMs: number): { metastable: number; healthRecoverySeconds: number } {
  const h = s.health;
  const verdict = verdictOf(h.triggers, boundMs / 1000, h.verdict === 'overloaded');
  const ended = h.triggers.filter((t) => t.ended);
  const censored = ended.map((t) => (t.recoverySeconds === null ? Math.max(0, s.virtualSeconds - t.untilSeconds) : t.recoverySeconds));
  return { metastable: verdict === 'metastable' ? 1 : 0, healthRecoverySeconds: Math.max(0, ...censored) };
}
