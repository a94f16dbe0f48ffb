import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { Kernel } from '../../sim/kernel/kernel.ts';
import { RandomStreams } from '../../sim/kernel/random.ts';
import { resolve, type ResolvedModel } from '../../sim/scenario/resolve.ts';
import type { Scenario } from '../../sim/scenario/scenario.ts';
import { Network } from '../../sim/world/network.ts';
import type { ClientEvent } from '../clientVerdict.ts';
import { Ledger, type Exchange, type Injected, type Outcome } from '../drive/ledger.ts';
import { RealTimeDriver } from '../realTimeDriver.ts';
import { pathOfTarget, utf8 } from '../requestParts.ts';
import { listen, pathOf, tlsFiles } from '../server.ts';
import { ProxyControl, CONTROL_PREFIX } from './control.ts';
import { ProxyCounters } from './counters.ts';
import { OcsSide } from './ocsSide.ts';
import type { Trigger } from './pairHealth.ts';
import { endToEnd, Upstream, type UpstreamAnswer, type UpstreamTls } from './upstream.ts';

/**
 * `ocs-sim proxy`: between a real OCS and a real external system. Each
 * request is forwarded unchanged and its answer passed back unchanged, with
 * the scenario's network faults applied on schedule between the two
 * (refused, hang, request loss, response loss, latency, outages) and at run
 * time through the control API. It acknowledges nothing itself: OCS gets a
 * 200 only when the target answered 200, so a proxy that dies loses nothing
 * (OCS re-submits what it did not see saved). What passed through is kept
 * as evidence for both judges: serve's verdict on the client (OCS) and
 * drive's conformance of the target.
 */
export interface ProxyOptions {
  scenario: Scenario;
  seed?: number;
  host: string;
  port: number;
  /** The real external system: its origin, and a path prefix when it has one. */
  target: URL;
  /** Where validation requests go, when not to the target. */
  validationTarget?: URL;
  /** Schedule time 0: the first request (default) or the proxy's start. */
  clock?: 'first-request' | 'start';
  /** Listen with HTTPS (PEM files). */
  tls?: { cert: string; key: string };
  upstream: UpstreamTls;
  /** Required on the control API (Authorization: Bearer TOKEN). */
  controlToken?: string;
  /** A client that has not sent its whole request within this is cut off (10 s unless given). */
  clientTimeoutMs?: number;
  /** GET /_ocs-sim/report: write the files now; answers the paths written. */
  report?: () => Promise<string[]>;
}

/** What passed through, for the verdicts: the client's requests as serve sees them, the target's exchanges as drive sees them. */
export interface ProxyEvidence {
  clientEvents: readonly ClientEvent[];
  ledger: Ledger;
  counters: ProxyCounters;
  ocsSide: OcsSide;
  /** Wall ms since the schedule's clock started. */
  nowMs: number;
  /** The fault windows so far: the network section's outages and those injected through the control API. */
  triggers: Trigger[];
  model: ResolvedModel;
}

export interface RunningProxy {
  readonly url: string;
  readonly port: number;
  readonly model: ResolvedModel;
  readonly paths: { history: string; validation: string };
  evidence(): ProxyEvidence;
  /** Stops accepting, cuts requests still in flight (OCS re-submits them), closes the target's connections. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const CLIENT_TIMEOUT_MS = 10_000;
/** The verdicts follow this many requests, then judge those (memory stays bounded). */
const MAX_FOLLOWED = 1_000_000;

type Kind = 'record' | 'validation' | 'other';
interface RecordId {
  guid: string;
  seq: 0 | 1;
  group: string;
  phone: string;
  callResult: unknown;
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const model = resolve(options.scenario, options.seed ?? options.scenario.seed);
  const kernel = new Kernel();
  const clock = new RealTimeDriver(kernel);
  const network = new Network(model.network, new RandomStreams(model.seed));
  const upstream = new Upstream(options.upstream);
  const ledger = new Ledger();
  const counters = new ProxyCounters();
  const ocsSide = new OcsSide();
  const historyPath = pathOf(options.scenario.ocs['history-uri']);
  const validationPath = pathOf(options.scenario.ocs['validation-uri']);
  const clientEvents: ClientEvent[] = [];
  const note = (event: ClientEvent) => {
    if (event.id < MAX_FOLLOWED) clientEvents.push(event);
  };
  /** Each record's POST number, by GUID and seq, as drive numbers them. */
  const posts = new Map<string, number>();
  const open = new Set<ServerResponse>();
  let requests = 0;
  const control = new ProxyControl({ scenario: options.scenario, model, clock, network, counters, controlToken: options.controlToken, report: options.report });

