import { BadInput } from '../io/inputErrors.ts';

/**
 * Where a distributed sweep's runs wait: one BullMQ queue on one Redis
 * (`--queue redis://HOST:PORT[/DB]`), shared by every sweep and every
 * worker that names the same Redis and database.
 */
export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** The URL as given, password hidden: for messages. */
  shown: string;
}

const ALLOWED = 'expected redis://HOST:PORT or redis://HOST:PORT/DB (DB 0-15; an optional user:password@ before HOST)';

/** The `--queue` option: a redis:// URL; anything else is bad input naming the value and what is allowed. */
export function queueUrl(value: string): RedisTarget {
  const bad = (why: string) => new BadInput(`got ${JSON.stringify(value)}: ${why}; ${ALLOWED}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('not a URL (or a port outside 1-65535)');
  }
  if (url.protocol !== 'redis:') throw bad(`scheme ${url.protocol.replace(/:$/, '')} is not redis`);
  if (url.hostname === '') throw bad('no host');
  if (url.search !== '' || url.hash !== '') throw bad('no query or fragment is taken');
  // A port is required: a default would hide which Redis a farm shares.
  if (url.port === '') throw bad('no port');
  if (url.port === '0') throw bad('port 0 is no port a Redis listens on');
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^([0-9]|1[0-5])$/.test(path)) throw bad(`database ${JSON.stringify(path)} is not a number from 0 to 15`);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port),
    db: path === '' ? 0 : Number(path),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(password === undefined ? {} : { password }),
    shown: password === undefined ? value : value.replace(`:${url.password}@`, ':***@'),
  };
}
