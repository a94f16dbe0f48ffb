import { createWriteStream, type WriteStream } from 'node:fs';
import type { RealTimeDriver } from '../realTimeDriver.ts';

/** What a log line says about the request it is about. */
export interface LoggedRequest {
  path: string;
  body: Record<string, unknown>;
  kind: string;
  seq: number;
}

/** serve's request log (--log): one JSON line per request and per decision on it. */
export class RequestLog {
  private readonly stream: WriteStream | null;

  constructor(
    file: string | undefined,
    private readonly clock: RealTimeDriver,
  ) {
    this.stream = file === undefined ? null : createWriteStream(file, { flags: 'a' });
  }

  /** Whether there is a log: a line's extras can cost a look at the model, spared when there is none. */
  get enabled(): boolean {
    return this.stream !== null;
  }

  write(request: LoggedRequest, decision: string, extra: Record<string, unknown> = {}): void {
    if (this.stream === null) return;
    this.stream.write(
      `${JSON.stringify({ t: wallMs(this.clock), path: request.path, guid: request.body.GSW_CALL_ATTEMPT_GUID ?? null, seq: request.kind === 'record' ? request.seq : null, decision, ...extra })}\n`,
    );
  }

  close(): Promise<void> {
    return new Promise<void>((r) => (this.stream === null ? r() : this.stream.end(() => r())));
  }
}

/** The schedule's time in milliseconds to the microsecond, as the log and the control API show it. */
export function wallMs(clock: RealTimeDriver): number {
  return Math.round(clock.now * 1000) / 1000;
}
