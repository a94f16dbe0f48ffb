import type { EventObject } from 'xstate';
import { callReportRecordMachine } from '../../machines/callReportRecord.ts';
import { campaignGroupMachine } from '../../machines/campaignGroup.ts';
import { groupRecoveryTimerMachine } from '../../machines/groupRecoveryTimer.ts';
import type { EngineName } from '../kernel/engine.ts';
import type { Kernel } from '../kernel/kernel.ts';
import { MachineHost, unstarted, type HostedEntity } from '../kernel/machineHost.ts';
import { FirstZeroAfter } from '../kernel/metrics.ts';
import { sampler, type RandomStreams } from '../kernel/random.ts';
import type { RunObserver } from '../observer.ts';
import { groupEntity, recordEntity, recoveryTimerEntity } from '../traceEntities.ts';
import type { MachineLine } from '../traceLineTypes.ts';
import { lastOutageEndMs, type ResolvedModel } from '../scenario/resolve.ts';
import { ConnectionPool } from './connectionPool.ts';
import { Dialer } from './dialer.ts';
import type { Attempt } from './attempt.ts';
import { newCounters, type OcsCounters } from './counters.ts';
import { CallingListRuntime, CallReportRecord, GroupRuntime, UnconfirmedRecords, type Contact, type RecoveryTimer, type Validation } from './entities.ts';
import { groupActions, recoveryTimerActions } from './groupActions.ts';
import { PreDialValidation } from './preDialValidation.ts';
import { recordActions, responseArrived, settleAttempt } from './recordActions.ts';
import { ocsStarted, ocsStopped } from './restarts.ts';
import type { Wire, WireSink } from './wire.ts';

/**
 * The modelled OCS with its network and external system. The machines in
 * `machines/` decide every state change of records, campaign groups and
 * recovery timers; their action tables give each named action its meaning
 * (`recordActions.ts`, `groupActions.ts`), and one host per machine
 * (`../kernel/machineHost.ts`) steps them and runs their timers on the
 * kernel's virtual clock. Here the parts meet: call report records kept until
 * confirmed, the connection pool, the wire, pre-dial validation
 * (`preDialValidation.ts`), restarts (`restarts.ts`). Dialing, calls and
 * treatments are the dialer's (`dialer.ts`).
 */

const CONNECTION_ACQUIRED: EventObject = Object.freeze({ type: 'CONNECTION_ACQUIRED' });
const START: EventObject = Object.freeze({ type: 'START' });
const STOP: EventObject = Object.freeze({ type: 'STOP' });

export class Ocs<W extends Wire = Wire> {
  readonly groups: GroupRuntime[];
  readonly counters: OcsCounters = newCounters();
  /** Records OCS keeps: created and not yet confirmed by 200 OK. */
  readonly unconfirmed = new UnconfirmedRecords();
  /** When, after the last outage, no record was marked for re-submission any more (the recovery probe). */
  readonly backlogClear: FirstZeroAfter;
  /**
   * What carries its requests to the external system: in simulation the
   * network and external-system models; the OCS logic cannot tell which.
   */
  readonly wire: W;
  readonly pool: ConnectionPool<CallReportRecord | Validation>;
  readonly recordMachines: MachineHost<typeof callReportRecordMachine, CallReportRecord>;
  readonly groupMachines: MachineHost<typeof campaignGroupMachine, GroupRuntime>;
  readonly recoveryMachines: MachineHost<typeof groupRecoveryTimerMachine, RecoveryTimer>;
  /** Public for a drive to set its run id (the first group of every GUID). */
  readonly dialer: Dialer;
  readonly validation: PreDialValidation;
  readonly trace: RunObserver['trace'];
  readonly log: RunObserver['log'];
  /** OCS is down (between the two ends of an `ocsRestarts` entry). */
  down = false;
  /** Attempts a restart took the seq 1 of (a dropped call, or a lost seq 1): what the external system is left holding. */
  readonly attemptsCutByRestarts = new Set<Attempt>();

