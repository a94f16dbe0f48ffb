import { parseEntity, type RunFacts } from '../runFacts.ts';
import { type Checker, Violations, at } from './common.ts';

/** Outage windows, network and external system: the fault the user scheduled is the fault that happens. */

interface ScheduledWindow {
  fromMs: number;
  untilMs: number;
}

/**
 * The window in force at `t`, straight from the definition (scenario.ts,
 * `outages`): of the windows covering t, the one that started last; of those
 * that started together, the one listed last. Re-derived here window by
 * window, never through the model's own timeline, so a defect in that
 * timeline shows.
 */
export function windowInForce<W extends ScheduledWindow>(windows: readonly W[], t: number): W | undefined {
  let inForce: W | undefined;
  let inForceIndex = -1;
  windows.forEach((w, i) => {
    if (t < w.fromMs || t >= w.untilMs) return;
    if (inForce === undefined || w.fromMs > inForce.fromMs || (w.fromMs === inForce.fromMs && i > inForceIndex)) {
      inForce = w;
      inForceIndex = i;
    }
  });
  return inForce;
}

const REQUEST_FATES = new Set(['refused', 'hang', 'request-loss']);
const describeWindow = (w: ScheduledWindow & { kind?: string; status?: number }) => `${w.kind ?? `status ${w.status}`} window ${w.fromMs}-${w.untilMs} ms`;

export const FAULT_WINDOWS =
  'a request sent during a network outage window meets the fault of the window in force (the one that started last), a response sent during a response-loss window is lost, and no fault happens without a window or a rate';

/**
 * [model] Outage windows win over background probabilities, and where windows
 * overlap the one that started last is in force: a POST sent while a
 * `refused`, `hang` or `request-loss` window is in force meets that fate; an
 * answer the external system sends while a `response-loss` window is in force
 * never reaches OCS; a fault outside every window needs a background
 * probability for its kind.
 */
export const faultWindowsAreObeyed: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const n = facts.model.network;
  const rate: Record<string, number> = { refused: n.refusedConnections, hang: n.hangs, 'request-loss': n.requestLoss, 'response-loss': n.responseLoss };
  const faults = new Set<string>();
  for (const line of trace) if (line.entity === 'network' && line.event in rate) faults.add(`${line.event}|${String(line.request)}|${line.t}`);
  let posts = 0;
  let answers = 0;
  for (const line of trace) {
    const w = windowInForce(n.outages, line.t);
    if (line.entity === 'network' && line.event in rate) {
      if (w !== undefined && w.kind === line.event) continue;
      const windowWins = w !== undefined && (line.event === 'response-loss' ? false : REQUEST_FATES.has(w.kind));
      if (windowWins) v.add(`${at(line.t)} ${line.event} of ${String(line.request)} while the ${describeWindow(w)} is in force`);
      else if (rate[line.event] === 0)
        v.add(`${at(line.t)} ${line.event} of ${String(line.request)} with no ${line.event} window in force and no background probability`);
      continue;
    }
    if (w === undefined) continue;
    if (line.entity === 'external' && line.event === 'answered' && w.kind === 'response-loss') {
      answers++;
      if (!faults.has(`response-loss|${String(line.request)}|${line.t}`))
        v.add(`${at(line.t)} the answer to ${String(line.request)} went back during the ${describeWindow(w)} and was not lost`);
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind !== 'record' || line.event !== 'POST' || !REQUEST_FATES.has(w.kind)) continue;
    posts++;
    if (!faults.has(`${w.kind}|${line.entity}|${line.t}`)) v.add(`${at(line.t)} ${line.entity} POSTed during the ${describeWindow(w)} without meeting it`);
  }
  return v.result(
    FAULT_WINDOWS,
    `${posts} POSTs during refused, hang or request-loss windows and ${answers} answers during response-loss windows, each meeting the fault in force; every fault explained`,
  );
};

export const EXTERNAL_OUTAGES =
  'every request the external system answers during one of its outage windows gets the status of the window in force (the one that started last) and stores nothing, and no error comes without a window, a rate or the concurrency limit';

/**
 * An external-system outage answers every request with its status, whatever
 * the request and whether or not it is past the concurrency limit; where
 * windows overlap, the one that started last is in force. Outside the windows
 * an error needs a configured cause: an error rate for its status, a
 * rejection over capacity (409), or a validation rejection (409).
 */
export const externalOutagesAreObeyed: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const x = facts.model.externalSystem;
  const errorRates = new Map(x.errors.filter(([, p]) => p > 0));
  const rejected = new Set<string>();
  let inOutage = 0;
  for (const line of trace) {
    if (line.entity !== 'external') continue;
    if (line.event === 'request' && line.outcome === 'rejected') rejected.add(`${String(line.request)}|${line.t}`);
    const w = windowInForce(x.outages, line.t);
    if (line.event === 'stored' && w !== undefined)
      v.add(`${at(line.t)} seq ${String(line.seq)} of ${String(line.guid)} stored during the ${describeWindow(w)}`);
    if (line.event !== 'answered') continue;
    const status = Number(line.status);
    if (w !== undefined) {
      inOutage++;
      if (status !== w.status) v.add(`${at(line.t)} ${String(line.request)} answered ${status} during the ${describeWindow(w)}`);
    } else if (status !== 200 && !explained(status, String(line.request), rejected.has(`${String(line.request)}|${line.t}`), errorRates, facts)) {
      v.add(
        `${at(line.t)} ${String(line.request)} answered ${status} outside every outage window with no error rate, capacity rejection or validation rejection to explain it`,
      );
    }
  }
  return v.result(EXTERNAL_OUTAGES, `${inOutage} answers during outage windows, each with the status of the window in force; every other error explained`);
};

function explained(status: number, request: string, rejectedOverCapacity: boolean, errorRates: ReadonlyMap<number, number>, facts: RunFacts): boolean {
  if (errorRates.has(status)) return true;
  if (status !== 409) return false;
  return rejectedOverCapacity || (request.startsWith('validation:') && facts.model.externalSystem.validationRejectProbability > 0);
}
