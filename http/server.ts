import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Kernel } from '../sim/kernel/kernel.ts';
import { RandomStreams } from '../sim/kernel/random.ts';
import { resolve, type ResolvedModel } from '../sim/scenario/resolve.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { Network } from '../sim/world/network.ts';
import { clientSettingsOf } from './clientVerdict.ts';
import { Journal } from './journal.ts';
import { RealTimeDriver } from './realTimeDriver.ts';
import { RecordStore } from './recordStore.ts';
import { Answers, OpenRequests } from './serve/answers.ts';
import { Arrivals, servedExternalSystem } from './serve/arrivals.ts';
import { BodyReader } from './serve/bodyReader.ts';
import { ControlApi } from './serve/controlApi.ts';
import { RequestLog } from './serve/requestLog.ts';
import { serveRoutes } from './serve/routes.ts';
import { shutdownOf } from './serve/shutdown.ts';
import { SocketFaults } from './serve/socketFaults.ts';
import { type ServeVerdict, VerdictBook } from './serve/verdictBook.ts';
import { ServeMetrics } from './serveMetrics.ts';

export { INJECTED_FAULT_HEADER, NETWORK_FAULTS_HEADER } from './serve/answers.ts';
export type { FaultsInjected, ServeVerdict } from './serve/verdictBook.ts';

/**
 * `ocs-sim serve`: the scenario's external system as a real HTTP server a
 * real OCS (or `ocs-sim drive`) can post to. What it does with each request
 * (service time, capacity, errors, outages, storage policy) is decided by the
 * same external-system model `ocs-sim run` simulates (sim/world/externalSystem.ts),
 * on a kernel driven by the wall clock; with `networkFaults` the scenario's
 * network model decides each request's fate too, applied at the socket.
 */
export interface ServeOptions {
  scenario: Scenario;
  host: string;
  port: number;
  seed?: number;
  /** Apply the scenario's network faults at the socket (refused, hang, request loss, response loss, latency). */
  networkFaults?: boolean;
  /** Schedule time 0: the first request of any kind (default) or the server's start. */
  clock?: 'first-request' | 'start';
  /** Journal of stored records: a 200 is sent only once the record is in it, durably. */
  journal?: string;
  /** One JSON line per request. */
  log?: string;
  /** HTTPS with this certificate and key (PEM files), as a real OCS with an https history-uri needs. */
  tls?: { cert: string; key: string };
  /** A client that has not sent its whole request within this is cut off (10 s unless given). */
  clientTimeoutMs?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly model: ResolvedModel;
  /** Attempts restored from the journal at start. */
  readonly restored: number;
  /** Where records and validation requests are posted: the paths of the scenario's history-uri and validation-uri. */
  readonly paths: { history: string; validation: string };
  /** Whether the client behaved as the documentation says OCS does, judged now. */
  verdict(): ServeVerdict;
  /** Stops accepting, finishes requests in service, flushes the journal and the log. */
  close(): Promise<void>;
}

/** A client that has not sent its whole request within this is cut off (it holds no service slot meanwhile). */
const CLIENT_TIMEOUT_MS = 10_000;

export class BadServeSetup extends Error {}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const model = resolve(options.scenario, options.seed ?? options.scenario.seed);
  const networkFaults = options.networkFaults ?? false;
  const clientTimeoutMs = options.clientTimeoutMs ?? CLIENT_TIMEOUT_MS;
  const kernel = new Kernel();
  const clock = new RealTimeDriver(kernel);
  const random = new RandomStreams(model.seed);
  const network = new Network(model.network, random);
  const store = new RecordStore();
  const metrics = new ServeMetrics();
  const paths = { history: pathOf(options.scenario.ocs['history-uri']), validation: pathOf(options.scenario.ocs['validation-uri']) };
  const { journal, restored } = openJournal(options.journal, store);
  const bodies = new BodyReader(clientTimeoutMs);
  const log = new RequestLog(options.log, clock);
  const open = new OpenRequests();
  const book = new VerdictBook(clientSettingsOf(options.scenario, model));
  const verdict = () => book.verdict(clock.now);

  const answers = new Answers({ model, clock, open, metrics, book, log, journal, networkFaults });
  const socketFaults = new SocketFaults({ enabled: networkFaults, network, kernel, clock, answers, book, metrics, log });
  const external = servedExternalSystem(model, kernel, random, socketFaults.carryAnswer, store, journal);
  const arrivals = new Arrivals({ clock, external, store, open, answers, socketFaults, book, log });
  const control = new ControlApi({ scenario: options.scenario, seed: model.seed, networkFaults, clock, kernel, external, network, bodies, fail: answers.fail });
  const routes = serveRoutes({ paths, arrivals, control, bodies, fail: answers.fail, store, metrics, external, clock, kernel, verdict });

  const server = httpServer(routes, options.tls, clientTimeoutMs);
  const port = await listen(server, options.host, options.port);
  if (options.clock === 'start') clock.start();
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    model,
    restored,
    paths: { ...paths },
    verdict,
    close: shutdownOf({ server, open, clock, bodies, journal, log }),
  };
}

/** The journal of stored records, if serve keeps one, and the attempts it brought back into the store. */
function openJournal(file: string | undefined, store: RecordStore): { journal: Journal | null; restored: number } {
  if (file === undefined) return { journal: null, restored: 0 };
  const opened = Journal.open(file);
  return { journal: opened.journal, restored: store.restore(opened.entries, file) };
}

function httpServer(routes: RequestListener, tls: ServeOptions['tls'], clientTimeoutMs: number): Server {
  const server: Server = tls === undefined ? createServer(routes) : createTlsServer(tlsFiles(tls), routes);
  // Hangs are deliberate: Node must not cut them (requestTimeout) nor answer 408 itself.
  server.requestTimeout = 0;
  server.headersTimeout = clientTimeoutMs;
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Listens on host:port (0: any free port) and resolves with the port; a port in use or forbidden is a BadServeSetup naming it. */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((listening, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new BadServeSetup(
          err.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use`
            : err.code === 'EACCES'
              ? `no permission to listen on ${host}:${port}`
              : `cannot listen on ${host}:${port}: ${err.message}`,
        ),
      );
    });
    server.listen(port, host, () => listening());
  });
  return (server.address() as AddressInfo).port;
}

export function tlsFiles(tls: { cert: string; key: string }): { cert: Buffer; key: Buffer } {
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new BadServeSetup(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`);
    }
  };
  return { cert: read('certificate', tls.cert), key: read('key', tls.key) };
}

/** The path part of an OCS URI option (`http://host/ocs/history` -> `/ocs/history`). */
export function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return uri.startsWith('/') ? uri : `/${uri}`;
  }
}
