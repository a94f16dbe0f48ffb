import type { ResolvedModel } from '../sim/scenario/resolve.ts';
import { durationMs } from '../sim/scenario/durations.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
/**
 * What the checks of the verdict on a client (clientVerdict.ts) share: the
 * requests as serve saw them, the client's settings, the slack allowed to
 * it, and how a check turns its findings into held, violated or not checked.
 */

export interface ClientSettings {
  poolSize: number;
  /** history-wait-recovery-timeout, history-http-response-timeout and history-wait-condition-threshold of a campaign group by its name (the application's for a name the scenario does not have). */
  group(name: string): { recoveryMs: number; responseTimeoutMs: number; threshold: number };
}

/** The OCS settings a scenario gives the OCS under test: each group's own over the application's (serve's and the proxy's verdicts). */
export function clientSettingsOf(scenario: Scenario, model: ResolvedModel): ClientSettings {
  const ocs = scenario.ocs;
  const application = {
    recoveryMs: durationMs(ocs['history-wait-recovery-timeout']),
    responseTimeoutMs: durationMs(ocs['history-http-response-timeout']),
    threshold: ocs['history-wait-condition-threshold'],
  };
  const byGroup = new Map(
    model.groups.map((g) => [
      g.name,
      {
        recoveryMs: g.options.historyWaitRecoveryTimeoutMs,
        responseTimeoutMs: g.options.historyHttpResponseTimeoutMs,
        threshold: g.options.historyWaitConditionThreshold,
      },
    ]),
  );
  return { poolSize: ocs['http-connection-pool-size'], group: (name) => byGroup.get(name) ?? application };
}

export type CheckStatus = 'held' | 'violated' | 'not checked';

export interface VerdictCheck {
  claim: string;
  /** Held on evidence, violated, or not checked for want of evidence (the detail says why). */
  status: CheckStatus;
  /** False only when violated: a check with no evidence is not a failure of the client. */
  holds: boolean;
  /** How many of `evidence` the check was judged on (0: not checked). */
  judgedOn: number;
  /** What `judgedOn` counts (re-submissions, requests, attempts with a seq 1, ...). */
  evidence: string;
  detail: string;
  /** The first violations (at most 20), each with its time. */
  violations: string[];
}

/** Latency, timer and scheduling slack allowed to the client before a time counts against it. */
export const TOLERANCE_MS = 50;
/** How long after OCS learns of failures it may still start dials it had decided on. */
export const WAIT_GRACE_MS = 1000;
const MAX_LISTED = 20;

export const at = (t: number) => `${(t / 1000).toFixed(3)} s`;

/** A check's findings: all counted, the first MAX_LISTED kept (properties/claims/common.ts's Violations is the claims' counterpart, making a claim's one-line result). */
export class Findings {
  readonly list: string[] = [];
  count = 0;
  add(text: string): void {
    this.count++;
    if (this.list.length < MAX_LISTED) this.list.push(text);
  }
  /** The check: violated when something was found, else held on `judgedOn` of `evidence`, or not checked (why) with none. */
  check(claim: string, detail: string, judgedOn: number, evidence: string, noEvidence: string): VerdictCheck {
    if (this.count > 0)
      return { claim, status: 'violated', holds: false, judgedOn, evidence, detail: `${this.count} violation(s); ${detail}`, violations: this.list };
    if (judgedOn === 0) return { claim, status: 'not checked', holds: true, judgedOn, evidence, detail: `not checked: ${noEvidence}`, violations: [] };
    return { claim, status: 'held', holds: true, judgedOn, evidence, detail, violations: [] };
  }
}

export interface RequestSeen {
  id: number;
  arrivedAt: number;
  record: { guid: string; seq: 0 | 1; group: string; key: string; dialedAtS?: number } | null;
  /** When the client learnt it failed (answered non-200, reset, or timed out by OCS); null: 200 or not yet. */
  failedAt: number | null;
  saved: boolean;
  /** When it stopped taking one of the client's pooled connections. */
  releasedAt: number | null;
}
