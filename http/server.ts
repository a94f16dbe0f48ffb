import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ExternalSystem, type Arrival } from '../sim/world/externalSystem.ts';
import { Kernel } from '../sim/kernel/kernel.ts';
import { Network } from '../sim/world/network.ts';
import { RandomStreams } from '../sim/kernel/random.ts';
import { callResultCode, resolve, type ResolvedModel } from '../sim/scenario/resolve.ts';
import { Duration, type Scenario } from '../sim/scenario/scenario.ts';
import { durationMs, formatDuration } from '../sim/scenario/durations.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { clientSettingsOf } from './clientVerdict.ts';
import { Journal } from './journal.ts';
import { RealTimeDriver } from './realTimeDriver.ts';
import { type HeldAttempt, RecordStore } from './recordStore.ts';
import { decodedGuid, pathOfTarget, statedDialSeconds } from './requestParts.ts';
import { BodyReader, type Fail } from './serve/bodyReader.ts';
import { RequestLog, wallMs } from './serve/requestLog.ts';
import { type ServeVerdict, VerdictBook } from './serve/verdictBook.ts';
import { ServeMetrics } from './serveMetrics.ts';

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

/** Marks an answer whose status is a fault serve's scenario injected (drive reads it). */
export const INJECTED_FAULT_HEADER = 'x-ocs-sim-fault';
/** On every answer of a serve that injects network faults (hangs, lost responses: no answer to mark). */
export const NETWORK_FAULTS_HEADER = 'x-ocs-sim-network-faults';

/** A client that has not sent its whole request within this is cut off (it holds no service slot meanwhile). */
const CLIENT_TIMEOUT_MS = 10_000;

/** A request as the external-system model sees it, with what serve needs to answer it. */
interface ServeArrival extends Arrival {
  stored: HeldAttempt | null;
  body: Record<string, unknown>;
  /** The body as it came, the JSON text of `body`. */
  bodyText: string;
  path: string;
  res: ServerResponse;
  receivedAt: number;
  /** Its number among the requests the server took (the verdict follows it). */
  id: number;
}