  const mapped = (kind: Kind, target: string): URL => {
    const base = kind === 'validation' && options.validationTarget !== undefined ? options.validationTarget : options.target;
    // A path on the target is a prefix: /ocs/history goes to https://es/base/ocs/history.
    const prefix = base.pathname.replace(/\/$/, '');
    return new URL(`${prefix}${target.startsWith('/') ? target : (pathOfTarget(target) ?? '/')}`, base.origin);
  };

  const hold = (res: ServerResponse, id: number) => {
    note({ t: clock.now, kind: 'held', id });
    res.on('close', () => note({ t: clock.now, kind: 'closed', id }));
  };
  const reset = (req: IncomingMessage, id: number) => {
    note({ t: clock.now, kind: 'reset', id });
    req.socket.resetAndDestroy();
  };
  const reply = (res: ServerResponse, id: number, status: number, headers: Record<string, string | string[]>, body: Buffer) => {
    open.delete(res);
    if (res.destroyed) return;
    note({ t: clock.now, kind: 'answered', id, status });
    res.writeHead(status, { ...headers, 'content-length': body.length }).end(body);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, path: string, body: Buffer) => {
    if (!clock.started) clock.start();
    clock.pump();
    const kind: Kind = req.method === 'POST' && path === historyPath ? 'record' : req.method === 'POST' && path === validationPath ? 'validation' : 'other';
    const record = kind === 'record' ? recordOf(body) : null;
    const id = requests++;
    counters.received(kind, record === null && kind === 'record');
    if (kind !== 'other')
      note({ t: clock.now, kind: 'arrived', id, record: record === null ? null : { guid: record.guid, seq: record.seq, group: record.group } });
    if (record !== null) ocsSide.record(clock.now, record.guid, record.seq, record.group, record.callResult);
    open.add(res);
    res.on('close', () => open.delete(res));
    const notSent = () => {
      if (record !== null) ledger.notSent(record.guid, record.seq, record.phone);
    };
    if (kind !== 'other') {
      const outage = control.outageAt(clock.now);
      if (outage !== null) {
        counters.injected('outage');
        notSent();
        const text = Buffer.from(`${JSON.stringify({ error: `outage injected by ocs-sim proxy: ${outage}` })}\n`);
        return reply(res, id, outage, { 'content-type': 'application/json' }, text);
      }
      const fate = network.requestFate(clock.now);
      if (fate === 'refused') {
        counters.injected('refused');
        notSent();
        return reset(req, id);
      }
      if (fate === 'hang' || fate === 'request-loss') {
        counters.injected(fate === 'hang' ? 'hang' : 'requestLoss');
        notSent();
        return hold(res, id);
      }
    }
    const delay = kind === 'other' ? 0 : network.latency();
    counters.addLatency(delay);
    const send = () => {
      if (res.destroyed) return;
      const aborted = new AbortController();
      res.on('close', () => aborted.abort());
      const sentAt = clock.now;
      const inFlight = counters.sent();
      if (record !== null && counters.recordsForwardedAt.length < MAX_FOLLOWED) counters.recordsForwardedAt.push(sentAt);
      const post = record === null ? 1 : next(posts, `${record.guid}:${record.seq}`);
      void upstream.forward(mapped(kind, req.url ?? path), req.method ?? 'GET', endToEnd(req.headers), body, aborted.signal).then((answer) => {
        counters.ended(answer);
        clock.pump();
        let injected: Injected | null = null;
        if (kind !== 'other' && answer.kind === 'answered' && network.responseLost(clock.now)) {
          injected = 'response-loss';
          counters.injected('responseLoss');
        }
        if (kind === 'validation' || record !== null)
          ledger.record(exchange(kind as 'record' | 'validation', record, post, sentAt, inFlight, clock.now, injected, answer));
        if (res.destroyed) return;
        if (injected !== null) return hold(res, id);
        if (answer.kind === 'answered') {
          const back = kind === 'other' ? 0 : network.latency();
          counters.addLatency(back);
          if (back > 0) kernel.post(back, () => reply(res, id, answer.status, answer.headers, answer.body), undefined);
          else reply(res, id, answer.status, answer.headers, answer.body);
          clock.pump();
          return;
        }
        // No answer from the target (refused, broken, timed out): OCS sees its connection fail, never a 200.
        reset(req, id);
      });
    };
    if (delay > 0) kernel.post(delay, send, undefined);
    else send();
    clock.pump();
  };

