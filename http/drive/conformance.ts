import type { Summary } from '../../sim/summary.ts';
import { MAX_EXAMPLES, quantile, type Example, type Ledger } from './ledger.ts';
import type { ReadBack } from './readBack.ts';

/**
 * The conformance verdict of `ocs-sim drive`: what the external system
 * must do to survive OCS (its retries, duplicates and ordering), judged on
 * what the drive saw and, where storage is concerned, on what the system
 * answers when read back. Pure: the shell writes conformance.json and .md.
 */

export const CONFORMANCE_SCHEMA_VERSION = 2 as const;

export type Verdict = 'held' | 'violated' | 'not checked';

export interface Claim {
  /** A short name, stable across versions, for scripts. */
  id: string;
  claim: string;
  verdict: Verdict;
  /** How many of `evidence` the claim was judged on; 0 when there was none (not checked, the detail says why). */
  judgedOn: number;
  /** What `judgedOn` counts: answers, attempts read back, records... */
  evidence: string;
  detail: string;
  /** Up to 10, with the requests involved. */
  examples: Example[];
}

export interface Conformance {
  schemaVersion: typeof CONFORMANCE_SCHEMA_VERSION;
  target: string;
  /** The drive's run id: every GUID it posted carries it, and --run-id replays it. */
  runId: string | null;
  /** False when the drive was interrupted: the verdict is on what it did until then. */
  complete: boolean;
  claims: Claim[];
}

export interface JudgeInput {
  target: string;
  runId?: string | null;
  complete: boolean;
  ledger: Ledger;
  /** Records the OCS side made, and those still unconfirmed at the end (drive: the run's summary; proxy: what passed through). */
  records: Pick<Summary['records'], 'created' | 'saved' | 'unconfirmed' | 'lostInRestarts'>;
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
    runId: input.runId ?? null,
    complete: input.complete,
    claims: [answersUnderstood(input), ...storageClaims(input), allConfirmed(input), latency(input), validationAnswers(input)],
  };
}

/** Claims hold on evidence unless something was found against them; with no evidence they are not checked, saying why. */
function claim(
  id: string,
  text: string,
  found: number,
  judgedOn: number,
  evidence: string,
  detail: string,
  examples: Example[],
  noEvidence = `no ${evidence} to judge it on`,
): Claim {
  if (found === 0 && judgedOn === 0) return notChecked(id, text, noEvidence, evidence);
  return { id, claim: text, verdict: found > 0 ? 'violated' : 'held', judgedOn, evidence, detail, examples: examples.slice(0, MAX_EXAMPLES) };
}

function notChecked(id: string, text: string, why: string, evidence: string): Claim {
  return { id, claim: text, verdict: 'not checked', judgedOn: 0, evidence, detail: why, examples: [] };
}

/** What the target marked as faults it injected (ocs-sim serve), said apart from its own behaviour. */
const injectedApart = (ledger: Ledger) =>
  ledger.injectedByTarget > 0
    ? `; ${ledger.injectedByTarget} of the error answers were faults the target injected on purpose (marked x-ocs-sim-fault: ocs-sim serve's scenario), not its own failures`
    : '';

