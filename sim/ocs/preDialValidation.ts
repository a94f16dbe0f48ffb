import type { Contact, HttpRequest, Validation } from './entities.ts';
import { contactEntity } from '../traceEntities.ts';
import type { Ocs } from './ocs.ts';

/**
 * Pre-dial validation [doc]: 200 dial, 409 do not dial (apply the call result
 * from the body), timeout: apply validation-timeout-call-result. The request
 * times out on http-response-timeout (the pre-dial validation page's option,
 * not history-http-response-timeout). [model] It uses the pool; any other
 * answer is treated like a timeout.
 */
export class PreDialValidation {
  /** Validations under way, waiting for a connection or sent. */
  readonly underWay = new Set<Validation>();

  constructor(private readonly ocs: Ocs) {}

  request(contact: Contact): void {
    const validation: Validation = { kind: 'validation', contact, waitingSince: 0, request: null, timer: null };
    this.underWay.add(validation);
    this.ocs.counters.validations.add('requests');
    this.ocs.pool.acquire(validation);
  }

  /** The pool granted a connection: the request goes out. */
  send(validation: Validation): void {
    const ocs = this.ocs;
    const request: HttpRequest = { kind: 'validation', seq: 0, stored: null, from: validation, abandoned: false, orphaned: false, status: 0 };
    validation.request = request;
    validation.timer = ocs.kernel.schedule(validation.contact.group.cfg.options.validationHttpResponseTimeoutMs, this.timedOut, validation);
    ocs.trace?.({ t: ocs.kernel.now, entity: contactEntity(validation.contact.phone), event: 'validationSent', group: validation.contact.group.cfg.name });
    ocs.wire.send(request);
  }

  answered(validation: Validation, status: number): void {
    this.ocs.kernel.cancel(validation.timer!);
    this.done(validation, status === 200 ? 'approved' : status === 409 ? 'rejected' : 'timeout');
  }

  /** [model] OCS stops: every validation under way is abandoned and its contact goes back to the list. */
  dropAll(): void {
    const ocs = this.ocs;
    const c = ocs.counters;
    for (const validation of this.underWay) {
      if (validation.timer !== null) ocs.kernel.cancel(validation.timer);
      if (validation.request !== null) validation.request.abandoned = validation.request.orphaned = true;
      c.validationsDropped++;
      c.validations.add('dropped');
      ocs.trace?.({ t: ocs.kernel.now, entity: contactEntity(validation.contact.phone), event: 'validationDropped', group: validation.contact.group.cfg.name });
      ocs.dialer.putBack(validation.contact);
    }
    this.underWay.clear();
  }

  private readonly timedOut = (validation: Validation): void => {
    validation.request!.abandoned = true;
    this.done(validation, 'timeout');
  };

  private done(validation: Validation, outcome: 'approved' | 'rejected' | 'timeout'): void {
    const ocs = this.ocs;
    const contact = validation.contact;
    const group = contact.group;
    this.underWay.delete(validation);
    ocs.counters.validations.add(outcome);
    ocs.pool.release();
    ocs.trace?.({ t: ocs.kernel.now, entity: contactEntity(contact.phone), event: `validation:${outcome}`, group: group.cfg.name });
    if (outcome === 'approved') {
      if (group.m.state !== 'running') return ocs.dialer.giveBack(contact);
      return ocs.dialer.dial(contact);
    }
    const result = outcome === 'rejected' ? ocs.model.externalSystem.validationRejectCallResult : group.cfg.options.validationTimeoutCallResult;
    ocs.dialer.applyTreatment(contact, result);
    ocs.dialer.unreserve(group);
  }
}
