import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Kernel } from '../../sim/kernel/kernel.ts';
import type { ExternalSystem } from '../../sim/world/externalSystem.ts';
import type { RealTimeDriver } from '../realTimeDriver.ts';
import type { RecordStore } from '../recordStore.ts';
import { decodedGuid, pathOfTarget } from '../requestParts.ts';
import type { ServeMetrics } from '../serveMetrics.ts';
import type { ServeArrival } from './answers.ts';
import type { Arrivals } from './arrivals.ts';
import type { BodyReader, Fail } from './bodyReader.ts';
import type { ControlApi } from './controlApi.ts';
import type { ServeVerdict } from './verdictBook.ts';

export interface RoutesDeps {
  /** Where records and validation requests are posted: the paths of the scenario's history-uri and validation-uri. */
  paths: { history: string; validation: string };
  arrivals: Arrivals;
  control: ControlApi;
  bodies: BodyReader;
  fail: Fail;
  store: RecordStore;
  metrics: ServeMetrics;
  external: ExternalSystem<ServeArrival>;
  clock: RealTimeDriver;
  kernel: Kernel;
  verdict: () => ServeVerdict;
}

/** serve's request listener: the scenario's two URIs, the control API, and what a person or a check reads. */
export function serveRoutes(d: RoutesDeps): RequestListener {
  const { history, validation } = d.paths;
  return (req, res) => {
    // The path alone; an absolute-form target (through a proxy) is parsed as a URL.
    const path = pathOfTarget(req.url ?? '/');
    if (path === null) {
      req.resume();
      return d.fail(res, 400, `request target ${JSON.stringify((req.url ?? '').slice(0, 80))}: expected a path such as ${history}`);
    }
    if (path === '/control' || path.startsWith('/control/')) return d.control.handle(req, res, path);
    if (req.method === 'POST' && (path === history || path === validation)) {
      d.bodies.read(req, res, (body, text) => d.arrivals.arrive(req, res, path, path === history ? 'record' : 'validation', body, text), d.fail);
      return;
    }
    if (req.method === 'GET' && path.startsWith('/records/')) return records(d, req, res, path);
    if (req.method === 'GET' && path === '/metrics') return metrics(d, res);
    if (req.method === 'GET' && path === '/verdict') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(d.verdict(), null, 2)}\n`);
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const known = [history, validation, '/metrics', '/healthz', '/verdict'].includes(path) || path.startsWith('/records/');
    req.resume();
    d.fail(
      res,
      known ? 405 : 404,
      known
        ? `${req.method} is not allowed on ${path}`
        : `no such path: ${path} (records: POST ${history}, validation: POST ${validation}, GET /records/{guid}, /metrics, /healthz, /control)`,
    );
  };
}

/** GET /records/{guid}: the rows serve holds for an attempt, as a check reads them back. */
function records(d: RoutesDeps, req: IncomingMessage, res: ServerResponse, path: string): void {
  const guid = decodedGuid(path.slice('/records/'.length));
  req.resume();
  if (guid === null)
    return d.fail(
      res,
      400,
      `GET /records/{guid}: ${JSON.stringify(path.slice('/records/'.length, '/records/'.length + 80))} is not a percent-encoded UTF-8 GUID (a % must be followed by two hex digits, and the bytes must be UTF-8)`,
    );
  const rows = d.store.rows(guid);
  res.writeHead(rows.length > 0 ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(rows));
}

/** GET /metrics: Prometheus text, the model's levels brought up to now first. */
function metrics(d: RoutesDeps, res: ServerResponse): void {
  const { clock, external } = d;
  clock.pump();
  const text = d.metrics.text(external.stats, {
    inService: external.busy,
    queued: external.queued,
    outageStatus: clock.started ? external.outageAt(d.kernel.now) : null,
    attempts: d.store.size,
  });
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
}
