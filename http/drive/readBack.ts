import { Agent } from 'undici';
import { failure, tlsOptions } from './httpWire.ts';

/**
 * The read-back contract: `GET` the template with `{guid}` replaced (in a
 * path, `/records/{guid}`, or a query, `/records?GSW_CALL_ATTEMPT_GUID={guid}`)
 * answers the rows the system holds for that call attempt: a JSON array
 * (404 means none), or the array at a path of the answer (an envelope,
 * `{data: [...]}`, `--read-back-rows data`), or one object (a get-by-id
 * endpoint: one row per attempt). Each row holds the sequence number and,
 * where it names one, the GUID, at its top level or under a body field (an
 * object or the JSON text of one); the field names are the OCS attributes
 * unless the system renamed them (`--seq-field`, `--guid-field`,
 * `--body-field`). Rows of another GUID (a query the system ignored) are left
 * out: a drive judges only its own rows. What drive reads back after the run
 * is what the claims on storage are judged on.
 */

/** How the rows of an attempt are found in a read-back answer. */
export interface RowAdapter {
  /** Dot path of the array of rows in the answer (an envelope), or '' for the answer itself. */
  rows: string;
  guidField: string;
  seqField: string;
  /** A field holding the record (an object or its JSON text) when a row keeps it nested. */
  bodyField: string;
}

export const CONTRACT: RowAdapter = { rows: '', guidField: 'GSW_CALL_ATTEMPT_GUID', seqField: 'GSW_HIST_SEQUENCE_NUM', bodyField: 'body' };

/**
 * What the system holds for one attempt: the seqs of its rows in the order
 * given (`oneObject`: the endpoint answered a single object, so it shows at
 * most one row per attempt), or why the rows could not be read, or the
 * adapter's field or path that the answer lacks.
 */
export type ReadBack = { seqs: Array<0 | 1>; oneObject: boolean; otherRows: number } | { error: string } | { missing: string };

export interface ReadBackOptions {
  headers: Record<string, string>;
  ca?: string;
  /** A client certificate and key (PEM) for a system that wants mutual TLS. */
  cert?: string;
  key?: string;
  adapter?: RowAdapter;
  /** GETs at once. */
  concurrency?: number;
}

export function readBackAgent(options: { ca?: string; cert?: string; key?: string; connections?: number }): Agent {
  return new Agent({ connections: options.connections ?? 16, ...tlsOptions(options) });
}

export async function readBack(template: string, guids: readonly string[], options: ReadBackOptions): Promise<Map<string, ReadBack>> {
  const concurrency = options.concurrency ?? 16;
  const agent = readBackAgent({ ...options, connections: concurrency });
  const adapter = options.adapter ?? CONTRACT;
  const found = new Map<string, ReadBack>();
  let next = 0;
  const worker = async () => {
    while (next < guids.length) {
      const guid = guids[next++];
      found.set(guid, await readOne(agent, template.replaceAll('{guid}', encodeURIComponent(guid)), guid, options.headers, adapter));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, guids.length) }, worker));
  } finally {
    await agent.destroy();
  }
  return found;
}

async function readOne(agent: Agent, url: string, guid: string, headers: Record<string, string>, adapter: RowAdapter): Promise<ReadBack> {
  try {
    const u = new URL(url);
    const res = await agent.request({ origin: u.origin, path: u.pathname + u.search, method: 'GET', headers, signal: AbortSignal.timeout(10_000) });
    const text = await res.body.text();
    if (res.statusCode === 404) return { seqs: [], oneObject: false, otherRows: 0 };
    if (res.statusCode !== 200) return { error: `GET ${url} answered ${res.statusCode}; expected 200 with the rows, or 404 for none` };
    return rowsOf(text, url, guid, adapter);
  } catch (error) {
    const outcome = failure(error);
    return { error: `GET ${url}: ${outcome.kind === 'timeout' ? 'no answer within 10 s' : outcome.error}` };
  }
}

/** The seqs of the rows of `guid` in a read-back answer, by the contract and the adapter. */
export function rowsOf(text: string, url: string, guid: string, adapter: RowAdapter = CONTRACT): ReadBack {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: `GET ${url}: the answer is not JSON; expected an array of rows` };
  }
  if (adapter.rows !== '') {
    for (const step of adapter.rows.split('.')) {
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !(step in parsed))
        return { missing: `the rows path ${adapter.rows} (--read-back-rows)` };
      parsed = (parsed as Record<string, unknown>)[step];
    }
  }
  const oneObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
  const rows = Array.isArray(parsed) ? parsed : oneObject ? [parsed] : null;
  if (rows === null) return { error: `GET ${url}: expected a JSON array of rows (or one row object), got ${JSON.stringify(parsed).slice(0, 80)}` };
  const seqs: Array<0 | 1> = [];
  let otherRows = 0;
  for (const row of rows) {
    const record = recordOf(row, adapter.bodyField);
    const rowGuid = record[adapter.guidField];
    // A row of another attempt (a query the system does not filter by): not this attempt's.
    if (rowGuid !== undefined && String(rowGuid) !== guid) {
      otherRows++;
      continue;
    }
    const seq = record[adapter.seqField];
    if (seq === undefined)
      return {
        missing: `the field ${adapter.seqField}${adapter.seqField === CONTRACT.seqField ? '' : ' (--seq-field)'}, at the top of a row or under ${adapter.bodyField}`,
      };
    if (seq !== 0 && seq !== 1 && seq !== '0' && seq !== '1')
      return { error: `GET ${url}: a row whose ${adapter.seqField} is not 0 or 1: ${JSON.stringify(row).slice(0, 120)}` };
    seqs.push(Number(seq) as 0 | 1);
  }
  return { seqs, oneObject: oneObject && seqs.length > 0, otherRows };
}

/** A row's fields with those of its body field (an object, or the JSON text of one) under them. */
function recordOf(row: unknown, bodyField: string): Record<string, unknown> {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return {};
  const r = row as Record<string, unknown>;
  let body = r[bodyField];
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>), ...r } : r;
}
