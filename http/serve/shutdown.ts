import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Journal } from '../journal.ts';
import type { RealTimeDriver } from '../realTimeDriver.ts';
import type { OpenRequests } from './answers.ts';
import type { BodyReader } from './bodyReader.ts';
import type { RequestLog } from './requestLog.ts';

/** How long requests in service get to be answered before the connections are cut. */
const FINISH_IN_SERVICE_MS = 10_000;

export interface ShutdownDeps {
  server: Server;
  open: OpenRequests;
  clock: RealTimeDriver;
  bodies: BodyReader;
  journal: Journal | null;
  log: RequestLog;
}

/**
 * Stops accepting, finishes requests in service, flushes the journal and the
 * log. Called again (SIGTERM after close, say), it returns the same promise:
 * the journal and the log are closed once.
 */
export function shutdownOf(d: ShutdownDeps): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= shutDown(d));
}

async function shutDown({ server, open, clock, bodies, journal, log }: ShutdownDeps): Promise<void> {
  server.close();
  // Held requests never finish: cut them; those in service get their answer (bounded).
  for (const res of open.held) res.socket?.destroy();
  const deadline = performance.now() + FINISH_IN_SERVICE_MS;
  while (open.inService.size > 0 && performance.now() < deadline) {
    clock.pump();
    await new Promise((r) => setTimeout(r, 5));
  }
  clock.stop();
  bodies.stop();
  server.closeAllConnections();
  await journal?.close();
  await log.close();
}