const statusList = (ledger: Ledger) =>
  [...ledger.statuses.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ') || 'none';

function answersUnderstood({ ledger }: JudgeInput): Claim {
  const statuses = statusList(ledger);
  const answered = [...ledger.statuses.values()].reduce((a, b) => a + b, 0) + ledger.broken;
  return claim(
    'answers-understood',
    'every answer is one OCS understands: 200 saves; 408, 409, 418 and any other error status are failures OCS re-submits',
    ledger.unexpectedAnswerCount,
    answered,
    'answers',
    ledger.unexpectedAnswerCount > 0
      ? `${ledger.unexpectedAnswerCount} answer(s) were a 2xx other than 200, a redirect, an informational status or not readable HTTP: OCS documents none of them (answers by status: ${statuses})`
      : `answers by status: ${statuses}${injectedApart(ledger)}`,
    ledger.unexpectedAnswers,
    'no request got an answer',
  );
}

function storageClaims(input: JudgeInput): Claim[] {
  const stored = 'a 200 means the record is stored (read back)';
  const idempotent = 're-submissions are idempotent: one row per (GUID, seq) (read back)';
  const seq1Survives = 'seq 1 survives a late seq 0: no stale overwrite (read back)';
  const contract = 'GET on the read-back URL answers the rows as the contract says (a JSON array, 404 for none, each row with GSW_HIST_SEQUENCE_NUM)';
  if (input.readBack === null) {
    return [
      notChecked('stored-on-200', stored, NO_READ_BACK, 'attempts read back'),
      notChecked('idempotent-resubmissions', idempotent, NO_READ_BACK, 're-submitted attempts read back'),
      notChecked('seq1-survives-late-seq0', seq1Survives, NO_READ_BACK, 'attempts with a late seq 0 read back'),
      notChecked('read-back-contract', contract, NO_READ_BACK, 'read-backs'),
    ];
  }
  const f = storageFindings(input.ledger, input.readBack);
  if (f.missingEverywhere !== null) {
    const why = `every read-back lacks ${f.missingEverywhere}: no row could be read (give the adapter flags that match the system's answer: --read-back-rows, --seq-field, --guid-field, --body-field)`;
    return [
      otherSuccessOr(f, notChecked('stored-on-200', stored, why, 'attempts read back')),
      notChecked('idempotent-resubmissions', idempotent, why, 're-submitted attempts read back'),
      notChecked('seq1-survives-late-seq0', seq1Survives, why, 'attempts with a late seq 0 read back'),
      notChecked('read-back-contract', contract, why, 'read-backs'),
    ];
  }
  const oneRow =
    f.oneRowPerAttempt > 0
      ? `; ${f.oneRowPerAttempt} attempt(s) left out: the endpoint shows one row per attempt (it answered one object of seq 0 where seq 1 was confirmed), so it cannot show every row`
      : '';
  const noneRead =
    f.errors.length > 0 ? `no attempt could be read back (${f.errors.length} read-back(s) failed: see read-back-contract)` : 'no attempt was read back';
  const storedClaim = claim(
    'stored-on-200',
    stored,
    f.notStored.length,
    f.storedJudged,
    'attempts read back with a record confirmed by 200',
    f.notStored.length > 0
      ? `${f.notStored.length} of ${f.storedJudged} attempt(s) with a record confirmed by 200 do not hold it (nor its seq 1) when read back${oneRow}`
      : `every record confirmed by 200 is held (${f.storedJudged} attempts read back)${oneRow}`,
    f.notStored,
    f.oneRowPerAttempt > 0 && f.read > 0
      ? `the endpoint shows one row per attempt (it answered one object of seq 0 where seq 1 was confirmed): which records it holds cannot be told`
      : f.read > 0
        ? `no record was confirmed by 200 (answers by status: ${statusList(input.ledger)})`
        : noneRead,
  );
  const idempotentClaim = claim(
    'idempotent-resubmissions',
    idempotent,
    f.duplicates,
    f.resubmittedJudged,
    're-submitted attempts read back',
    f.duplicates > 0
      ? `${f.duplicates} row(s) beyond one per (GUID, seq), in ${f.duplicated.length} attempt(s): a re-submitted record was stored again (OCS re-submits whenever it saw no 200, stored or not)`
      : `no (GUID, seq) is held twice in ${f.arraysRead} attempt(s) read back; ${f.resubmittedJudged} of them had a record POSTed more than once`,
    f.duplicated,
    f.arraysRead === 0 && f.read > 0
      ? 'the endpoint shows one row per attempt (it answered one object per attempt): a second row of a (GUID, seq) cannot be seen; give a read-back URL that lists every row (e.g. a query, /records?GSW_CALL_ATTEMPT_GUID={guid})'
      : f.read > 0
        ? 'no record was POSTed more than once in this drive (lost responses make re-submissions: raise network.responseLoss)'
        : noneRead,
  );
  const lateClaim = claim(
    'seq1-survives-late-seq0',
    seq1Survives,
    f.staleOverwrites.length,
    f.lateSeq0Attempts,
    'attempts whose seq 0 came after their seq 1, read back',
    f.staleOverwrites.length > 0
      ? `${f.staleOverwrites.length} of ${f.lateSeq0Attempts} attempt(s) whose seq 0 came after their seq 1 (confirmed) no longer hold seq 1: the late seq 0 overwrote the call result`
      : `all ${f.lateSeq0Attempts} attempt(s) whose seq 0 came after their seq 1 still hold seq 1`,
    f.staleOverwrites,
    f.lateSeq0OneRow > 0
      ? `the endpoint shows one row per attempt: ${f.lateSeq0OneRow} attempt(s) with a late seq 0 answered one row of seq 0, which cannot tell a stale overwrite from a system that shows its first row`
      : 'no seq 0 was POSTed after its seq 1 in this drive (a lost response of a seq 0 re-submitted after the call ends makes one: raise network.responseLoss)',
  );
  const gets = f.read + f.errors.length;
  const contractClaim = claim(
    'read-back-contract',
    contract,
    f.errors.length,
    gets,
    'read-backs',
    f.errors.length > 0
      ? `${f.errors.length} of ${gets} read-back(s) failed`
      : `${f.read} attempts read back${f.otherRows > 0 ? `; ${f.otherRows} row(s) of other GUIDs in the answers were left out` : ''}`,
    f.errors,
    'no attempt to read back',
  );
  return [otherSuccessOr(f, storedClaim), idempotentClaim, lateClaim, contractClaim];
}

/**
 * A record answered a 2xx other than 200 (json-server's 201): the system
 * stored it, and OCS, which saves only on 200 OK, re-submits it. That
 * violates "a 200 means the record is stored" whatever the read-back shows.
 */
function otherSuccessOr(f: StorageFindings, c: Claim): Claim {
  if (f.otherSuccess.length === 0) return c;
  const statuses = [...new Set(f.otherSuccess.map((e) => e.status))].join(', ');
  const detail = `${f.otherSuccessCount} record(s) were answered ${statuses}, not 200: OCS saves a record only on 200 OK and re-submits it on any other status, so each is posted again until the drain ends. Answer 200 to a record you stored (in Express: res.status(200).json(...), not res.status(201)); ${c.verdict === 'not checked' ? `the read-back judged nothing: ${c.detail}` : c.detail}`;
  return {
    ...c,
    verdict: 'violated',
    judgedOn: c.judgedOn + f.otherSuccessCount,
    evidence: `${c.evidence}, and records answered a 2xx other than 200`,
    detail,
    examples: [...f.otherSuccess, ...c.examples].slice(0, MAX_EXAMPLES),
  };
}

export interface StorageFindings {
  /** Attempts whose rows were read (not an error, not missing the adapter's field). */
  read: number;
  /** Of those, read as a list of rows (not one object). */
  arraysRead: number;
  notStored: Example[];
  storedJudged: number;
  duplicates: number;
  duplicated: Example[];
  resubmittedJudged: number;
  lateSeq0Attempts: number;
  staleOverwrites: Example[];
  /** Attempts with a late seq 0 the endpoint answered one row of seq 0 for: not judged. */
  lateSeq0OneRow: number;
  /** Attempts left out because the endpoint shows one row where two records were confirmed. */
  oneRowPerAttempt: number;
  errors: Example[];
  /** The adapter's path or field every read-back lacked, or null. */
  missingEverywhere: string | null;
  /** Records answered a 2xx other than 200, a few, and how many. */
  otherSuccess: Example[];
  otherSuccessCount: number;
  otherRows: number;
  /** Rows held in all, and finalized attempts (seq 1 confirmed) whose rows lack seq 1. */
  rows: number;
  finalNotSeq1: number;
}

/** What the read-back shows, attempt by attempt, against what OCS saw confirmed. */
export function storageFindings(ledger: Ledger, readBack: Map<string, ReadBack>): StorageFindings {
  const f: StorageFindings = {
    read: 0,
    arraysRead: 0,
    notStored: [],
    storedJudged: 0,
    duplicates: 0,
    duplicated: [],
    resubmittedJudged: 0,
    lateSeq0Attempts: 0,
    staleOverwrites: [],
    lateSeq0OneRow: 0,
    oneRowPerAttempt: 0,
    errors: [],
    missingEverywhere: null,
    otherSuccess: [],
    otherSuccessCount: 0,
    otherRows: 0,
    rows: 0,
    finalNotSeq1: 0,
  };
  const missing: Array<{ guid: string; missing: string }> = [];
  for (const [guid, facts] of ledger.attempts) {
    for (const seq of [0, 1] as const) {
      const status = facts.otherSuccess[seq];
      if (status === null) continue;
      f.otherSuccessCount++;
      if (f.otherSuccess.length < MAX_EXAMPLES) f.otherSuccess.push({ record: `${guid}:${seq}`, status, posts: facts.posts });
    }
    const got = readBack.get(guid);
    if (got === undefined) continue;
    if ('error' in got) {
      f.errors.push({ guid, error: got.error });
      continue;
    }
    if ('missing' in got) {
      missing.push({ guid, missing: got.missing });
      continue;
    }
    f.read++;
    f.otherRows += got.otherRows;
    const seqs = got.seqs;
    f.rows += seqs.length;
    const held = [seqs.filter((s) => s === 0).length, seqs.filter((s) => s === 1).length];
    const example = {
      guid,
      phone: facts.phone,
      rowsHeld: seqs.length === 0 ? 'none' : seqs.map((s) => `seq ${s}`).join(', '),
      ...(got.oneObject ? { shape: 'one object' } : {}),
      posts: facts.posts,
    };
    const seq1Lost = facts.confirmed[1] && held[1] === 0;
    if (seq1Lost) f.finalNotSeq1++;
    if (!got.oneObject) {
      f.arraysRead++;
      if (facts.resubmitted) f.resubmittedJudged++;
      const extra = Math.max(0, held[0] - 1) + Math.max(0, held[1] - 1);
      if (extra > 0) {
        f.duplicates += extra;
        f.duplicated.push(example);
      }
    }
    // One object of seq 0 where seq 1 was confirmed: the endpoint may show the first of its rows. Not judged, whether
    // or not seq 0's own 200 came back: a seq 0 whose answers were all lost reached the system all the same.
    if (got.oneObject && facts.confirmed[1] && held[1] === 0 && held[0] > 0) {
      f.oneRowPerAttempt++;
      if (facts.lateSeq0) f.lateSeq0OneRow++;
      continue;
    }
    if (facts.confirmed[0] || facts.confirmed[1]) f.storedJudged++;
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
  // The adapter's field missing everywhere is the adapter's fault, said once; here and there, the system's rows break the contract.
  if (missing.length > 0 && f.read === 0 && f.errors.length === 0) f.missingEverywhere = missing[0].missing;
  else for (const m of missing) f.errors.push({ guid: m.guid, error: `the answer lacks ${m.missing}` });
  return f;
}

function allConfirmed({ records, unconfirmed, complete, ledger }: JudgeInput): Claim {
  const text = 'every record is confirmed once faults end: nothing unconfirmed at the end of the drain';
  const r = records;
  if (!complete)
    return notChecked('all-confirmed', text, `the drive was interrupted with ${r.unconfirmed} record(s) still kept: the drain never ended`, 'records');
  const driversDoing = r.unconfirmed - unconfirmed.count;
  const excused =
    driversDoing > 0
      ? `; ${driversDoing} more were still waiting to be sent (the pool, --max-rate) or last failed by a fault the driver injected (the scenario's network section), not by the target`
      : '';
  const detail =
    unconfirmed.count > 0
      ? `${unconfirmed.count} of ${r.created} record(s) were never confirmed by 200 by the end of the drain, their latest POST failed by the target${excused}${ledger.injectedByTarget > 0 || ledger.targetInjectsNetworkFaults ? '; the target says it injects faults on purpose (ocs-sim serve: x-ocs-sim-fault, x-ocs-sim-network-faults): those it kept failing to the end are its deliberate faults' : ''}`
      : r.unconfirmed > 0
        ? `no record was left unconfirmed by the target${excused}`
        : `all ${r.saved} record(s) confirmed${r.lostInRestarts > 0 ? ` (${r.lostInRestarts} lost in OCS restarts, by the scenario's records-after-restart)` : ''}`;
  return claim('all-confirmed', text, unconfirmed.count, r.created, 'records', detail, unconfirmed.examples, 'no record was made');
}

function latency({ ledger, maxTimeoutShare, responseTimeoutMs }: JudgeInput): Claim {
  const text = `answers come within history-http-response-timeout: at most ${percent(maxTimeoutShare)} of POSTs over it (faults the driver injected left out)`;
  const sorted = ledger.roundTrips.sorted();
  const judged = sorted.length + ledger.timeouts;
  if (judged === 0) return notChecked('latency', text, 'no request was sent without an injected fault', 'requests without an injected fault');
  const share = ledger.timeouts / judged;
  const p50 = quantile(sorted, 0.5);
  const p99 = quantile(sorted, 0.99);
  const injected =
    ledger.targetInjectsNetworkFaults && ledger.timeouts > 0
      ? '; the target says it injects network faults (x-ocs-sim-network-faults: ocs-sim serve --network-faults): these are its deliberate hangs and lost responses, not slowness'
      : '';
  const figures = `p50 ${ms(p50)}, p99 ${ms(p99)} over ${sorted.length} answer(s); ${ledger.timeouts} of ${judged} (${percent(share)}) got no answer within the deadline (${responseTimeoutMs} ms for records)${injected}`;
  return {
    id: 'latency',
    claim: text,
    verdict: share > maxTimeoutShare ? 'violated' : 'held',
    judgedOn: judged,
    evidence: 'requests without an injected fault',
    detail: figures,
    examples: share > maxTimeoutShare ? ledger.slow.slice(0, MAX_EXAMPLES) : [],
  };
}

function validationAnswers({ ledger }: JudgeInput): Claim {
  const text = 'pre-dial validation answers 200 (dial) or 409 with a call result (do not dial)';
  if (ledger.validationsAnswered === 0)
    return notChecked(
      'validation-answers',
      text,
      'no validation request was answered (the scenario has pre-dial-validation off, or every one failed)',
      'validation answers',
    );
  return claim(
    'validation-answers',
    text,
    ledger.badValidationAnswerCount,
    ledger.validationsAnswered,
    'validation answers',
    ledger.badValidationAnswerCount > 0
      ? `${ledger.badValidationAnswerCount} of ${ledger.validationsAnswered} answer(s) were neither 200 nor a 409 whose body names GSW_CALL_RESULT`
      : `${ledger.validationsAnswered} answer(s), each 200, a 409 with a call result, or an error status OCS treats as a timeout`,
    ledger.badValidationAnswers,
  );
}

const percent = (x: number) => `${Math.round(x * 10000) / 100}%`;
const ms = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100) / 100} ms`);

/** conformance.md: the verdict for people. */
export function conformanceMarkdown(c: Conformance): string {
  const mark: Record<Verdict, string> = { held: 'held', violated: '**VIOLATED**', 'not checked': 'not checked' };
  const violated = c.claims.filter((x) => x.verdict === 'violated');
  const count = (v: Verdict) => c.claims.filter((x) => x.verdict === v).length;
  const lines = [
    `# Conformance of ${c.target}`,
    '',
    c.complete ? '' : '**Incomplete**: the drive was interrupted; this is the verdict on what it did until then.\n',
    c.runId === null ? '' : `Run id ${c.runId}: every GUID this drive posted carries it (--run-id ${c.runId} replays the drive).\n`,
    `Claims: ${count('held')} held, ${count('violated')} violated, ${count('not checked')} not checked (a claim with no evidence is not checked, never held).`,
    '',
    violated.length === 0 ? 'Every claim checked held.' : `${violated.length} claim(s) violated: ${violated.map((x) => x.id).join(', ')}.`,
    '',
    '| claim | verdict | judged on | detail |',
    '|---|---|---|---|',
    ...c.claims.map(
      (x) =>
        `| ${x.claim} | ${mark[x.verdict]} | ${x.verdict === 'not checked' ? 'no evidence' : `${x.judgedOn} ${x.evidence}`} | ${x.detail.replaceAll('|', '\\|')} |`,
    ),
  ];
  for (const x of violated) {
    lines.push('', `## ${x.id}: ${x.claim}`, '', x.detail, '', ...x.examples.map((e) => `- \`${JSON.stringify(e)}\``));
  }
  return `${lines.filter((l, i) => !(l === '' && lines[i - 1] === '')).join('\n')}\n`;
}
