import { describe, expect, test } from '@jest/globals';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerMatches, readTokenFile } from '../../src/http/bearer-token';
import { checkOriginAndHost, defaultOriginPolicy } from '../../src/http/origin-guard';
import { isLoopbackHost, parseListenAddress } from '../../src/http/listen-address';
import { RateLimiter } from '../../src/http/rate-limiter';
import { listenFdFromEnv, watchdogIntervalMs } from '../../src/http/systemd-integration';
import { checkHttpStartup } from '../../src/http/startup-rules';

const TOKEN = 'k'.repeat(40);

describe('listen address', () => {
  test.each([
    ['127.0.0.1:8765', { host: '127.0.0.1', port: 8765 }],
    [':9000', { host: '127.0.0.1', port: 9000 }],
    ['[::1]:8765', { host: '::1', port: 8765 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
  ])('%s', (value, expected) => expect(parseListenAddress(value)).toEqual(expected));

  test.each(['8765', '127.0.0.1', '127.0.0.1:-1', '127.0.0.1:70000', '[nothex]:1', 'a:b:c'])('%s is refused by name', (value) => {
    expect(() => parseListenAddress(value)).toThrow(JSON.stringify(value));
  });

  test('loopback means this machine only', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.1', 'example.org', '128.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });

  test('no token means no start; the test-only flag works on loopback alone', () => {
    expect(checkHttpStartup('127.0.0.1', true, false)).toBeNull();
    expect(checkHttpStartup('127.0.0.1', false, true)).toBeNull();
    expect(checkHttpStartup('127.0.0.1', false, false)).toMatch(/no bearer token/);
    expect(checkHttpStartup('0.0.0.0', false, true)).toMatch(/only allowed on a loopback/);
    expect(checkHttpStartup('0.0.0.0', true, true)).toMatch(/only allowed on a loopback/);
  });
});

describe('bearer token', () => {
  test('only the exact token passes', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    for (const h of [undefined, '', 'Bearer', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`]) {
      expect({ h, ok: bearerMatches(h, TOKEN) }).toEqual({ h, ok: false });
    }
  });

  test('the token file must be private and hold a real token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-token-'));
    const file = join(dir, 'http-token');
    await writeFile(file, `${TOKEN}\n`, { mode: 0o600 });
    expect(await readTokenFile(file)).toBe(TOKEN);
    await chmod(file, 0o644);
    await expect(readTokenFile(file)).rejects.toThrow(/readable by others \(mode 644\)/);
    await writeFile(join(dir, 'short'), 'abc', { mode: 0o600 });
    await expect(readTokenFile(join(dir, 'short'))).rejects.toThrow(/at least 32/);
    await expect(readTokenFile(join(dir, 'missing'))).rejects.toThrow(/couldn't read the token file/);
  });
});

describe('Host and Origin (DNS rebinding)', () => {
  const policy = defaultOriginPolicy('127.0.0.1', 8765);
  test('local names on the right port pass; a request without Origin passes', () => {
    for (const host of ['127.0.0.1:8765', 'localhost:8765', '[::1]:8765', 'LOCALHOST:8765']) expect(checkOriginAndHost({ host }, policy)).toEqual({ ok: true });
    expect(checkOriginAndHost({ host: 'localhost:8765', origin: 'http://localhost:8765' }, policy)).toEqual({ ok: true });
  });
  test('a rebinding page is refused by Host or by Origin', () => {
    expect(checkOriginAndHost({ host: 'evil.example:8765' }, policy)).toMatchObject({ ok: false, reason: expect.stringContaining('evil.example') });
    expect(checkOriginAndHost({ host: '127.0.0.1:8765', origin: 'http://evil.example' }, policy)).toMatchObject({ ok: false });
    expect(checkOriginAndHost({ host: '127.0.0.1:9999' }, policy)).toMatchObject({ ok: false });
    expect(checkOriginAndHost({}, policy)).toMatchObject({ ok: false });
    expect(checkOriginAndHost({ host: '127.0.0.1:8765', origin: 'null' }, policy)).toMatchObject({ ok: false });
  });
  test('configured extras are accepted', () => {
    const p = defaultOriginPolicy('127.0.0.1', 8765, ['mcp.example.org'], ['https://app.example.org']);
    expect(checkOriginAndHost({ host: 'mcp.example.org', origin: 'https://app.example.org/' }, p)).toEqual({ ok: true });
  });
});

describe('rate limiter', () => {
  test('a burst, then the sustained rate, per client', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 3 });
    const t = 1_000_000;
    expect([1, 2, 3].map(() => limiter.take('a', t))).toEqual([0, 0, 0]);
    expect(limiter.take('a', t)).toBe(1);
    expect(limiter.take('b', t)).toBe(0);
    expect(limiter.take('a', t + 1000)).toBe(0);
    expect(limiter.take('a', t + 1000)).toBeGreaterThan(0);
  });
  test('attempt() says which refusal is the first since the client was last let through', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 1 });
    const t = 1_000_000;
    expect(limiter.attempt('a', t)).toEqual({ wait: 0, first: false });
    expect(limiter.attempt('a', t)).toEqual({ wait: 1, first: true });
    expect(limiter.attempt('a', t)).toEqual({ wait: 1, first: false });
    expect(limiter.attempt('a', t + 1000)).toEqual({ wait: 0, first: false });
    expect(limiter.attempt('a', t + 1000).first).toBe(true);
  });
    test('the client table is bounded', () => {
    const limiter = new RateLimiter({ perMinute: 60, burst: 1 }, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0);
    expect(limiter.take('a', 0)).toBe(0);
  });
});

describe('systemd integration', () => {
  test('LISTEN_FDS is used only when meant for this process', () => {
    expect(listenFdFromEnv({ LISTEN_FDS: '1', LISTEN_PID: '42' }, 42)).toBe(3);
    expect(listenFdFromEnv({ LISTEN_FDS: '1', LISTEN_PID: '41' }, 42)).toBeNull();
    expect(listenFdFromEnv({}, 42)).toBeNull();
  });
  test('the watchdog pings at half of WatchdogSec', () => {
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 1)).toBe(15_000);
    expect(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '2' }, 1)).toBeNull();
    expect(watchdogIntervalMs({}, 1)).toBeNull();
  });
});
