import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'undici';
import { failure } from '../drive/httpWire.ts';
import type { Outcome } from '../drive/ledger.ts';

/**
 * The proxy's side towards the real external system: a request forwarded as
 * it came (method, path, headers, body bytes) and the target's answer as it
 * went (status, headers, body bytes), over keep-alive connections, HTTPS
 * with the given trust and client certificate.
 */

export interface UpstreamTls {
  /** PEM certificate authorities to trust for an https target. */
  ca?: string;
  /** A client certificate and key (PEM) for a target that wants mutual TLS. */
  cert?: string;
  key?: string;
}

export type UpstreamAnswer =
  | { kind: 'answered'; status: number; headers: Record<string, string | string[]>; body: Buffer }
  | Exclude<Outcome, { kind: 'answered' }>;

/**
 * Headers that belong to one connection, not to the request or the answer
 * (RFC 9110 section 7.6.1): never passed on. Host is the target's; the
 * length is that of the bytes passed on, which are the same bytes.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

export function endToEnd(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase()),
  );
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    kept[name] = value;
  }
  return kept;
}

export class Upstream {
  private readonly agent: Agent;

  constructor(tls: UpstreamTls) {
    const connect = { ...(tls.ca !== undefined ? { ca: tls.ca } : {}), ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key } : {}) };
    // No cap of its own: OCS's http-connection-pool-size bounds what comes through.
    this.agent = new Agent({ pipelining: 1, ...(Object.keys(connect).length > 0 ? { connect } : {}) });
  }

  /** Forwards to `url` (the target's origin and the mapped path); `signal` aborts it when OCS gives up. */
  async forward(url: URL, method: string, headers: Record<string, string | string[]>, body: Buffer, signal: AbortSignal): Promise<UpstreamAnswer> {
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: method as 'POST',
        headers,
        body: body.length > 0 || method === 'POST' || method === 'PUT' ? body : undefined,
        signal,
      });
      const bytes = Buffer.from(await res.body.arrayBuffer());
      return { kind: 'answered', status: res.statusCode, headers: endToEnd(res.headers), body: bytes };
    } catch (error) {
      return failure(error);
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}
