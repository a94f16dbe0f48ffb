import { clientSettingsOf, requestsSeen, verdictOnRequests, type ClientSettings, type ClientVerdict } from '../clientVerdict.ts';
import type { RequestSeen } from '../verdictFindings.ts';
import { calibrate, calibrationYaml } from '../drive/calibration.ts';
import { judge, type Conformance } from '../drive/conformance.ts';
import { MAX_EXAMPLES, type Example } from '../drive/ledger.ts';
import type { ReadBack } from '../drive/readBack.ts';
import { pairHealth, type PairHealth } from './pairHealth.ts';
import type { ProxyEvidence } from './proxy.ts';
import { twinCheck, type Twin } from './twin.ts';
import type { Scenario } from '../../sim/scenario/scenario.ts';
import { waitConditionSeconds } from '../waitConditionCheck.ts';

/**
 * The proxy's two verdicts, from what passed through it: serve's verdict on
 * the client (did OCS behave as documented?) and drive's conformance of the
 * target (did the external system survive OCS?). Faults the proxy injected
 * are counted in proxy.json and held against neither side: the client's
 * checks allow for them as serve's do for its own, and the target's claims
 * leave out exchanges the proxy injected a fault into, as drive's do.
 * Pure: the shell writes the files.
 */
export interface ProxyJudgement {
  verdict: ClientVerdict & { faultsInjectedByProxy: Record<string, number> };
  conformance: Conformance;
  calibrationYaml: string;
  proxy: Record<string, unknown>;
  health: PairHealth;
  twin: Twin;
}

export interface JudgeProxyInput {
  evidence: ProxyEvidence;
  target: string;
  scenario: Scenario;
  readBack: Map<string, ReadBack> | null;
  maxTimeoutShare: number;
}

export function judgeProxy(input: JudgeProxyInput): ProxyJudgement {
  const { evidence } = input;
  const settings = clientSettingsOf(input.scenario, evidence.model);
  const faults = { ...evidence.counters.faultsInjected };
  const seen = requestsSeen(evidence.clientEvents, settings);
  const verdict = { ...verdictOnRequests(seen, settings, evidence.nowMs), faultsInjectedByProxy: faults };
  const records = recordsAtEnd(evidence, settings);
  const conformance = judge({
    target: input.target,
    runId: null,
    complete: true,
    ledger: evidence.ledger,
    records: records.figures,
    readBack: input.readBack,
    maxTimeoutShare: input.maxTimeoutShare,
    responseTimeoutMs: evidence.model.groups[0]?.options.historyHttpResponseTimeoutMs ?? 10_000,
    unconfirmed: records.target,
  });
  // Both sides in one file: the target's as a fragment a sweep can take, OCS's as figures beside it.
  const measured = calibrate(evidence.ledger);
  const calibration = `${calibrationYaml(measured, { target: input.target, scenario: input.scenario.name, seed: evidence.model.seed, by: 'ocs-sim proxy' })}${evidence.ocsSide.lines(evidence.counters.peakInFlight).join('\n')}\n`;
  const health = pairHealth(evidence.clientEvents, settings, evidence.triggers, evidence.nowMs, { forwardedAt: evidence.counters.recordsForwardedAt });
  const twin = twinCheck(input.scenario, measured, observedFigures(evidence, seen.records, settings));
  return {
    verdict,
    conformance,
    health,
    twin,
    calibrationYaml: calibration,
    proxy: {
      target: input.target,
      judgedAtMs: Math.round(evidence.nowMs * 1000) / 1000,
      ...evidence.counters.figures(),
      health,
      twin,
      note: "faultsInjected are the proxy's own (the scenario's network section and the control API): verdict.json does not count them against the client, nor conformance.json against the target",
    },
  };
}

/**
 * Records seen (by GUID and seq), those confirmed by the target's 200, and
 * those left unconfirmed by the target: their latest POST failed at the
 * target (not by a fault the proxy injected) long enough ago that OCS would
 * have posted them again (its recovery and response timeouts). Younger
 * failures are still in OCS's hands, not the target's.
 */
function recordsAtEnd(evidence: ProxyEvidence, settings: ClientSettings) {
  const lastArrival = new Map<string, { t: number; group: string }>();
  for (const e of evidence.clientEvents)
    if (e.kind === 'arrived' && e.record !== null) lastArrival.set(`${e.record.guid}:${e.record.seq}`, { t: e.t, group: e.record.group });
  let created = 0;
  let saved = 0;
  let unconfirmed = 0;
  let count = 0;
  const examples: Example[] = [];
  for (const facts of evidence.ledger.attempts.values()) {
    for (const seq of [0, 1] as const) {
      const last = lastArrival.get(`${facts.guid}:${seq}`);
      if (last === undefined) continue;
      created++;
      if (facts.confirmed[seq]) {
        saved++;
        continue;
      }
      unconfirmed++;
      const g = settings.group(last.group);
      const settled = evidence.nowMs > last.t + g.responseTimeoutMs + g.recoveryMs;
      if (facts.lastFailedAtTarget[seq] && settled) {
        count++;
        if (examples.length < MAX_EXAMPLES) examples.push({ record: `${facts.guid}:${seq}`, posts: facts.posts });
      }
    }
  }
  return { figures: { created, saved, unconfirmed, lostInRestarts: 0 }, target: { count, examples } };
}

/** What the twin run is compared with, read off what passed through. */
function observedFigures(evidence: ProxyEvidence, records: RequestSeen[], settings: ClientSettings) {
  const keys = new Set<string>();
  let posts = 0;
  for (const e of evidence.clientEvents) {
    if (e.kind !== 'arrived' || e.record === null) continue;
    posts++;
    keys.add(`${e.record.guid}:${e.record.seq}`);
  }
  return {
    recordsCreated: keys.size,
    resubmissions: posts - keys.size,
    waitConditionSeconds: waitConditionSeconds(records, settings, evidence.nowMs),
    refused: evidence.counters.faultsInjected.refused,
    lostResponses: evidence.counters.faultsInjected.responseLoss,
  };
}
