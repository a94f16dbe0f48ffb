import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve, type ResolvedModel } from '../../sim/scenario/resolve.ts';
import type { Scenario } from '../../sim/scenario/scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';
import type { Network } from '../../sim/world/network.ts';
import type { RealTimeDriver } from '../realTimeDriver.ts';
import { outageRequest } from '../serve/controlApi.ts';
import type { ProxyCounters } from './counters.ts';

/**
 * The proxy's own API, under a prefix no external system's path uses:
 * `GET /_ocs-sim/control`, `PUT /_ocs-sim/control/faults` (a new network
 * section), `POST /_ocs-sim/control/outage` ({status, for}: the proxy answers
 * that status itself from now for that long), `GET /_ocs-sim/metrics`
 * (Prometheus), `GET /_ocs-sim/report` (writes the files now),
 * `GET /_ocs-sim/healthz`. With a token, every call must carry it.
 */
export const CONTROL_PREFIX = '/_ocs-sim';

type Fail = (res: ServerResponse, status: number, reason: string) => void;

interface Outage {
  fromMs: number;
  untilMs: number;
  status: number;
}

export class ProxyControl {
  private scenario: Scenario;
  private readonly outages: Outage[] = [];

  constructor(
    private readonly deps: {
      scenario: Scenario;
      model: ResolvedModel;
      clock: RealTimeDriver;
      network: Network;
      counters: ProxyCounters;
      controlToken?: string;
      report?: () => Promise<string[]>;
    },
  ) {
    this.scenario = deps.scenario;
  }

  /** The status of an outage injected through the API that is in force at `nowMs`, or null. */
  outageAt(nowMs: number): number | null {
    for (const o of this.outages) if (nowMs >= o.fromMs && nowMs < o.untilMs) return o.status;
    return null;
  }

  /** Outages injected through the API, as triggers of the pair's health. */
  injectedOutages(): Array<{ what: string; fromMs: number; untilMs: number }> {
    return this.outages.map((o) => ({ what: `outage ${o.status} (control API)`, fromMs: o.fromMs, untilMs: o.untilMs }));
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string, fail: Fail): void {
    if (!this.authorized(req)) {
      req.resume();
      return fail(res, 401, `the control API needs the token: Authorization: Bearer <the --control-token>`);
    }
    const route = `${req.method} ${path.slice(CONTROL_PREFIX.length)}`;
    if (route === 'GET /healthz') return this.json(req, res, { status: 'ok' });
    if (route === 'GET /control') return this.json(req, res, this.state());
    if (route === 'GET /metrics') {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.metrics());
      return;
    }
    if (route === 'GET /report') {
      req.resume();
      if (this.deps.report === undefined) return fail(res, 404, 'this proxy writes no files (no --out)');
      void this.deps.report().then(
        (written) => this.json(req, res, { written }),
        (error: Error) => fail(res, 500, `the report could not be written: ${error.message}`),
      );
      return;
    }
    if (route === 'PUT /control/faults') return readJson(req, res, fail, (body) => this.replaceFaults(res, body, fail));
    if (route === 'POST /control/outage') return readJson(req, res, fail, (body) => this.addOutage(res, body, fail));
    req.resume();
    fail(
      res,
      405,
      `${req.method} ${path} is not part of the control API (GET ${CONTROL_PREFIX}/control, PUT ${CONTROL_PREFIX}/control/faults, POST ${CONTROL_PREFIX}/control/outage, GET ${CONTROL_PREFIX}/metrics, GET ${CONTROL_PREFIX}/report, GET ${CONTROL_PREFIX}/healthz)`,
    );
  }

  private authorized(req: IncomingMessage): boolean {
    const token = this.deps.controlToken;
    if (token === undefined) return true;
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    const wanted = Buffer.from(`Bearer ${token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }

  private state() {
    const { clock } = this.deps;
    return {
      clock: { started: clock.started, nowMs: Math.round(clock.now * 1000) / 1000 },
      network: this.scenario.network,
      outages: this.outages,
      outageInForce: clock.started ? this.outageAt(clock.now) : null,
      counters: this.deps.counters.figures(),
    };
  }

  private json(req: IncomingMessage, res: ServerResponse, value: unknown): void {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(value, null, 2)}\n`);
  }

  private replaceFaults(res: ServerResponse, body: Record<string, unknown>, fail: Fail): void {
    const unknown = Object.keys(body).filter((k) => k !== 'network');
    if (unknown.length > 0) return fail(res, 400, `${unknown.join(', ')}: the proxy's faults are the network section only ({"network": {...}})`);
    const checked = validateScenario({ ...this.scenario, network: body.network ?? this.scenario.network });
    if (!checked.ok) return fail(res, 400, checked.errors.join('; '));
    this.scenario = checked.scenario;
    this.deps.network.reconfigure(resolve(this.scenario, this.deps.model.seed).network);
    res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(this.state(), null, 2)}\n`);
  }

  private addOutage(res: ServerResponse, body: Record<string, unknown>, fail: Fail): void {
    const asked = outageRequest(body);
    if (typeof asked === 'string') return fail(res, 400, asked);
    const { clock } = this.deps;
    if (!clock.started) clock.start();
    this.outages.push({ fromMs: clock.now, untilMs: clock.now + asked.lengthMs, status: asked.status });
    res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(this.state(), null, 2)}\n`);
  }

  private metrics(): string {
    const c = this.deps.counters;
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric(
      'ocs_sim_proxy_requests_total',
      'counter',
      'Requests received from the client, by kind.',
      Object.entries(c.requests).map(([kind, n]) => [`{kind="${kind}"}`, n]),
    );
    metric('ocs_sim_proxy_forwarded_total', 'counter', 'Requests forwarded to the target.', [['', c.forwarded]]);
    metric(
      'ocs_sim_proxy_target_answers_total',
      'counter',
      'Answers of the target, by status.',
      [...c.targetAnswers.entries()].sort((a, b) => a[0] - b[0]).map(([status, n]) => [`{status="${status}"}`, n]),
    );
    metric(
      'ocs_sim_proxy_target_failures_total',
      'counter',
      'Forwarded requests the target did not answer, by how.',
      Object.entries(c.targetFailures).map(([how, n]) => [`{how="${how}"}`, n]),
    );
    metric(
      'ocs_sim_proxy_faults_injected_total',
      'counter',
      'Faults the proxy injected, by kind.',
      Object.entries(c.faultsInjected).map(([kind, n]) => [`{kind="${kind}"}`, n]),
    );
    metric('ocs_sim_proxy_in_flight', 'gauge', 'Requests on their way to the target now.', [['', c.inFlight]]);
    metric('ocs_sim_proxy_latency_added_seconds_total', 'counter', 'Latency the proxy added, both ways.', [['', c.latencyAddedMs / 1000]]);
    return `${lines.join('\n')}\n`;
  }
}

/** A small JSON object body of the control API (at most 64 KB). */
function readJson(req: IncomingMessage, res: ServerResponse, fail: Fail, done: (body: Record<string, unknown>) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= 65_536) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > 65_536) return fail(res, 413, 'control body over 64 KB');
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return fail(res, 400, 'expected a JSON object');
      done(body as Record<string, unknown>);
    } catch (error) {
      fail(res, 400, `body is not JSON: ${(error as Error).message.split('\n')[0]}`);
    }
  });
}
