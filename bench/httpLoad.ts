import { connect, type Socket } from 'node:net';

/**
 * A minimal HTTP/1.1 load generator for the serve bench: keep-alive
 * connections over raw sockets, one request in flight on each, as wrk and
 * autocannon do. An undici Pool costs about as much CPU per request as the
 * server does, and on a 2-core machine the client and the server share the
 * cores: measured with undici, the bench measured the client.
 */
export class HttpLoad {
  private readonly idle: Connection[] = [];
  private readonly waiting: Array<(c: Connection) => void> = [];
  private readonly all: Connection[] = [];

  private constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  static async open(url: string, connections: number): Promise<HttpLoad> {
    const { hostname, port } = new URL(url);
    const load = new HttpLoad(hostname, Number(port));
    await Promise.all(Array.from({ length: connections }, () => load.connect()));
    return load;
  }

  /** POSTs `body` to `path`; resolves with the status once the whole answer is in. */
  async post(path: string, body: string): Promise<number> {
    const connection = this.idle.pop() ?? (await new Promise<Connection>((resolve) => this.waiting.push(resolve)));
    try {
      return await connection.request(
        `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    } finally {
      const next = this.waiting.shift();
      if (next) next(connection);
      else this.idle.push(connection);
    }
  }

  close(): void {
    for (const c of this.all) c.socket.end();
  }

  private async connect(): Promise<void> {
    const socket = connect(this.port, this.host);
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const connection = new Connection(socket);
    this.all.push(connection);
    this.idle.push(connection);
  }
}

/** One keep-alive connection: answers are parsed by Content-Length or as a chunked body. */
class Connection {
  private buffer = '';
  private pending: { resolve: (status: number) => void; reject: (err: Error) => void } | null = null;

  constructor(readonly socket: Socket) {
    socket.on('data', (data: Buffer) => {
      this.buffer += data.toString('latin1');
      this.parse();
    });
    socket.on('error', (err) => this.pending?.reject(err));
    socket.on('close', () => this.pending?.reject(new Error('the server closed the connection')));
  }

  request(text: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(text);
    });
  }

  private parse(): void {
    const head = this.buffer.indexOf('\r\n\r\n');
    if (head < 0) return;
    const length = /\r\ncontent-length: *(\d+)/i.exec(this.buffer.slice(0, head));
    let end: number;
    if (length) end = head + 4 + Number(length[1]);
    else {
      const last = this.buffer.indexOf('\r\n0\r\n\r\n', head);
      if (last < 0) return;
      end = last + 7;
    }
    if (this.buffer.length < end) return;
    const status = Number(this.buffer.slice(9, 12));
    this.buffer = this.buffer.slice(end);
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(status);
  }
}

/**
 * Sends `count` requests paced at `rate` per second, each timed from its due
 * instant (a late send counts against the server, as a load generator with a
 * fixed schedule measures it); resolves with the p99 latency, ms.
 */
export async function pacedP99Ms(rate: number, count: number, send: (i: number) => Promise<void>): Promise<number> {
  const latencies: number[] = [];
  const origin = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = origin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const at = performance.now();
    pending.push(send(i).then(() => void latencies.push(performance.now() - at)));
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return latencies[Math.ceil(0.99 * latencies.length) - 1];
}

/** Sends `total` requests from `connections` loops, each sending its next as soon as its last is answered; resolves with requests per second. */
export async function flatOutPerSecond(total: number, connections: number, send: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total) await send(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}
