import type { TraceLine } from '../../sim/observer.ts';
import type { RunFacts } from '../runFacts.ts';
import type { Fold, RunEnd, Step } from './step.ts';

/**
 * What OCS met on the way: the network's faults, and the external system's
 * requests, queue and stores under its storage policy. Its lines carry
 * their own flags (queue length, duplicate, stale overwrite, stored seq):
 * each is checked against what the lines before it make it.
 */
export class ExternalFold implements Fold<ReturnType<ExternalFold['result']>> {
  private refused = 0;
  private lostResponses = 0;
  private lateResponses = 0;
  private requests = 0;
  private rejectedOverCapacity = 0;
  /** The external system's queue as its request and dequeued lines make it (first in, first out). */
  private readonly queue: string[] = [];
  private peakQueue = 0;
  private stored = 0;
  private duplicates = 0;
  private staleOverwrites = 0;
  private finalNotSeq1 = 0;
  /** The seq the external system holds for each attempt, by the storage policy. */
  private readonly storedSeq = new Map<string, number>();
  private readonly storedTimes = new Set<string>();
  private queueLinesDisagreeing = 0;
  private storedLinesDisagreeing = 0;
  private finalNotSeq1Wrong = 0;

  /** `restarts.cut`: the attempts whose seq 1 a restart took, read at the end. */
  constructor(
    private readonly facts: RunFacts,
    private readonly restarts: { readonly cut: ReadonlySet<string> },
  ) {}

  line({ line }: Step): void {
    if (line.entity === 'network') {
      if (line.event === 'refused') this.refused++;
      else if (line.event === 'response-loss') this.lostResponses++;
      else if (line.event === 'lateResponse') this.lateResponses++;
    } else if (line.entity === 'external') {
      if (line.event === 'request') {
        this.requests++;
        if (line.outcome === 'rejected') this.rejectedOverCapacity++;
        else if (line.outcome === 'queued') {
          this.queue.push(String(line.request));
          this.peakQueue = Math.max(this.peakQueue, this.queue.length);
        }
        if (line.queued !== this.queue.length) this.queueLinesDisagreeing++;
      } else if (line.event === 'dequeued') {
        if (this.queue.shift() !== line.request || line.queued !== this.queue.length) this.queueLinesDisagreeing++;
      } else if (line.event === 'stored') this.store(line);
      else if (line.event === 'finalNotSeq1') {
        this.finalNotSeq1++;
        const guid = String(line.guid);
        if ((this.storedSeq.get(guid) ?? -1) === 1 || this.facts.attempts.get(guid)?.finalizedAt == null) this.finalNotSeq1Wrong++;
      }
    }
  }

  private store(line: TraceLine): void {
    const guid = String(line.guid);
    const seq = Number(line.seq);
    const policy = this.facts.model.externalSystem.storagePolicy;
    this.stored++;
    const duplicate = this.storedTimes.has(`${guid}:${seq}`);
    if (duplicate) this.duplicates++;
    this.storedTimes.add(`${guid}:${seq}`);
    // The storage policies by definition: by-sequence keeps the highest seq, last-write-wins the latest.
    const current = this.storedSeq.get(guid) ?? -1;
    const stale = policy === 'last-write-wins' && current === 1 && seq === 0;
    if (stale) this.staleOverwrites++;
    this.storedSeq.set(guid, policy === 'by-sequence' ? Math.max(current, seq) : seq);
    // The line's own flags must say the same.
    if (line.duplicate !== duplicate || line.staleOverwrite !== stale || line.storedSeq !== this.storedSeq.get(guid)) this.storedLinesDisagreeing++;
  }

  result(_end: RunEnd) {
    return {
      lateResponses: this.lateResponses,
      network: { refused: this.refused, lostResponses: this.lostResponses },
      external: {
        requests: this.requests,
        stored: this.stored,
        duplicates: this.duplicates,
        staleOverwrites: this.staleOverwrites,
        rejectedOverCapacity: this.rejectedOverCapacity,
        peakQueue: this.peakQueue,
        finalNotSeq1: this.finalNotSeq1,
        seq0OnlyAfterRestarts: [...this.restarts.cut].filter((guid) => this.storedSeq.get(guid) === 0).length,
      },
      /** Trace lines whose own flags contradict what the trace shows (0 when the trace is consistent). */
      consistency: {
        storedLinesDisagreeing: this.storedLinesDisagreeing,
        finalNotSeq1Wrong: this.finalNotSeq1Wrong,
        queueLinesDisagreeing: this.queueLinesDisagreeing,
      },
    };
  }
}
