import type { TraceLine } from '../../sim/observer.ts';
import type { Summary } from '../../sim/run.ts';
import type { Scenario } from '../../sim/scenario/scenario.ts';
import { NOT_KEPT_STATES, TIME_TOLERANCE_MS, type RunFacts } from '../runFacts.ts';

/**
 * What every claim checker shares: the evidence of one run (its trace lines,
 * summary, effective scenario and, for the log-line claims, its OCS log), the
 * result named as the claim, and helpers for collecting violations and
 * comparing log lines. `../invariants.ts` registers the claims.
 */
export interface InvariantResult {
  /** The claim, as a sentence. */
  name: string;
  holds: boolean;
  /** What was checked, or the first violations found. */
  detail: string;
}

/** One OCS log line: virtual time in ms and its text. */
export interface LogLine {
  t: number;
  text: string;
}

export interface RunEvidence {
  trace: readonly TraceLine[];
  summary: Summary;
  scenario: Scenario;
  /** The OCS log; claims about log lines are left out when it is absent. */
  log?: readonly LogLine[];
  facts: RunFacts;
}

export type Checker = (run: RunEvidence) => InvariantResult;

/**
 * Collects violations; keeps the first few for the detail. (http/verdictFindings.ts's
 * Findings counts the same way but makes a verdict check: held, violated or not
 * checked, with the evidence judged on and up to 20 violations listed apart from
 * the detail. Only the counting is shared, so each layer keeps its own.)
 */
export class Violations {
  count = 0;
  private readonly first: string[] = [];
  add(message: string): void {
    this.count++;
    if (this.first.length < 5) this.first.push(message);
  }
  result(name: string, checked: string): InvariantResult {
    if (this.count === 0) return { name, holds: true, detail: checked };
    const more = this.count > this.first.length ? ` (and ${this.count - this.first.length} more)` : '';
    return { name, holds: false, detail: `${this.count} violation(s): ${this.first.join('; ')}${more}` };
  }
}

export const at = (t: number) => `t=${Math.round(t * 1000) / 1000}ms`;
export const near = (a: number, b: number) => Math.abs(a - b) <= TIME_TOLERANCE_MS;
/** ocs.log files give times to the millisecond (rounded down). */
export const nearLog = (logged: number, traced: number) => Math.abs(logged - traced) <= 1;

/** The log lines `actual` must be exactly the `expected` ones, in order (times to the log's millisecond). */
export function sameLogLines(v: Violations, expected: readonly LogLine[], actual: readonly LogLine[], unmatched: string): void {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const want = expected[i];
    const got = actual[i];
    if (want === undefined) v.add(`${at(got.t)} "${got.text}" logged with ${unmatched}`);
    else if (got === undefined) v.add(`${at(want.t)} "${want.text}" missing from the log`);
    else if (got.text !== want.text || !nearLog(got.t, want.t)) v.add(`expected ${at(want.t)} "${want.text}", got ${at(got.t)} "${got.text}"`);
  }
}

/** Records OCS keeps per contact (calling list and phone), followed line by line (synthetic records have no contact). */
export class KeptByContact {
  private readonly kept = new Map<string, number>();
  private readonly state = new Map<string, string>();
  constructor(private readonly facts: RunFacts) {}
  /** Follows a record's state line. */
  follow(guid: string, key: string, state: string): void {
    const before = this.state.get(key);
    this.state.set(key, state);
    const contact = this.facts.attempts.get(guid)?.contact;
    if (contact == null) return;
    const delta = (NOT_KEPT_STATES.has(state) ? 0 : 1) - (before !== undefined && !NOT_KEPT_STATES.has(before) ? 1 : 0);
    if (delta !== 0) this.kept.set(contact, (this.kept.get(contact) ?? 0) + delta);
  }
  of(contact: string): number {
    return this.kept.get(contact) ?? 0;
  }
}