  const fail = (res: ServerResponse, status: number, reason: string) => {
    counters.badRequest();
    if (res.destroyed || res.headersSent) return;
    res
      .writeHead(status, { 'content-type': 'application/json', ...(status === 413 ? { connection: 'close' } : {}) })
      .end(`${JSON.stringify({ error: reason })}\n`);
  };

  const handle: RequestListener = (req, res) => {
    const path = pathOfTarget(req.url ?? '/');
    if (path === null) {
      req.resume();
      return fail(res, 400, `request target ${JSON.stringify((req.url ?? '').slice(0, 80))}: expected a path such as ${historyPath}`);
    }
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) return control.handle(req, res, path, fail);
    readBody(req, res, (body) => forward(req, res, path, body), fail);
  };

  const server: Server = options.tls === undefined ? createServer(handle) : createTlsServer(tlsFiles(options.tls), handle);
  server.requestTimeout = options.clientTimeoutMs ?? CLIENT_TIMEOUT_MS;
  server.headersTimeout = options.clientTimeoutMs ?? CLIENT_TIMEOUT_MS;
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, options.host, options.port);
  if (options.clock === 'start') clock.start();
  let closing: Promise<void> | null = null;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    model,
    paths: { history: historyPath, validation: validationPath },
    evidence: () => {
      clock.pump();
      const scheduled = model.network.outages.map((o) => ({ what: `network ${o.kind}`, fromMs: o.fromMs, untilMs: o.untilMs }));
      return { clientEvents, ledger, counters, ocsSide, nowMs: clock.now, model, triggers: [...scheduled, ...control.injectedOutages()] };
    },
    close: () =>
      (closing ??= (async () => {
        server.close();
        // Cut, never answered: what OCS did not see saved it re-submits.
        for (const res of open) res.socket?.destroy();
        clock.stop();
        server.closeAllConnections();
        await upstream.close();
      })()),
  };
}

function next(counts: Map<string, number>, key: string): number {
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return n;
}

/** The record's identity from its body, or null when the body is not a record OCS would send (the target judges that). */
function recordOf(body: Buffer): RecordId | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(body));
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  const r = parsed as Record<string, unknown>;
  const seq = r.GSW_HIST_SEQUENCE_NUM;
  if (typeof r.GSW_CALL_ATTEMPT_GUID !== 'string' || r.GSW_CALL_ATTEMPT_GUID === '' || (seq !== 0 && seq !== 1 && seq !== '0' && seq !== '1')) return null;
  return {
    guid: r.GSW_CALL_ATTEMPT_GUID,
    seq: Number(seq) as 0 | 1,
    group: typeof r.GSW_CAMPAIGN_GROUP_NAME === 'string' ? r.GSW_CAMPAIGN_GROUP_NAME : '',
    phone: String(r.GSW_PHONE ?? ''),
    callResult: r.GSW_CALL_RESULT,
  };
}

function exchange(
  kind: 'record' | 'validation',
  record: RecordId | null,
  post: number,
  sentAt: number,
  inFlight: number,
  endedAt: number,
  injected: Injected | null,
  answer: UpstreamAnswer,
): Exchange {
  const outcome: Outcome =
    answer.kind === 'answered' ? { kind: 'answered', status: answer.status, body: answer.body.subarray(0, 4096).toString('utf8') } : answer;
  // The proxy sends as it receives: intended and sent are one instant.
  return {
    request: kind,
    guid: record?.guid ?? null,
    seq: record?.seq ?? 0,
    post,
    phone: record?.phone ?? '',
    injected,
    intendedAt: sentAt,
    sentAt,
    inFlight,
    endedAt,
    outcome,
  };
}

/** Reads a body of at most 1 MB as bytes (passed on unchanged), or answers 413. */
function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  done: (body: Buffer) => void,
  fail: (res: ServerResponse, status: number, reason: string) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      over = true;
      fail(res, 413, `body over ${MAX_BODY_BYTES} bytes`);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!over) done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  });
}
