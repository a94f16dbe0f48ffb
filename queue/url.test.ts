import { describe, expect, it } from 'vitest';
import { queueUrl } from './url.ts';

/** `--queue`: a redis:// URL with host and port; every other value is refused, naming it and what is allowed. */
describe('--queue URL', () => {
  it('reads host, port, database and credentials, and never shows the password', () => {
    expect(queueUrl('redis://127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379, db: 0, shown: 'redis://127.0.0.1:6379' });
    expect(queueUrl('redis://u:p%40ss@redis.lan:6380/3')).toEqual({
      host: 'redis.lan',
      port: 6380,
      db: 3,
      username: 'u',
      password: 'p@ss',
      shown: 'redis://u:***@redis.lan:6380/3',
    });
    expect(queueUrl('redis://:S3cret@[::1]:6379/15')).toMatchObject({ host: '::1', db: 15, password: 'S3cret', shown: 'redis://:***@[::1]:6379/15' });
  });

  it.each([
    ['http://127.0.0.1:6379', 'scheme http is not redis'],
    ['rediss://127.0.0.1:6379', 'scheme rediss is not redis'],
    ['127.0.0.1:6379', 'not a URL'],
    ['redis://127.0.0.1', 'no port'],
    ['redis://127.0.0.1:0', 'port 0 is no port'],
    ['redis://127.0.0.1:70000', 'not a URL (or a port outside 1-65535)'],
    ['redis://127.0.0.1:6379/16', 'database "16" is not a number from 0 to 15'],
    ['redis://127.0.0.1:6379/db', 'database "db" is not a number from 0 to 15'],
    ['redis://127.0.0.1:6379?db=1', 'no query or fragment is taken'],
    ['not a url', 'not a URL'],
  ])('refuses %s: %s', (value, why) => {
    expect(() => queueUrl(value)).toThrow(`got ${JSON.stringify(value)}: ${why}`);
    expect(() => queueUrl(value)).toThrow('expected redis://HOST:PORT or redis://HOST:PORT/DB');
  });
});