  constructor(
    readonly model: ResolvedModel,
    readonly kernel: Kernel,
    random: RandomStreams,
    engine: EngineName,
    observer: RunObserver,
    connectWire: (sink: WireSink, counters: OcsCounters) => W,
  ) {
    const trace = (this.trace = observer.trace);
    this.log = observer.log;
    this.validation = new PreDialValidation(this);
    this.dialer = new Dialer(model.seed, kernel, this.counters, this.trace, this.log, {
      createRecord: (attempt, seq) => this.createRecord(attempt, seq),
      validate: (contact) => this.validation.request(contact),
    });
    this.backlogClear = new FirstZeroAfter(lastOutageEndMs(model));
    this.pool = new ConnectionPool(model.httpConnectionPoolSize, kernel, this.counters, this.granted);
    // The trace names each machine's entity and shows the event that moved it and the state it reached.
    // The machines name their events (strings here), so the line is cast: the trace tests hold every run's lines to the catalogue.
    const stepped =
      <E extends HostedEntity>(label: (entity: E) => MachineLine['entity']) =>
      (entity: E, event: EventObject): void =>
        trace!({
          t: kernel.now,
          entity: label(entity),
          event: event.type,
          state: entity.m.state,
          ...('status' in event ? { status: event.status } : {}),
          ...('count' in event ? { count: event.count } : {}),
        } as MachineLine);
    const recordLabel = (record: CallReportRecord) => recordEntity(record.attempt.guid, record.seq);
    this.recordMachines = new MachineHost(callReportRecordMachine, engine, recordActions(this), kernel, {
      started: trace && ((record) => trace({ t: kernel.now, entity: recordLabel(record), event: 'created', state: record.state })),
      stepped: trace && stepped(recordLabel),
    });
    this.groupMachines = new MachineHost(campaignGroupMachine, engine, groupActions(this), kernel, {
      stepped: trace && stepped((group: GroupRuntime) => groupEntity(group.cfg.name)),
    });
    this.recoveryMachines = new MachineHost(groupRecoveryTimerMachine, engine, recoveryTimerActions(this), kernel, {
      stepped: trace && stepped((recovery: RecoveryTimer) => recoveryTimerEntity(recovery.group.cfg.name)),
    });
    this.wire = connectWire(
      { answered: (request) => responseArrived(this, request), served: (request) => settleAttempt(this, request.stored as Attempt) },
      this.counters,
    );
    const restarts = { recordsAfterRestart: model.recordsAfterRestart, any: model.ocsRestarts.length > 0 };
    this.groups = model.groups.map((cfg) => new GroupRuntime(cfg, model.recoveryTimer, random, restarts));
    const lists = new Map<string, CallingListRuntime>();
    for (const group of this.groups) {
      const { callingList, callingListSize, firstPhone } = group.cfg;
      let list = lists.get(callingList);
      if (list === undefined) lists.set(callingList, (list = new CallingListRuntime(callingList, callingListSize, firstPhone)));
      list.groups.push(group);
      group.list = list;
    }
    if (lists.size > 1) for (const list of lists.values()) list.requestPrefix = `${list.name}/`;
    for (const group of this.groups) {
      this.groupMachines.start(group);
      if (model.recoveryTimer === 'batch') {
        const context = { historyWaitRecoveryTimeoutMs: group.cfg.options.historyWaitRecoveryTimeoutMs };
        group.recovery = { m: unstarted(context), timer: null, timerId: null, timerEvent: null, group };
        this.recoveryMachines.start(group.recovery);
      }
      // A group whose start time is not within the dialing period stays loaded until it is stopped.
      if (group.cfg.startAtMs < model.durationMs) kernel.schedule(group.cfg.startAtMs, this.startGroup, group);
      kernel.schedule(model.durationMs, this.stopGroup, group);
    }
    for (const restart of model.ocsRestarts) {
      kernel.schedule(restart.fromMs, (window) => ocsStopped(this, window), restart);
      kernel.schedule(restart.untilMs, () => ocsStarted(this), restart);
    }
    if (model.syntheticRecordsPerSecond > 0) {
      const gap = sampler({ distribution: 'exponential', mean: 1000 / model.syntheticRecordsPerSecond }, random.stream('synthetic'));
      const group = this.groups[0];
      const arrive = (): void => {
        if (group.m.state === 'stopped') return;
        // Nothing is created while OCS is down.
        if (group.m.state !== 'loaded' && !this.down) {
          const contact: Contact = { phone: `S${this.counters.recordsCreated}`, list: group.list, group, attempts: 0, treatmentCounts: null, unconfirmed: 0 };
          this.createRecord(this.dialer.newAttempt(contact), 0);
        }
        kernel.schedule(gap(), arrive, undefined);
      };
      kernel.schedule(gap(), arrive, undefined);
    }
  }

  /** Nothing left to do: groups stopped, no call, no record kept, no validation. */
  get quiescent(): boolean {
    if (this.unconfirmed.size > 0 || this.validation.underWay.size > 0) return false;
    for (const g of this.groups) if (g.m.state !== 'stopped' || g.callsInProgress > 0) return false;
    return true;
  }

  get poolLevel(): { inUse: number; waiting: number } {
    return this.pool.level;
  }

  // Campaign groups: started and stopped on the virtual clock (dialing itself is the dialer's).
  private readonly startGroup = (group: GroupRuntime): void => void this.groupMachines.send(group, START);
  private readonly stopGroup = (group: GroupRuntime): void => void this.groupMachines.send(group, STOP);

  /** [doc] OCS posts a call report record and keeps it until a 200 OK confirms it. */
  private createRecord(attempt: Attempt, seq: 0 | 1): void {
    const record = new CallReportRecord(attempt, seq, attempt.group.recordContext);
    this.counters.recordsCreated++;
    this.unconfirmed.add(record);
    attempt.unconfirmed++;
    attempt.contact.unconfirmed++;
    this.recordMachines.start(record);
  }

  /** The pool granted a connection to the longest waiter. */
  private readonly granted = (waiter: CallReportRecord | Validation): void => {
    if (waiter.kind === 'record') this.recordMachines.send(waiter, CONNECTION_ACQUIRED);
    else this.validation.send(waiter);
  };
}
