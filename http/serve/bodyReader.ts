import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { utf8 } from '../requestParts.ts';

const MAX_BODY_BYTES = 1 << 20;

/** Answers a request that cannot be served with its status and the reason. */
export type Fail = (res: ServerResponse, status: number, reason: string) => void;

/**
 * Reads JSON object bodies of at most 1 MB, or answers 400 / 413 with the
 * reason. A client that has not sent its whole body within the timeout is cut
 * off: one sweeping timer for all of them, as node:http checks its own
 * timeouts, because a timer armed and cleared per request cost a tenth of
 * the server's time under load.
 */
export class BodyReader {
  private readonly reading = new Map<IncomingMessage, number>();
  private sweep: NodeJS.Timeout | null = null;

  constructor(private readonly timeoutMs: number) {}

  read(req: IncomingMessage, res: ServerResponse, done: (body: Record<string, unknown>, text: string) => void, fail: Fail): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    this.reading.set(req, performance.now());
    this.sweep ??= setInterval(() => this.cutSlowClients(), Math.max(10, Math.min(1000, this.timeoutMs / 4))).unref();
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        over = true;
        this.reading.delete(req);
        fail(res, 413, `body over ${MAX_BODY_BYTES} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => this.reading.delete(req));
    req.on('end', () => {
      this.reading.delete(req);
      if (over) return;
      let text: string;
      try {
        text = utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      } catch {
        return fail(res, 400, 'body is not valid UTF-8: OCS posts JSON in UTF-8, and a byte that is not would change the GUID');
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        return fail(res, 400, `body is not JSON: ${(err as Error).message.split('\n')[0]}`);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(res, 400, 'body: expected a JSON object of GSW_* attributes');
      done(body as Record<string, unknown>, text);
    });
  }

  stop(): void {
    if (this.sweep !== null) clearInterval(this.sweep);
    this.sweep = null;
  }

  private cutSlowClients(): void {
    const now = performance.now();
    // A Map iterates in insertion order: the oldest reads come first.
    for (const [req, since] of this.reading) {
      if (now - since < this.timeoutMs) break;
      this.reading.delete(req);
      req.destroy();
    }
  }
}
