import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { CONTRACT, type RowAdapter } from '../http/drive/readBack.ts';
import { BadInput } from '../io/inputErrors.ts';

/**
 * The flags drive and proxy share for talking to a real external system:
 * its URLs, the read-back and its adapter, request headers, and the TLS
 * files (trust, client certificate). Each refuses bad input naming the flag
 * and what it takes.
 */

/** The read-back adapter's flags. */
export interface AdapterFlags {
  readBackRows?: string;
  guidField?: string;
  seqField?: string;
  bodyField?: string;
}

/** The TLS flags: a CA to trust, and a client certificate with its key. */
export interface TlsFlags {
  ca?: string;
  cert?: string;
  key?: string;
}

/** An http:// or https:// URL given for `flag`. */
export function urlOf(flag: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadInput(`${flag}: got ${JSON.stringify(text)}; expected an http:// or https:// URL, e.g. http://127.0.0.1:8080/ocs/history`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BadInput(`${flag}: got ${JSON.stringify(text)}; expected an http:// or https:// URL (not ${url.protocol})`);
  if (url.username !== '' || url.password !== '')
    throw new BadInput(`${flag}: credentials in the URL are not sent; give them as --header 'Authorization: ...'`);
  return url;
}

/** A read-back URL template: a URL with {guid} in its path or query. */
export function readBackOf(template: string): string {
  if (!template.includes('{guid}'))
    throw new BadInput(`--read-back: got ${JSON.stringify(template)}; expected a URL template with {guid}, e.g. http://127.0.0.1:8080/records/{guid}`);
  urlOf('--read-back', template.replaceAll('{guid}', 'GUID'));
  return template;
}

/** The read-back adapter from its flags: the contract's names unless renamed. */
export function adapterOf(flags: AdapterFlags, withReadBack: boolean): RowAdapter {
  const given = (['readBackRows', 'guidField', 'seqField', 'bodyField'] as const).filter((k) => flags[k] !== undefined);
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (!withReadBack && given.length > 0) throw new BadInput(`${given.map(flag).join(', ')}: adapt the read-back, so they need --read-back URL-TEMPLATE`);
  for (const k of given) {
    const value = flags[k]!;
    const ok = k === 'readBackRows' ? /^[^.\s]+(\.[^.\s]+)*$/.test(value) : value.trim() !== '' && value === value.trim();
    if (!ok)
      throw new BadInput(
        `${flag(k)}: got ${JSON.stringify(value)}; expected ${k === 'readBackRows' ? 'a dot path of field names, e.g. data or result.items' : 'a field name, e.g. guid'}`,
      );
  }
  return {
    rows: flags.readBackRows ?? CONTRACT.rows,
    guidField: flags.guidField ?? CONTRACT.guidField,
    seqField: flags.seqField ?? CONTRACT.seqField,
    bodyField: flags.bodyField ?? CONTRACT.bodyField,
  };
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the HTTP client owns: a value given for one would break the request. */
const CLIENT_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'content-type', 'upgrade', 'keep-alive', 'expect']);

/** One --header 'Name: value'. */
export function headerOf(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  const value = colon < 0 ? '' : text.slice(colon + 1).trim();
  if (!TOKEN.test(name))
    throw new BadInput(`--header: got ${JSON.stringify(text)}; expected 'Name: value' with a header name of letters, digits and !#$%&'*+.^_\`|~-`);
  if (/[\r\n\0]/.test(value)) throw new BadInput(`--header ${name}: the value holds a line break or NUL, which cannot be sent`);
  if (CLIENT_HEADERS.has(name.toLowerCase()))
    throw new BadInput(`--header ${name}: set by the HTTP client itself; not allowed: ${[...CLIENT_HEADERS].join(', ')}`);
  return [name, value];
}

/** A share from 0 to 1 (an option parser: commander names the option). */
export function share(value: string): number {
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1)
    throw new InvalidArgumentError(`got ${JSON.stringify(value)}; expected a share from 0 to 1, e.g. 0.01 for 1%`);
  return x;
}

/** Request headers from repeated --header flags. */
export function headersOf(given: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const header of given) {
    const [name, value] = headerOf(header);
    headers[name] = value;
  }
  return headers;
}

/** The PEM texts of --ca, --cert and --key (the last two go together). */
export function tlsOf(flags: TlsFlags): { ca?: string; cert?: string; key?: string } {
  const ca = flags.ca === undefined ? undefined : pem('--ca', flags.ca, /-----BEGIN CERTIFICATE-----/, 'certificate (-----BEGIN CERTIFICATE-----)');
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new BadInput('--cert and --key go together: give both (PEM files) or neither');
  const cert = flags.cert === undefined ? undefined : pem('--cert', flags.cert, /-----BEGIN CERTIFICATE-----/, 'certificate (-----BEGIN CERTIFICATE-----)');
  const key = flags.key === undefined ? undefined : pem('--key', flags.key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'private key (-----BEGIN PRIVATE KEY-----)');
  return { ca, cert, key };
}

function pem(flag: string, file: string, holds: RegExp, what: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadInput(`${flag}: cannot read ${file}: ${(error as Error).message}`);
  }
  if (!holds.test(text)) throw new BadInput(`${flag}: ${file} holds no PEM ${what}`);
  return text;
}
