import type { Summary } from '../../sim/summary.ts';
import { MAX_EXAMPLES, quantile, type Example, type Ledger } from './ledger.ts';
import type { ReadBack } from './readBack.ts';

/**
 * The conformance verdict of `ocs-sim drive`: what the external system
 * must do to survive OCS (its retries, duplicates and ordering), judged on
 * what the drive saw and, where storage is concerned, on what the system
 * answers when read back. Pure: the shell writes conformance.json and .md.
 */

export const CONFORMANCE_SCHEMA_VERSION = 1 as const;

export type Verdict = 'held' | 'violated' | 'not checked';

export interface Claim {
  /** A short name, stable across versions, for scripts. */
  id: string;
  claim: string;
  verdict: Verdict;
  detail: string;
  /** Up to 10, with the requests involved. */
  examples: Example[];
}

export interface Conformance {
  schemaVersion: typeof CONFORMANCE_SCHEMA_VERSION;
  target: string;
  /** False when the drive was interrupted: the verdict is on what it did until then. */
  complete: boolean;
  claims: Claim[];
}

export interface JudgeInput {
  target: string;
  complete: boolean;
  ledger: Ledger;
  summary: Summary;
  /** What the system holds per attempt, or null without --read-back. */
  readBack: Map<string, ReadBack> | null;
  /** The share of POSTs over their deadline that still passes (--max-timeout-share). */
  maxTimeoutShare: number;
  /** history-http-response-timeout, ms (the application's; groups may set their own). */
  responseTimeoutMs: number;
  /** Records unconfirmed at the end whose latest failure was the target's (not a fault the driver injected): how many, a few. */
  unconfirmed: { count: number; examples: Example[] };
}

const NO_READ_BACK = 'needs --read-back URL-TEMPLATE: what the system stores is only seen by reading it back';

export function judge(input: JudgeInput): Conformance {
  return {
    schemaVersion: CONFORMANCE_SCHEMA_VERSION,
    target: input.target,
    complete: input.complete,
    claims: [answersUnderstood(input), ...storageClaims(input), allConfirmed(input), latency(input), validationAnswers(input)],
  };
}

/** Claims hold unless something was found against them. */
function claim(id: string, text: string, found: number, detail: string, examples: Example[]): Claim {
  return { id, claim: text, verdict: found > 0 ? 'violated' : 'held', detail, examples: examples.slice(0, MAX_EXAMPLES) };
}

function notChecked(id: string, text: string, why: string): Claim {
  return { id, claim: text, verdict: 'not checked', detail: why, examples: [] };
}

