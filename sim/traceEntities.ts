/**
 * The names trace lines give their entities (see sim/traceLines.ts), built
 * and taken apart in one place so a writer and a reader of the trace cannot
 * disagree on where the colons go.
 */

/** A call report record: its call attempt's GUID and its seq (0 when dialed, 1 when finalized). */
export type RecordEntity = `record:${string}:${0 | 1}`;
/** A campaign group's machine. */
export type GroupEntity = `group:${string}`;
/** A campaign group's recovery timer (recovery-timer: batch), named by its group. */
export type RecoveryTimerEntity = `recoveryTimer:${string}`;
/** A contact, by its phone; the line's group names the calling list. */
export type ContactEntity = `contact:${string}`;

const RECORD = 'record:';
const CONTACT = 'contact:';

export const recordEntity = (guid: string, seq: 0 | 1): RecordEntity => `record:${guid}:${seq}`;
export const groupEntity = (name: string): GroupEntity => `group:${name}`;
export const recoveryTimerEntity = (group: string): RecoveryTimerEntity => `recoveryTimer:${group}`;
export const contactEntity = (phone: string): ContactEntity => `contact:${phone}`;

/**
 * The record a `record:GUID:SEQ` name stands for (an entity, or a network
 * line's request); null for any other name. The GUID is what lies between
 * the first and the last colon.
 */
export function parseRecordEntity(name: string): { guid: string; seq: 0 | 1 } | null {
  if (!name.startsWith(RECORD)) return null;
  const last = name.lastIndexOf(':');
  const seq = name.slice(last + 1);
  if (last <= RECORD.length || (seq !== '0' && seq !== '1')) return null;
  return { guid: name.slice(RECORD.length, last), seq: seq === '1' ? 1 : 0 };
}

/** The phone of a `contact:PHONE` entity; null for any other entity. */
export function phoneOfContactEntity(entity: string): string | null {
  return entity.startsWith(CONTACT) ? entity.slice(CONTACT.length) : null;
}
