import { parseEntity } from '../runFacts.ts';
import { type Checker, Violations, at, near } from './common.ts';

/** Sequence order: seq 1 after seq 0; the external system ends with seq 1. */

export const SEQ_ORDER = 'every seq 1 follows its seq 0 and the finalization of its call';

/**
 * seq 1 of a GUID is created when its call is finalized and after its seq 0;
 * the first POST of each carries GSW_CALL_ATTEMPT_GUID and
 * GSW_HIST_SEQUENCE_NUM, and only seq 1 carries GSW_CALL_RESULT (the call's).
 */
export const seqOneFollowsSeqZero: Checker = ({ trace, facts }) => {
  const v = new Violations();
  const createdSeq0 = new Set<string>();
  const finalized = new Map<string, number>();
  const seq1Created = new Set<string>();
  let seq1 = 0;
  for (const line of trace) {
    if (line.event === 'callFinalized') {
      finalized.set(String(line.guid), line.t);
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind !== 'record') continue;
    if (line.event === 'created') {
      if (e.seq === 0) createdSeq0.add(e.guid);
      else {
        seq1++;
        seq1Created.add(e.guid);
        if (!createdSeq0.has(e.guid)) v.add(`${at(line.t)} ${line.entity} created before its seq 0`);
        const f = finalized.get(e.guid);
        if (f === undefined) v.add(`${at(line.t)} ${line.entity} created before its call was finalized`);
        else if (!near(f, line.t)) v.add(`${at(line.t)} ${line.entity} created, but its call was finalized at ${at(f)}`);
      }
    } else if (line.event === 'POST' && line.body !== undefined) {
      const body = line.body as Record<string, unknown>;
      if (body.GSW_CALL_ATTEMPT_GUID !== e.guid || body.GSW_HIST_SEQUENCE_NUM !== e.seq) {
        v.add(`${at(line.t)} ${line.entity} posted with GUID ${String(body.GSW_CALL_ATTEMPT_GUID)} and seq ${String(body.GSW_HIST_SEQUENCE_NUM)}`);
      }
      const code = facts.attempts.get(e.guid)?.code;
      if (e.seq === 0 && body.GSW_CALL_RESULT !== undefined)
        v.add(`${at(line.t)} ${line.entity} (seq 0) carries GSW_CALL_RESULT ${String(body.GSW_CALL_RESULT)}`);
      if (e.seq === 1 && code != null && body.GSW_CALL_RESULT !== code)
        v.add(`${at(line.t)} ${line.entity} carries GSW_CALL_RESULT ${String(body.GSW_CALL_RESULT)}; the call ended with ${code}`);
    }
  }
  // Every finalized call of a group that sends history gets its seq 1.
  for (const [guid, t] of finalized) {
    const group = facts.attempts.get(guid)?.group;
    if (group !== undefined && facts.options.get(group)?.sendHistory && !seq1Created.has(guid)) v.add(`${at(t)} call ${guid} finalized but no seq 1 created`);
  }
  return v.result(SEQ_ORDER, `${seq1} seq 1 records, each created at its call's finalization after its seq 0, with the documented attributes`);
};

export const ENDS_WITH_SEQ1 = 'the external system ends with seq 1 for every finalized attempt';

/**
 * What "seq 1 overwrites seq 0" promises: once both records of a finalized
 * call are confirmed, the external system's copy (its state after the last
 * store of the GUID) is seq 1. Holds under `by-sequence` storage; a
 * `last-write-wins` external system breaks it when seq 0 is stored late.
 */
export const externalSystemEndsWithSeqOne: Checker = ({ trace, facts, scenario }) => {
  const v = new Violations();
  const lastStored = new Map<string, { seq: number; storedSeq: number; t: number }>();
  const saved = new Map<string, number>();
  for (const line of trace) {
    if (line.entity === 'external' && line.event === 'stored') {
      lastStored.set(String(line.guid), { seq: Number(line.seq), storedSeq: Number(line.storedSeq), t: line.t });
      continue;
    }
    const e = parseEntity(line.entity);
    if (e.kind === 'record' && line.state === 'saved') saved.set(e.guid, (saved.get(e.guid) ?? 0) + 1);
  }
  let checked = 0;
  for (const a of facts.attempts.values()) {
    if (a.finalizedAt === null || saved.get(a.guid) !== 2) continue;
    checked++;
    const last = lastStored.get(a.guid);
    if (last?.storedSeq !== 1)
      v.add(
        `call ${a.guid} (phone ${a.phone}) ends with seq ${last?.storedSeq ?? 'none'} stored (last store ${last ? at(last.t) : 'never'}, of seq ${last?.seq ?? '-'})`,
      );
  }
  return v.result(
    ENDS_WITH_SEQ1,
    `${checked} finalized attempts with both records confirmed all end with seq 1 (storage policy ${scenario.externalSystem.storagePolicy})`,
  );
};
