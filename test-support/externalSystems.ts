import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Small external systems for drive's tests, on 127.0.0.1: a correct one and
 * the mistakes people make when they build one (each stores what OCS posts
 * and reads it back by the read-back contract, GET /records/{guid}).
 */
export type Behaviour =
  /** One row per (GUID, seq); a re-submission of a stored record is answered 200 and stores nothing new. */
  | 'correct'
  /** Every POST is a new row: a re-submission after a lost response is a duplicate. */
  | 'append'
  /** One row per attempt, whatever came last: a late seq 0 overwrites seq 1. */
  | 'last-write-wins'
  /** A re-submission of a stored record is answered 500: OCS never gets its 200. */
  | 'reject-resubmission'
  /** Correct with records, but refuses every pre-dial validation with a 409 that names no call result. */
  | 'validation-409-without-result';

export interface TestServer {
  url: string;
  /** The headers of every request taken. */
  headers: IncomingHttpHeaders[];
  posts: number;
  close(): Promise<void>;
}

export async function startTestServer(behaviour: Behaviour): Promise<TestServer> {
  const rows = new Map<string, Array<Record<string, unknown>>>();
  const headers: IncomingHttpHeaders[] = [];
  let posts = 0;
  const server: Server = createServer((req, res) => {
    headers.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (req.method === 'GET' && path.startsWith('/records/')) {
        const held = rows.get(decodeURIComponent(path.slice('/records/'.length))) ?? [];
        res.writeHead(held.length > 0 ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(held));
        return;
      }
      if (req.method !== 'POST') return void res.writeHead(405).end();
      posts++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      if (path.endsWith('/validate')) return void res.writeHead(behaviour === 'validation-409-without-result' ? 409 : 200).end('{}');
      const guid = String(body.GSW_CALL_ATTEMPT_GUID);
      const held = rows.get(guid) ?? [];
      rows.set(guid, held);
      const same = held.findIndex((r) => r.GSW_HIST_SEQUENCE_NUM === body.GSW_HIST_SEQUENCE_NUM);
      if (behaviour === 'append') held.push(body);
      else if (behaviour === 'last-write-wins') held.splice(0, held.length, body);
      else if (same >= 0) {
        if (behaviour === 'reject-resubmission') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"already stored"}');
      } else held.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    headers,
    get posts() {
      return posts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
