import { type ClientEvent, type ClientSettings, type ClientVerdict, clientVerdict } from '../clientVerdict.ts';

/** The verdict follows this many requests (about 100 bytes each), then judges those. */
const MAX_VERDICT_REQUESTS = 1_000_000;

/**
 * The faults serve injected itself, kept apart from what the client did:
 * the checks count them as failures the client saw (as OCS would), never as
 * the client's doing.
 */
export interface FaultsInjected {
  /** Failure statuses the scenario's external system decided (outages, errors, over capacity). */
  failureAnswers: number;
  refused: number;
  hangs: number;
  requestLoss: number;
  responseLoss: number;
}

export type ServeVerdict = ClientVerdict & { requestsFollowed: number; requestsTaken: number; faultsInjected: FaultsInjected };

/** What the client did and what serve did to it, for the verdict on the client. */
export class VerdictBook {
  readonly faultsInjected: FaultsInjected = { failureAnswers: 0, refused: 0, hangs: 0, requestLoss: 0, responseLoss: 0 };
  private readonly seen: ClientEvent[] = [];
  private requestsTaken = 0;
  /** When the verdict stopped following new requests (its memory is bounded), or null. */
  private fullAt: number | null = null;

  constructor(private readonly settings: ClientSettings) {}

  /** The number of the next request the server takes. */
  take(): number {
    return this.requestsTaken++;
  }

  note(event: ClientEvent): void {
    if (event.id < MAX_VERDICT_REQUESTS) this.seen.push(event);
    else this.fullAt ??= event.t;
  }

  /** Past its bound the verdict judges the requests it followed, as of when it stopped following. */
  verdict(now: number): ServeVerdict {
    return {
      faultsInjected: { ...this.faultsInjected },
      ...clientVerdict(this.seen, this.settings, this.fullAt ?? now),
      requestsFollowed: Math.min(this.requestsTaken, MAX_VERDICT_REQUESTS),
      requestsTaken: this.requestsTaken,
    };
  }
}
