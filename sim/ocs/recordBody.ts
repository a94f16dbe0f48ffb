import { callResultCode, type ResolvedGroup, type ResolvedModel } from '../scenario/resolve.ts';
import type { Attempt } from './attempt.ts';
import type { Contact } from './entities.ts';

/**
 * The body OCS posts: a flat JSON object of GSW_* attributes (the documentation
 * lists them; [model] JSON as in OCS's sibling HTTP features, timestamps as
 * integer UTC seconds from the virtual clock). Built only when traced: the
 * model's behaviour depends on no attribute but the GUID and seq. A record
 * holds the call as it stood when OCS made it: seq 0 at the dial, seq 1 at
 * the finalization, however long it then waited for a pooled connection.
 */
export function recordBody(model: ResolvedModel, attempt: Attempt, seq: 0 | 1): Record<string, string | number> {
  const contact = attempt.contact;
  const g = attempt.group.cfg;
  const epoch = (ms: number) => model.startEpochSeconds + Math.floor(ms / 1000);
  const body: Record<string, string | number> = {
    GSW_CALL_ATTEMPT_GUID: attempt.guid,
    GSW_HIST_SEQUENCE_NUM: seq,
    ...contactAttributes(model, contact.phone, g),
    GSW_GROUP_NAME: g.name.split('@')[1] ?? g.name,
    GSW_QUEUE_NAME: '',
    GSW_DIAL_MODE: dialMode(g),
    GSW_OPTIMIZE_BY: g.dialMode === 'predictive' ? 'Busy Factor' : '',
    GSW_OPTIMIZE_GOAL: g.dialMode === 'predictive' ? 80 : 0,
    GSW_TZ_NAME: 'UTC',
    GSW_TZ_OFFSET: 0,
    GSW_TZ_CODE: 0,
    GSW_POSTAL_CODE: '',
    GSW_REGION_CODE: '',
    GSW_COUNTRY_CODE: '',
    GSW_D_AREA_CODE: '',
    GSW_D_REGION_CODE: '',
    GSW_D_COUNTRY_CODE: '',
    GSW_CALL_TIME: epoch(attempt.times.dialing),
    GSW_SCHEDULED_TIME: 0,
    GSW_START_PROCESSING: epoch(attempt.times.dialing),
  };
  const stages: Array<[string, number]> = [
    ['GSW_DIALING', attempt.times.dialing],
    ['GSW_RINGING', attempt.times.ringing],
    ['GSW_CPD_COMPLETED', attempt.times.cpdCompleted],
    ['GSW_ANSWERED', attempt.times.answered],
    ['GSW_QUEUED', -1],
    ['GSW_AGENT_RINGING', attempt.times.agentAnswered],
    ['GSW_AGENT_ANSWERED', attempt.times.agentAnswered],
    ['GSW_DIVERTED', attempt.times.agentAnswered],
    ['GSW_ABANDONED', attempt.times.abandoned],
    ['GSW_RELEASED', attempt.times.released],
    ['GSW_AGENT_RELEASED', attempt.times.agentReleased],
    ['GSW_ACW_COMPLETED', attempt.times.acwCompleted],
    ['GSW_COMPLETE_PROCESSING', attempt.times.completeProcessing],
  ];
  const madeAt = seq === 0 ? attempt.times.dialing : attempt.times.completeProcessing;
  for (const [name, ms] of stages) if (ms >= 0 && ms <= madeAt) body[name] = epoch(ms);
  // [doc] seq 1 carries the call result; seq 0 is sent before there is one.
  if (seq === 1 && attempt.callResult !== null) body.GSW_CALL_RESULT = callResultCode(attempt.callResult);
  if (model.recordAttributes === 'later') {
    // [doc, later revisions] Attributes a record "can contain"; [model] values in the shape OCS gives them.
    // [model] One DBID per calling list (groups sharing a list give the same): its first group's DBID + 1000.
    body.GSW_CALLING_LIST_DBID = contact.list.groups[0].cfg.dbid + 1000;
    body.GSW_CAMPAIGN_TEMPLATE_NAME = `${g.campaign} Template`;
    const record = Number(contact.phone.replace(/\D/g, '').slice(-9)) || 0;
    body.GSW_CHAIN_ID = record;
    body.GSW_CHAIN_N = 0;
    body.GSW_D_STATE_CODE = '';
    body.GSW_TENANT_CCID = 101;
    // An agent only once one took the call ([model] agents are not told apart: one of the group's, by the record).
    if (attempt.times.agentAnswered >= 0 && attempt.times.agentAnswered <= madeAt) body.GSW_AGENT_ID = `Agent ${1 + (record % g.agents)}`;
  }
  return body;
}

/**
 * The body of a pre-dial validation request: [doc] OCS posts the record it
 * is about to dial; [model] the contact's attributes as a call report record
 * carries them, without an attempt (there is none yet).
 */
export function validationBody(model: ResolvedModel, contact: Contact): Record<string, string | number> {
  return { ...contactAttributes(model, contact.phone, contact.group.cfg), GSW_DIAL_MODE: dialMode(contact.group.cfg) };
}

/** The contact and its campaign group, as a record's body opens. */
function contactAttributes(model: ResolvedModel, phone: string, g: ResolvedGroup): Record<string, string | number> {
  return {
    GSW_TENANT_NAME: model.tenant,
    GSW_PHONE: phone,
    GSW_PHONE_TYPE: 'Direct Business Phone',
    GSW_CUSTOMER_ID: `C${phone}`,
    GSW_CAMPAIGN_DBID: g.dbid,
    GSW_CAMPAIGN_NAME: g.campaign,
    GSW_CALLING_LIST: g.callingList,
    GSW_CAMPAIGN_GROUP_NAME: g.name,
    GSW_CAMPAIGN_GROUP_GUID: `CG-${g.dbid}`,
  };
}

const dialMode = (g: ResolvedGroup) => g.dialMode[0].toUpperCase() + g.dialMode.slice(1);
