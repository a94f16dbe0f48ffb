import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kernel } from '../../sim/kernel/kernel.ts';
import { durationMs, formatDuration } from '../../sim/scenario/durations.ts';
import { resolve } from '../../sim/scenario/resolve.ts';
import { Duration, type Scenario } from '../../sim/scenario/scenario.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';
import type { ExternalSystem } from '../../sim/world/externalSystem.ts';
import type { Network } from '../../sim/world/network.ts';
import type { RealTimeDriver } from '../realTimeDriver.ts';
import type { ServeArrival } from './answers.ts';
import type { BodyReader, Fail } from './bodyReader.ts';
import { wallMs } from './requestLog.ts';

export interface ControlApiDeps {
  scenario: Scenario;
  seed: number;
  networkFaults: boolean;
  clock: RealTimeDriver;
  kernel: Kernel;
  external: ExternalSystem<ServeArrival>;
  network: Network;
  bodies: BodyReader;
  fail: Fail;
}

/** /control: shows the scenario's fault sections in force and replaces them at run time, or starts an outage now. */
export class ControlApi {
  /** The scenario in force: replacing its fault sections keeps the rest. */
  private current: Scenario;

  constructor(private readonly d: ControlApiDeps) {
    this.current = d.scenario;
  }

  handle(req: IncomingMessage, res: ServerResponse, path: string): void {
    const { bodies, fail } = this.d;
    if (req.method === 'GET' && path === '/control') {
      req.resume();
      return this.show(res);
    }
    if (req.method === 'PUT' && path === '/control/faults') {
      return bodies.read(req, res, (body) => this.answerWith(res, this.replaceFaults(body)), fail);
    }
    if (req.method === 'POST' && path === '/control/outage') {
      return bodies.read(req, res, (body) => this.startOutage(res, body), fail);
    }
    req.resume();
    fail(res, 405, `${req.method} is not allowed on ${path} (GET /control, PUT /control/faults, POST /control/outage)`);
  }

  private startOutage(res: ServerResponse, body: Record<string, unknown>): void {
    const asked = outageRequest(body);
    if (typeof asked === 'string') return this.d.fail(res, 400, asked);
    const { status, lengthMs } = asked;
    const { clock, kernel } = this.d;
    // An outage from now: the schedule's clock starts if it has not.
    if (!clock.started) clock.start();
    clock.pump();
    const from = Math.ceil(kernel.now);
    const outage = { from: formatDuration(from), until: formatDuration(from + lengthMs), status };
    const { externalSystem } = this.current;
    this.answerWith(res, this.replaceFaults({ externalSystem: { ...externalSystem, outages: [...externalSystem.outages, outage] } }));
  }

  /** Replaces the fault sections (network, externalSystem) of the scenario in force; the errors, or null when it took. */
  private replaceFaults(fragment: Record<string, unknown>): string[] | null {
    const unknown = Object.keys(fragment).filter((k) => k !== 'network' && k !== 'externalSystem');
    if (unknown.length > 0) return [`${unknown.join(', ')}: only network and externalSystem can be replaced at run time`];
    const checked = validateScenario({
      ...this.current,
      network: fragment.network ?? this.current.network,
      externalSystem: fragment.externalSystem ?? this.current.externalSystem,
    });
    if (!checked.ok) return checked.errors;
    this.current = checked.scenario;
    const next = resolve(this.current, this.d.seed);
    this.d.external.reconfigure(next.externalSystem);
    this.d.network.reconfigure(next.network);
    return null;
  }

  /** A change that took answers with the state it made; one that did not, with why. */
  private answerWith(res: ServerResponse, errors: string[] | null): void {
    if (errors !== null) return this.d.fail(res, 400, errors.join('; '));
    this.show(res);
  }

  private show(res: ServerResponse): void {
    const { clock, kernel } = this.d;
    clock.pump();
    const state = {
      clock: { started: clock.started, nowMs: wallMs(clock) },
      networkFaults: this.d.networkFaults,
      outageInForce: clock.started ? this.d.external.outageAt(kernel.now) : null,
      network: this.current.network,
      externalSystem: this.current.externalSystem,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(state, null, 2)}\n`);
  }
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
