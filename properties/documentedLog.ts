/**
 * The OCS log lines the documentation gives (docs/ocs-behaviour.md), restated
 * here so the checkers compare the model's log against the documentation,
 * not against the model's own format strings. The model prefixes each
 * response line with the status it handled (`[HTTP 409]`, or
 * `[OCS 408 history-http-response-timeout]` for its own timeout).
 */
export const DOCUMENTED = {
  saved: (phone: string) => `Call Attempt Record has been saved for phone ${phone}`,
  notSaved: (phone: string) => `Call Attempt Record was not saved and has been queued for reprocessing for phone ${phone}`,
  timeoutElapsed: (phone: string) =>
    `Save operation for Call Attempt Record was aborted (timeout elapsed) and the record has been queued for reprocessing for phone ${phone}`,
  waitActivated: (group: string, dbid: number) => `Wait condition has been activated for Campaign Group ${group} (DBID ${dbid})`,
  waitCleared: (group: string, dbid: number) => `Wait condition has been cleared for Campaign Group ${group} (DBID ${dbid})`,
  raceCondition: (phone: string) => `Predial check aborted due to race condition for phone ${phone}`,
} as const;

/** The log line OCS writes when a record's POST gets `status` (null: OCS's own response timeout). */
export function responseLogLine(status: number | null, phone: string): string {
  if (status === null) return `[OCS 408 history-http-response-timeout] ${DOCUMENTED.timeoutElapsed(phone)}`;
  if (status === 200) return `[HTTP 200] ${DOCUMENTED.saved(phone)}`;
  if (status === 408) return `[HTTP 408] ${DOCUMENTED.timeoutElapsed(phone)}`;
  // [doc] 409 and 418; [model] any other status is handled like 409.
  return `[HTTP ${status}] ${DOCUMENTED.notSaved(phone)}`;
}

/** Whether a log line is one of the per-record response lines. */
export const isResponseLogLine = (text: string) => /^\[(HTTP \d{3}|OCS 408 history-http-response-timeout)\] /.test(text);

const WAIT = /^Wait condition has been (activated|cleared) for Campaign Group (.*) \(DBID (\d+)\)$/;

/** A wait-condition log line taken apart, or null. */
export function parseWaitConditionLine(text: string): { activated: boolean; group: string; dbid: number } | null {
  const m = WAIT.exec(text);
  return m ? { activated: m[1] === 'activated', group: m[2], dbid: Number(m[3]) } : null;
}

export const isRaceLogLine = (text: string) => text.startsWith('Predial check aborted due to race condition for phone ');

/** [model] The line OCS writes as it stops for a restart (ocsRestarts): not the documentation's; ocs.ts writes it. */
export const isOcsStoppedLine = (text: string) => text.startsWith('[model] OCS stopped ');