function answersUnderstood({ ledger }: JudgeInput): Claim {
  const statuses = [...ledger.statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none';
  return claim(
    'answers-understood',
    'every answer is one OCS understands: 200 saves; 408, 409, 418 and any other error status are failures OCS re-submits',
    ledger.unexpectedAnswerCount,
    ledger.unexpectedAnswerCount > 0
      ? `${ledger.unexpectedAnswerCount} answer(s) were a 2xx other than 200, a redirect, an informational status or not readable HTTP: OCS documents none of them (answers by status: ${statuses})`
      : `answers by status: ${statuses}`,
    ledger.unexpectedAnswers,
  );
}

function storageClaims(input: JudgeInput): Claim[] {
  const stored = 'a 200 means the record is stored (read back)';
  const idempotent = 're-submissions are idempotent: one row per (GUID, seq) (read back)';
  const seq1Survives = 'seq 1 survives a late seq 0: no stale overwrite (read back)';
  const contract = 'GET on the read-back URL answers the rows as the contract says (a JSON array, 404 for none, each row with GSW_HIST_SEQUENCE_NUM)';
  if (input.readBack === null) {
    return [notChecked('stored-on-200', stored, NO_READ_BACK), notChecked('idempotent-resubmissions', idempotent, NO_READ_BACK), notChecked('seq1-survives-late-seq0', seq1Survives, NO_READ_BACK), notChecked('read-back-contract', contract, NO_READ_BACK)];
  }
  const f = storageFindings(input.ledger, input.readBack);
  return [
    claim('stored-on-200', stored, f.notStored.length, f.notStored.length > 0 ? `${f.notStored.length} record(s) confirmed by 200 are not held (nor overwritten by their seq 1) when read back` : `every record confirmed by 200 is held (${f.read} attempts read back)`, f.notStored),
    claim('idempotent-resubmissions', idempotent, f.duplicates, f.duplicates > 0 ? `${f.duplicates} row(s) beyond one per (GUID, seq), in ${f.duplicated.length} attempt(s): a re-submitted record was stored again (OCS re-submits whenever it saw no 200, stored or not)` : `no (GUID, seq) is held twice; ${f.resubmittedAttempts} attempt(s) had a record POSTed more than once`, f.duplicated),
    f.lateSeq0Attempts === 0
      ? notChecked('seq1-survives-late-seq0', seq1Survives, 'no seq 0 was POSTed after its seq 1 in this drive (a lost response of a seq 0 re-submitted after the call ends makes one: raise network.responseLoss)')
      : claim('seq1-survives-late-seq0', seq1Survives, f.staleOverwrites.length, f.staleOverwrites.length > 0 ? `${f.staleOverwrites.length} of ${f.lateSeq0Attempts} attempt(s) whose seq 0 came after their seq 1 (confirmed) no longer hold seq 1: the late seq 0 overwrote the call result` : `all ${f.lateSeq0Attempts} attempt(s) whose seq 0 came after their seq 1 still hold seq 1`, f.staleOverwrites),
    claim('read-back-contract', contract, f.errors.length, f.errors.length > 0 ? `${f.errors.length} of ${f.read + f.errors.length} read-back(s) failed` : `${f.read} attempts read back`, f.errors),
  ];
}

export interface StorageFindings {
  read: number;
  notStored: Example[];
  duplicates: number;
  duplicated: Example[];
  resubmittedAttempts: number;
  lateSeq0Attempts: number;
  staleOverwrites: Example[];
  errors: Example[];
  /** Rows held in all, and finalized attempts (seq 1 confirmed) whose rows lack seq 1. */
  rows: number;
  finalNotSeq1: number;
}

/** What the read-back shows, attempt by attempt, against what OCS saw confirmed. */
export function storageFindings(ledger: Ledger, readBack: Map<string, ReadBack>): StorageFindings {
  const f: StorageFindings = { read: 0, notStored: [], duplicates: 0, duplicated: [], resubmittedAttempts: 0, lateSeq0Attempts: 0, staleOverwrites: [], errors: [], rows: 0, finalNotSeq1: 0 };
  for (const [guid, facts] of ledger.attempts) {
    const got = readBack.get(guid);
    if (got === undefined) continue;
    if ('error' in got) {
      f.errors.push({ guid, error: got.error });
      continue;
    }
    f.read++;
    const seqs = got.seqs;
    f.rows += seqs.length;
    const held = [seqs.filter((s) => s === 0).length, seqs.filter((s) => s === 1).length];
    const example = { guid, phone: facts.phone, rowsHeld: seqs.length === 0 ? 'none' : seqs.map((s) => `seq ${s}`).join(', '), posts: facts.posts };
    if (facts.resubmitted) f.resubmittedAttempts++;
    const extra = Math.max(0, held[0] - 1) + Math.max(0, held[1] - 1);
    if (extra > 0) {
      f.duplicates += extra;
      f.duplicated.push(example);
    }
    const seq1Lost = facts.confirmed[1] && held[1] === 0;
    if (seq1Lost) f.finalNotSeq1++;
    if (facts.lateSeq0 && facts.confirmed[1]) {
      f.lateSeq0Attempts++;
      if (seq1Lost) {
        f.staleOverwrites.push(example);
        continue;
      }
    }
    // Seq 0 may rightly be overwritten by its seq 1; seq 1 must be there.
    const seq0Gone = facts.confirmed[0] && held[0] === 0 && held[1] === 0;
    if (seq1Lost || seq0Gone) f.notStored.push(example);
  }
  return f;
}

function allConfirmed({ summary, unconfirmed, complete }: JudgeInput): Claim {
  const text = 'every record is confirmed once faults end: nothing unconfirmed at the end of the drain';
  const r = summary.records;
  if (!complete) return notChecked('all-confirmed', text, `the drive was interrupted with ${r.unconfirmed} record(s) still kept: the drain never ended`);
  const driversDoing = r.unconfirmed - unconfirmed.count;
  const excused = driversDoing > 0 ? `; ${driversDoing} more were still waiting to be sent (the pool, --max-rate) or last failed by a fault the driver injected (the scenario's network section), not by the target` : '';
  const detail =
    unconfirmed.count > 0
      ? `${unconfirmed.count} of ${r.created} record(s) were never confirmed by 200 by the end of the drain, their latest POST failed by the target${excused}`
      : r.unconfirmed > 0
        ? `no record was left unconfirmed by the target${excused}`
        : `all ${r.saved} record(s) confirmed${r.lostInRestarts > 0 ? ` (${r.lostInRestarts} lost in OCS restarts, by the scenario's records-after-restart)` : ''}`;
  return claim('all-confirmed', text, unconfirmed.count, detail, unconfirmed.examples);
}

function latency({ ledger, maxTimeoutShare, responseTimeoutMs }: JudgeInput): Claim {
  const text = `answers come within history-http-response-timeout: at most ${percent(maxTimeoutShare)} of POSTs over it (faults the driver injected left out)`;
  const sorted = ledger.roundTrips.sorted();
  const judged = sorted.length + ledger.timeouts;
  if (judged === 0) return notChecked('latency', text, 'no request was sent without an injected fault');
  const share = ledger.timeouts / judged;
  const p50 = quantile(sorted, 0.5);
  const p99 = quantile(sorted, 0.99);
  const figures = `p50 ${ms(p50)}, p99 ${ms(p99)} over ${sorted.length} answer(s); ${ledger.timeouts} of ${judged} (${percent(share)}) got no answer within the deadline (${responseTimeoutMs} ms for records)`;
  return { id: 'latency', claim: text, verdict: share > maxTimeoutShare ? 'violated' : 'held', detail: figures, examples: share > maxTimeoutShare ? ledger.slow.slice(0, MAX_EXAMPLES) : [] };
}

function validationAnswers({ ledger }: JudgeInput): Claim {
  const text = 'pre-dial validation answers 200 (dial) or 409 with a call result (do not dial)';
  if (ledger.validationsAnswered === 0) return notChecked('validation-answers', text, 'no validation request was answered (the scenario has pre-dial-validation off, or every one failed)');
  return claim(
    'validation-answers',
    text,
    ledger.badValidationAnswerCount,
    ledger.badValidationAnswerCount > 0 ? `${ledger.badValidationAnswerCount} of ${ledger.validationsAnswered} answer(s) were neither 200 nor a 409 whose body names GSW_CALL_RESULT` : `${ledger.validationsAnswered} answer(s), each 200, a 409 with a call result, or an error status OCS treats as a timeout`,
    ledger.badValidationAnswers,
  );
}

const percent = (x: number) => `${Math.round(x * 10000) / 100}%`;
const ms = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100) / 100} ms`);

/** conformance.md: the verdict for people. */
export function conformanceMarkdown(c: Conformance): string {
  const mark: Record<Verdict, string> = { held: 'held', violated: '**VIOLATED**', 'not checked': 'not checked' };
  const violated = c.claims.filter((x) => x.verdict === 'violated');
  const lines = [
    `# Conformance of ${c.target}`,
    '',
    c.complete ? '' : '**Incomplete**: the drive was interrupted; this is the verdict on what it did until then.\n',
    violated.length === 0 ? 'Every claim checked held.' : `${violated.length} claim(s) violated: ${violated.map((x) => x.id).join(', ')}.`,
    '',
    '| claim | verdict | detail |',
    '|---|---|---|',
    ...c.claims.map((x) => `| ${x.claim} | ${mark[x.verdict]} | ${x.detail.replaceAll('|', '\\|')} |`),
  ];
  for (const x of violated) {
    lines.push('', `## ${x.id}: ${x.claim}`, '', x.detail, '', ...x.examples.map((e) => `- \`${JSON.stringify(e)}\``));
  }
  return `${lines.filter((l, i) => !(l === '' && lines[i - 1] === '')).join('\n')}\n`;
}