export class BadServeSetup extends Error {}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const model = resolve(options.scenario, options.seed ?? options.scenario.seed);
  /** The scenario in force: the control API replaces its fault sections. */
  let current = options.scenario;
  const clientTimeoutMs = options.clientTimeoutMs ?? CLIENT_TIMEOUT_MS;
  const kernel = new Kernel();
  const clock = new RealTimeDriver(kernel);
  const random = new RandomStreams(model.seed);
  const network = new Network(model.network, random);
  const store = new RecordStore();
  const metrics = new ServeMetrics();
  const historyPath = pathOf(options.scenario.ocs['history-uri']);
  const validationPath = pathOf(options.scenario.ocs['validation-uri']);
  let journal: Journal | null = null;
  let restored = 0;
  if (options.journal !== undefined) {
    const opened = Journal.open(options.journal);
    journal = opened.journal;
    restored = store.restore(opened.entries, options.journal);
  }
  const bodies = new BodyReader(clientTimeoutMs);
  const log = new RequestLog(options.log, clock);
  /** Requests being served or waiting to be answered, and those held for ever (a hang): SIGTERM finishes the first, cuts the second. */
  const inService = new Set<ServerResponse>();
  const held = new Set<ServerResponse>();

  const book = new VerdictBook(clientSettingsOf(options.scenario, model));
  const verdict = () => book.verdict(clock.now);

  const answer = (arrival: ServeArrival, status: number) => {
    const { res } = arrival;
    const body = status === 409 && arrival.kind === 'validation' ? { GSW_CALL_RESULT: callResultCode(model.externalSystem.validationRejectCallResult) } : {};
    const send = () => {
      inService.delete(res);
      if (res.destroyed) return;
      metrics.answered(arrival.path, status, (performance.now() - arrival.receivedAt) / 1000);
      if (status !== 200 && !(arrival.kind === 'validation' && status === 409)) book.faultsInjected.failureAnswers++;
      book.note({ t: clock.now, kind: 'answered', id: arrival.id, status });
      log.write(arrival, 'answered', { status });
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...faultHeaders(arrival.kind, status) }).end(text);
    };
    // A record is acknowledged only once it is on disk.
    if (status === 200 && arrival.kind === 'record' && journal !== null) journal.durable().then(send, () => fail(res, 503, 'the journal could not be written'));
    else send();
  };

  /**
   * Headers a client can tell serve's own faults by: a failure the scenario
   * decided (an outage, an error, over capacity) is marked, and with
   * --network-faults every answer says so (a hang or a lost response has no
   * answer to carry a mark). drive keeps them apart from the system's own.
   */
  const faultHeaders = (kind: 'record' | 'validation', status: number): Record<string, string> => ({
    ...(status !== 200 && !(kind === 'validation' && status === 409) ? { [INJECTED_FAULT_HEADER]: 'external-system' } : {}),
    ...(options.networkFaults ? { [NETWORK_FAULTS_HEADER]: 'on' } : {}),
  });

  const external = new ExternalSystem<ServeArrival>(
    model.externalSystem,
    kernel,
    random,
    (arrival, status) => {
      if (options.networkFaults && network.responseLost(kernel.now)) {
        // Stored (if it was a record), answered, and the answer never leaves: the client times out.
        book.faultsInjected.responseLoss++;
        hold(arrival, 'response-loss');
        return;
      }
      const latency = options.networkFaults ? network.latency() : 0;
      if (latency > 0) kernel.post(latency, () => answer(arrival, status), undefined);
      else answer(arrival, status);
    },
    {
      arrived: () => {},
      dequeued: () => {},
      answered: () => {},
      stored: (arrival) => {
        const a = arrival.stored!;
        // The model's policy decided which seq the attempt holds; its row is that seq's body.
        if (a.storedSeq === arrival.seq) store.keepRow(a, arrival.bodyText, arrival.body);
        journal?.appendLine(store.journalLine(a));
      },
    },
  );

  const hold = (arrival: ServeArrival, why: string) => {
    inService.delete(arrival.res);
    held.add(arrival.res);
    metrics.held++;
    book.note({ t: clock.now, kind: 'held', id: arrival.id });
    log.write(arrival, why);
    arrival.res.on('close', () => {
      held.delete(arrival.res);
      book.note({ t: clock.now, kind: 'closed', id: arrival.id });
    });
  };

  const fail: Fail = (res, status, reason) => {
    inService.delete(res);
    if (status === 400 || status === 413) metrics.badRequests++;
    if (res.destroyed || res.headersSent) return;
    res
      .writeHead(status, { 'content-type': 'application/json', ...(status === 413 ? { connection: 'close' } : {}) })
      .end(`${JSON.stringify({ error: reason })}\n`);
  };

  const arrive = (req: IncomingMessage, res: ServerResponse, path: string, kind: 'record' | 'validation', body: Record<string, unknown>, bodyText: string) => {
    if (!clock.started) clock.start();
    clock.pump();
    const receivedAt = performance.now();
    let seq: 0 | 1 = 0;
    let stored: HeldAttempt | null = null;
    if (kind === 'record') {
      const guid = body.GSW_CALL_ATTEMPT_GUID;
      const rawSeq = body.GSW_HIST_SEQUENCE_NUM;
      if (typeof guid !== 'string' || guid === '') return fail(res, 400, 'GSW_CALL_ATTEMPT_GUID: expected a non-empty string');
      if (rawSeq !== 0 && rawSeq !== 1 && rawSeq !== '0' && rawSeq !== '1') return fail(res, 400, 'GSW_HIST_SEQUENCE_NUM: expected 0 or 1');
      seq = Number(rawSeq) as 0 | 1;
      stored = store.attempt(guid);
    }
    const arrival: ServeArrival = { kind, seq, stored, body, bodyText, path, res, receivedAt, id: book.take() };
    const group = typeof body.GSW_CAMPAIGN_GROUP_NAME === 'string' ? body.GSW_CAMPAIGN_GROUP_NAME : '';
    const dialedAtS = stored === null ? undefined : statedDialSeconds(body);
    book.note({
      t: clock.now,
      kind: 'arrived',
      id: arrival.id,
      record: stored === null ? null : { guid: stored.guid, seq, group, ...(dialedAtS === undefined ? {} : { dialedAtS }) },
    });
    if (options.networkFaults) {
      const fate = network.requestFate(kernel.now);
      if (fate === 'refused') {
        book.faultsInjected.refused++;
        metrics.held++;
        book.note({ t: clock.now, kind: 'reset', id: arrival.id });
        log.write(arrival, 'refused');
        // The client sees the connection reset (OCS's 418).
        req.socket.resetAndDestroy();
        return;
      }
      if (fate === 'hang' || fate === 'request-loss') {
        if (fate === 'hang') book.faultsInjected.hangs++;
        else book.faultsInjected.requestLoss++;
        return hold(arrival, fate);
      }
    }
    if (stored !== null) stored.outstanding++;
    inService.add(res);
    if (log.enabled) log.write(arrival, 'arrived', { inService: external.busy, queued: external.queued });
    external.arrive(arrival);
    clock.pump();
  };

  /** Replaces the fault sections (network, externalSystem) of the scenario in force; the errors, or null when it took. */
  const replaceFaults = (fragment: Record<string, unknown>): string[] | null => {
    const unknown = Object.keys(fragment).filter((k) => k !== 'network' && k !== 'externalSystem');
    if (unknown.length > 0) return [`${unknown.join(', ')}: only network and externalSystem can be replaced at run time`];
    const checked = validateScenario({
      ...current,
      network: fragment.network ?? current.network,
      externalSystem: fragment.externalSystem ?? current.externalSystem,
    });
    if (!checked.ok) return checked.errors;
    current = checked.scenario;
    const next = resolve(current, model.seed);
    external.reconfigure(next.externalSystem);
    network.reconfigure(next.network);
    return null;
  };

  const control = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const show = () => {
      clock.pump();
      const state = {
        clock: { started: clock.started, nowMs: wallMs(clock) },
        networkFaults: options.networkFaults ?? false,
        outageInForce: clock.started ? external.outageAt(kernel.now) : null,
        network: current.network,
        externalSystem: current.externalSystem,
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(state, null, 2)}\n`);
    };
    if (req.method === 'GET' && path === '/control') {
      req.resume();
      return show();
    }
    if (req.method === 'PUT' && path === '/control/faults') {
      return bodies.read(
        req,
        res,
        (body) => {
          const errors = replaceFaults(body);
          if (errors !== null) return fail(res, 400, errors.join('; '));
          show();
        },
        fail,
      );
    }
    if (req.method === 'POST' && path === '/control/outage') {
      return bodies.read(
        req,
        res,
        (body) => {
          const asked = outageRequest(body);
          if (typeof asked === 'string') return fail(res, 400, asked);
          const { status, lengthMs } = asked;
          // An outage from now: the schedule's clock starts if it has not.
          if (!clock.started) clock.start();
          clock.pump();
          const from = Math.ceil(kernel.now);
          const outage = { from: formatDuration(from), until: formatDuration(from + lengthMs), status };
          const errors = replaceFaults({ externalSystem: { ...current.externalSystem, outages: [...current.externalSystem.outages, outage] } });
          if (errors !== null) return fail(res, 400, errors.join('; '));
          show();
        },
        fail,
      );
    }
    req.resume();
    fail(res, 405, `${req.method} is not allowed on ${path} (GET /control, PUT /control/faults, POST /control/outage)`);
  };

  const handle: RequestListener = (req, res) => {
    // The path alone; an absolute-form target (through a proxy) is parsed as a URL.
    const path = pathOfTarget(req.url ?? '/');
    if (path === null) {
      req.resume();
      return fail(res, 400, `request target ${JSON.stringify((req.url ?? '').slice(0, 80))}: expected a path such as ${historyPath}`);
    }
    if (path === '/control' || path.startsWith('/control/')) return control(req, res, path);
    if (req.method === 'POST' && (path === historyPath || path === validationPath)) {
      bodies.read(req, res, (body, text) => arrive(req, res, path, path === historyPath ? 'record' : 'validation', body, text), fail);
      return;
    }
    if (req.method === 'GET' && path.startsWith('/records/')) {
      const guid = decodedGuid(path.slice('/records/'.length));
      req.resume();
      if (guid === null)
        return fail(
          res,
          400,
          `GET /records/{guid}: ${JSON.stringify(path.slice('/records/'.length, '/records/'.length + 80))} is not a percent-encoded UTF-8 GUID (a % must be followed by two hex digits, and the bytes must be UTF-8)`,
        );
      const rows = store.rows(guid);
      res.writeHead(rows.length > 0 ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      clock.pump();
      const text = metrics.text(external.stats, {
        inService: external.busy,
        queued: external.queued,
        outageStatus: clock.started ? external.outageAt(kernel.now) : null,
        attempts: store.size,
      });
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
      return;
    }
    if (req.method === 'GET' && path === '/verdict') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(verdict(), null, 2)}\n`);
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const known = [historyPath, validationPath, '/metrics', '/healthz', '/verdict'].includes(path) || path.startsWith('/records/');
    req.resume();
    fail(
      res,
      known ? 405 : 404,
      known
        ? `${req.method} is not allowed on ${path}`
        : `no such path: ${path} (records: POST ${historyPath}, validation: POST ${validationPath}, GET /records/{guid}, /metrics, /healthz, /control)`,
    );
  };
  const server: Server = options.tls === undefined ? createServer(handle) : createTlsServer(tlsFiles(options.tls), handle);
  // Hangs are deliberate: Node must not cut them (requestTimeout) nor answer 408 itself.
  server.requestTimeout = 0;
  server.headersTimeout = clientTimeoutMs;
  server.keepAliveTimeout = 65_000;

  const port = await listen(server, options.host, options.port);
  if (options.clock === 'start') clock.start();

  let closing: Promise<void> | null = null;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    model,
    restored,
    paths: { history: historyPath, validation: validationPath },
    verdict,
    close: () =>
      (closing ??= (async () => {
        server.close();
        // Held requests never finish: cut them; those in service get their answer (bounded).
        for (const res of held) res.socket?.destroy();
        const deadline = performance.now() + 10_000;
        while (inService.size > 0 && performance.now() < deadline) {
          clock.pump();
          await new Promise((r) => setTimeout(r, 5));
        }
        clock.stop();
        bodies.stop();
        server.closeAllConnections();
        await journal?.close();
        await log.close();
      })()),
  };
}

/** A control API's `{status, for}` outage request (serve's and the proxy's), or what is wrong with it. */
export function outageRequest(body: Record<string, unknown>): { status: number; lengthMs: number } | string {
  const status = body.status ?? 503;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return 'status: expected an HTTP error status (400-599)';
  const length = Duration.safeParse(body.for);
  if (!length.success || durationMs(length.data) <= 0) return 'for: expected a duration above 0 with a unit, e.g. "2m"';
  const unknown = Object.keys(body).filter((k) => k !== 'status' && k !== 'for');
  if (unknown.length > 0) return `${unknown.join(', ')}: unknown field; allowed: status, for`;
  return { status, lengthMs: durationMs(length.data) };
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
