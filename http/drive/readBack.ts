import { Agent } from 'undici';
import { failure } from './httpWire.ts';

/**
 * The read-back contract: `GET` the template with `{guid}` replaced answers
 * a JSON array of the rows the system holds for that call attempt (an object
 * counts as one row; 404 means none), each row holding
 * `GSW_HIST_SEQUENCE_NUM` at its top level or under `body`. What drive reads
 * back after the run is what the claims on storage are judged on.
 */

/** The seqs of an attempt's rows, in the order given, or why they could not be read. */
export type ReadBack = { seqs: Array<0 | 1> } | { error: string };

export interface ReadBackOptions {
  headers: Record<string, string>;
  ca?: string;
  /** GETs at once. */
  concurrency?: number;
}

export async function readBack(template: string, guids: readonly string[], options: ReadBackOptions): Promise<Map<string, ReadBack>> {
  const agent = new Agent({ connections: options.concurrency ?? 16, ...(options.ca !== undefined ? { connect: { ca: options.ca } } : {}) });
  const found = new Map<string, ReadBack>();
  let next = 0;
  const worker = async () => {
    while (next < guids.length) {
      const guid = guids[next++];
      found.set(guid, await readOne(agent, template.replaceAll('{guid}', encodeURIComponent(guid)), options.headers));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, guids.length) }, worker));
  } finally {
    await agent.destroy();
  }
  return found;
}

async function readOne(agent: Agent, url: string, headers: Record<string, string>): Promise<ReadBack> {
  try {
    const res = await agent.request({ origin: new URL(url).origin, path: new URL(url).pathname + new URL(url).search, method: 'GET', headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.body.text();
    if (res.statusCode === 404) return { seqs: [] };
    if (res.statusCode !== 200) return { error: `GET ${url} answered ${res.statusCode}; expected 200 with the rows, or 404 for none` };
    return rowsOf(text, url);
  } catch (error) {
    const outcome = failure(error);
    return { error: `GET ${url}: ${outcome.kind === 'timeout' ? 'no answer within 10 s' : outcome.error}` };
  }
}

/** The seqs of the rows in a read-back answer, by the contract. */
export function rowsOf(text: string, url: string): ReadBack {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: `GET ${url}: the answer is not JSON; expected an array of rows` };
  }
  const rows = Array.isArray(parsed) ? parsed : parsed !== null && typeof parsed === 'object' ? [parsed] : null;
  if (rows === null) return { error: `GET ${url}: expected a JSON array of rows (or one row object), got ${JSON.stringify(parsed).slice(0, 80)}` };
  const seqs: Array<0 | 1> = [];
  for (const row of rows) {
    const r = (row ?? {}) as Record<string, unknown>;
    const seq = r.GSW_HIST_SEQUENCE_NUM ?? (r.body as Record<string, unknown> | undefined)?.GSW_HIST_SEQUENCE_NUM;
    if (seq !== 0 && seq !== 1 && seq !== '0' && seq !== '1') return { error: `GET ${url}: a row without GSW_HIST_SEQUENCE_NUM 0 or 1 (at its top level or under body): ${JSON.stringify(row).slice(0, 120)}` };
    seqs.push(Number(seq) as 0 | 1);
  }
  return { seqs };
}
