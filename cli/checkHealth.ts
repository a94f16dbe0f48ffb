import { verdictOf, type Health, type HealthVerdict } from '../sim/health/health.ts';
import { spokenDuration } from '../sim/health/words.ts';
import type { Summary } from '../sim/run.ts';
import type { TestCase } from './junit.ts';

/**
 * `check` judges the settings as well as the model: each run's health
 * verdict (sim/health/), re-judged with --max-recovery. A run that is
 * metastable or overloaded, or that leaves records unconfirmed when it ends
 * (after the drain), fails the check; slow-recovery is reported, and fails
 * only with --fail-on slow-recovery. Apart from the model's invariants:
 * those say the model is consistent, these say the settings are safe.
 */

export interface HealthCheckOptions {
  maxRecoveryMs: number;
  failOnSlowRecovery: boolean;
}

type Finding = 'metastable' | 'overloaded' | 'slow-recovery' | 'unconfirmed';

interface Seen {
  runs: number;
  /** The first run with the finding. */
  first: { seed: number; health: Health; unconfirmed: number };
}

const CLAIMS: Record<Finding, string> = {
  metastable: 'health: no run is metastable (no storm outlives its trigger)',
  overloaded: 'health: no run is overloaded (offered load within capacity)',
  'slow-recovery': 'health: every run recovers from each trigger within the bound (slow-recovery)',
  unconfirmed: 'health: every record is confirmed by the end of each run (after the drain)',
};
const ORDER: Finding[] = ['metastable', 'overloaded', 'slow-recovery', 'unconfirmed'];

export class HealthTally {
  readonly verdicts: Record<HealthVerdict, number> = { stable: 0, 'slow-recovery': 0, metastable: 0, overloaded: 0 };
  private readonly seen = new Map<Finding, Seen>();
  runs = 0;

  constructor(private readonly options: HealthCheckOptions) {}

  /** One run's summary; a summary without health (none today) is not judged. */
  add(seed: number, summary: Summary): void {
    const h = summary.health;
    this.runs++;
    const bound = this.options.maxRecoveryMs / 1000;
    const verdict = verdictOf(h.triggers, bound, h.verdict === 'overloaded');
    // The mechanism speaks of the bound it was judged with: re-judged, it is said again with --max-recovery's.
    const health: Health =
      verdict === h.verdict && bound === h.maxRecoverySeconds
        ? h
        : {
            ...h,
            verdict,
            maxRecoverySeconds: bound,
            mechanism: [
              `${verdict} with --max-recovery ${spokenDuration(this.options.maxRecoveryMs)} (summary.json judged it ${h.verdict} with ${spokenDuration(h.maxRecoverySeconds * 1000)})`,
              ...h.mechanism.slice(1),
            ],
          };
    this.verdicts[verdict]++;
    const findings: Finding[] = verdict === 'stable' ? [] : [verdict];
    if (summary.records.unconfirmed > 0) findings.push('unconfirmed');
    for (const f of findings) {
      const s = this.seen.get(f);
      if (s) s.runs++;
      else this.seen.set(f, { runs: 1, first: { seed, health, unconfirmed: summary.records.unconfirmed } });
    }
  }

  private fails(f: Finding): boolean {
    return this.seen.has(f) && (f !== 'slow-recovery' || this.options.failOnSlowRecovery);
  }

  get failed(): boolean {
    return ORDER.some((f) => this.fails(f));
  }

  /** One line per health claim for the printed check (the claims' format), then the verdicts and, for each failure, why and how to replay. */
  report(replayOf: (seed: number) => { check: string; run: string }): { lines: string[]; cases: (classname: string) => TestCase[] } {
    const lines: string[] = [];
    const why = (f: Finding, s: Seen) => {
      if (f !== 'unconfirmed') return s.first.health.mechanism;
      const said = this.seen.get(s.first.health.verdict as Finding)?.first.seed === s.first.seed;
      return [
        `${s.first.unconfirmed} record(s) were still unconfirmed when the run ended (after the drain, drainLimit); its health: ${s.first.health.verdict}`,
        ...(said ? [] : s.first.health.mechanism),
      ];
    };
    for (const f of ORDER) {
      const s = this.seen.get(f);
      const mark = s === undefined ? 'holds' : this.fails(f) ? 'FAILS' : 'reported';
      lines.push(`  ${mark.padEnd(9)} ${CLAIMS[f]}${s ? ` (seed ${s.first.seed}: ${s.runs} of ${this.runs} runs)` : ''}\n`);
    }
    const v = this.verdicts;
    lines.push(
      `health of the settings on ${this.runs} runs (apart from the model's invariants): stable ${v.stable}, slow-recovery ${v['slow-recovery']}, metastable ${v.metastable}, overloaded ${v.overloaded}\n`,
    );
    for (const f of ORDER) {
      const s = this.seen.get(f);
      if (s === undefined) continue;
      const r = replayOf(s.first.seed);
      const word = f === 'unconfirmed' ? 'leave records unconfirmed' : `are ${f}`;
      lines.push(
        `\nThe settings ${word} on seed ${s.first.seed} (${s.runs} of ${this.runs} runs)${this.fails(f) ? '' : ', reported only (--fail-on slow-recovery fails it)'}:\n`,
        ...why(f, s).map((m) => `  ${m}\n`),
        `Replay: ${r.check}\nSee it: ${r.run}\n`,
      );
    }
    const cases = (classname: string): TestCase[] =>
      ORDER.map((f): TestCase => {
        const s = this.seen.get(f);
        if (s === undefined) return { classname, name: CLAIMS[f], outcome: { kind: 'passed' } };
        const r = replayOf(s.first.seed);
        const text = `seed ${s.first.seed} (${s.runs} of ${this.runs} runs):\n${why(f, s).join('\n')}\nReplay: ${r.check}\nSee it: ${r.run}\n`;
        if (!this.fails(f))
          return {
            classname,
            name: CLAIMS[f],
            outcome: { kind: 'skipped', message: `slow-recovery on ${s.runs} of ${this.runs} runs: reported, not failed (--fail-on slow-recovery fails it)` },
          };
        return {
          classname,
          name: CLAIMS[f],
          outcome: {
            kind: 'failure',
            message: `${f === 'unconfirmed' ? 'records unconfirmed at the end' : f} on seed ${s.first.seed}`,
            text,
            type: 'unhealthy settings',
          },
        };
      });
    return { lines, cases };
  }
}
