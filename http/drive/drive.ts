import { Pool } from 'undici';
import type { RunObserver } from '../../sim/observer.ts';
import { ScenarioRun, type RunResult } from '../../sim/run.ts';
import type { Scenario } from '../../sim/scenario/scenario.ts';
import { RealTimeDriver } from '../realTimeDriver.ts';
import { HttpWire, failure, tlsOptions, type Targets } from './httpWire.ts';
import { Ledger, MAX_EXAMPLES, type Example } from './ledger.ts';

/**
 * `ocs-sim drive`: the same OCS model `ocs-sim run` simulates (machines,
 * records kept until 200, the pool, wait conditions, the race check, the
 * dialer, calls, treatments) on a wall clock, its requests going to a real
 * external system over HTTP. Virtual time is wall time from the start; the
 * run dials for the scenario's duration and drains as `run` does. No I/O
 * but the wire's: the shell writes the files.
 */

export interface DriveOptions {
  scenario: Scenario;
  seed?: number;
  /** 8 hex digits, the first group of every GUID the drive posts: two drives never post the same GUID (the CLI draws one unless --run-id gives it). */
  runId?: string;
  targets: Targets;
  observer?: RunObserver;
  /** Sample the model's levels every this many ms into `series` (for a report). */
  sampleEveryMs?: number;
  /** Aborted (Ctrl-C): the drive stops where it is, its result marked incomplete. */
  interrupt?: AbortSignal;
  /** Told the GUID of the first record a 200 confirmed, once. */
  firstConfirmed?: (guid: string) => void;
  /** Told every `progressEveryMs` of wall time how the drive stands. */
  progress?: (p: DriveProgress) => void;
  progressEveryMs?: number;
}

export interface DriveProgress {
  nowMs: number;
  /** Dialing period plus the drain limit: when the drive stops at the latest. */
  endMs: number;
  saved: number;
  kept: number;
  marked: number;
  waitConditions: number;
  inFlight: number;
}

export interface DriveResult extends RunResult {
  ledger: Ledger;
  /** The drive was interrupted: what it has is written, marked incomplete. */
  complete: boolean;
  requestsSent: number;
  /** Sends that waited for --max-rate. */
  throttled: number;
  /**
   * Records OCS still kept at the end whose latest POST failed at the
   * target: not by a fault the driver injected, nor still waiting to be sent
   * (the first few, and how many).
   */
  unconfirmed: { count: number; examples: Example[] };
}

/** A target that cannot be reached before the first record: bad input, exit 2. */
export class DriveSetupError extends Error {}

export async function drive(options: DriveOptions): Promise<DriveResult> {
  await preflight(options.targets);
  const ledger = new Ledger();
  ledger.onFirstConfirmed = options.firstConfirmed ?? null;
  let wire: HttpWire | null = null;
  let ended = false;
  let endDrive = () => {};
  const finished = new Promise<void>((resolve) => (endDrive = resolve));
  let run: ScenarioRun;
  const clock = new RealTimeDriver({
    run: (untilMs) => {
      if (ended || !run.advance(Infinity, untilMs)) return;
      ended = true;
      endDrive();
    },
    get nextTime() {
      return ended ? null : run.nextEventTime;
    },
  });
  run = new ScenarioRun(options.scenario, {
    seed: options.seed,
    runId: options.runId,
    observer: options.observer,
    sampleEveryMs: options.sampleEveryMs,
    // The target is the external system: the scenario's outages of it are not the drive's to mark.
    faultEdges: { network: options.targets.networkFaults, external: false },
    wire: (world) => (wire = new HttpWire(world, clock, options.targets, ledger)),
  });
  const httpWire = wire as unknown as HttpWire;
  const model = run.model;
  const endMs = model.durationMs + model.drainLimitMs;
  const timers: NodeJS.Timeout[] = [];
  let complete = true;
  const interrupted = () => {
    complete = false;
    ended = true;
    endDrive();
  };
  if (options.interrupt?.aborted) interrupted();
  options.interrupt?.addEventListener('abort', interrupted, { once: true });
  clock.start();
  clock.pump();
  // The drain limit ends the drive even when nothing else is due then.
  timers.push(setTimeout(() => clock.pump(), endMs + 1));
  if (options.progress) {
    const tell = options.progress;
    timers.push(
      setInterval(() => {
        const s = run.state;
        tell({
          nowMs: clock.now,
          endMs,
          saved: s.counters.recordsSaved,
          kept: s.unconfirmed.size,
          marked: s.counters.marked.level,
          waitConditions: s.groups.filter((g) => g.m.state === 'waiting').length,
          inFlight: httpWire.inFlight,
        });
      }, options.progressEveryMs ?? 2000),
    );
  }
  await finished;
  options.interrupt?.removeEventListener('abort', interrupted);
  for (const timer of timers) clearTimeout(timer);
  clock.stop();
  // Answers still out are of requests OCS no longer waits for (timed out, or the run ended).
  await httpWire.close();
  if (!complete) run.stop();
  const targets = [...run.state.unconfirmed].filter((r) => ledger.attempts.get(r.attempt.guid)?.lastFailedAtTarget[r.seq] ?? false);
  const examples = targets.slice(0, MAX_EXAMPLES).map((r) => ({
    record: `${r.attempt.guid}:${r.seq}`,
    phone: r.attempt.contact.phone,
    state: r.m.state,
    posts: r.posts,
    exchanges: ledger.attempts.get(r.attempt.guid)?.posts ?? [],
  }));
  const unconfirmed = { count: targets.length, examples };
  return { ...run.result(), ledger, complete, requestsSent: httpWire.sent, throttled: httpWire.throttled, unconfirmed };
}

/**
 * Each target must answer something (any status) before the first record
 * goes: a refused connection, an unknown host or a certificate not trusted
 * is bad input, said before the run rather than as a run of failures.
 */
async function preflight(targets: Targets): Promise<void> {
  const origins = new Map([targets.records, targets.validation].map((url) => [url.origin, url]));
  for (const url of origins.values()) {
    const pool = new Pool(url.origin, { connections: 1, ...tlsOptions(targets) });
    try {
      const res = await pool.request({ path: url.pathname + url.search, method: 'HEAD', headers: targets.headers, signal: AbortSignal.timeout(10_000) });
      await res.body.dump();
    } catch (error) {
      const outcome = failure(error);
      const why = outcome.kind === 'timeout' ? 'no answer within 10 s' : outcome.error;
      const tls = /self.signed|unable to verify|UNABLE_TO_GET_ISSUER|CERT_/i.test(why)
        ? ' (an HTTPS target whose certificate is not signed by a known authority needs --ca FILE)'
        : /cert|TLS|SSL|handshake|alert/i.test(why)
          ? ' (a target that wants a client certificate, mutual TLS, needs --cert FILE --key FILE; one whose certificate is not signed by a known authority needs --ca FILE)'
          : url.protocol === 'https:' && /closed|reset|socket/i.test(why)
            ? ' (an HTTPS target that closes the connection after the handshake often wants a client certificate, mutual TLS: --cert FILE --key FILE)'
            : '';
      throw new DriveSetupError(`the target ${url.origin} cannot be reached before the first record: ${why}${tls}`);
    } finally {
      await pool.destroy();
    }
  }
}
