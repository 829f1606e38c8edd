import { describe, expect, test } from '@jest/globals';
import { parseConfig } from '@ldm/core';

const parse = (custom: unknown) => parseConfig({ healthcheck: { custom } }, '/etc/ldm/config.json');
const errorOf = (custom: unknown) => {
  try {
    parse(custom);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('healthcheck.custom', () => {
  test('a check of each kind is accepted, with its defaults', () => {
    const config = parse([
      { id: 'web', kind: 'http', url: 'https://127.0.0.1:8443/health', keyword: 'ok', action: { restart: 'web.service' } },
      { id: 'db', kind: 'tcp', host: '127.0.0.1', port: 5432 },
      { id: 'cert', kind: 'tls', file: '/etc/ssl/site.pem' },
      { id: 'worker', kind: 'unit', unit: 'worker.service', sub: 'running' },
      { id: 'redis', kind: 'process', name: 'redis-server', memMiB: { warn: 200, crit: 400 } },
      { id: 'backup', kind: 'path', path: '/var/backups/db.gz', ageSec: { warn: 93_600, crit: 180_000 } },
      { id: 'plugin', kind: 'nagios', command: ['/usr/lib/nagios/plugins/check_procs', '-w', '100'], failAfter: { failures: 2, runs: 3 } },
    ]);
    const [web, , cert, , , , plugin] = config.healthcheck.custom;
    expect(web).toMatchObject({ enabled: true, method: 'GET', certDays: { warn: 14, crit: 3 }, failAfter: { failures: 1, runs: 1 }, severity: 'crit', timeoutMs: 5000 });
    expect(cert).toMatchObject({ port: 443, days: { warn: 14, crit: 3 } });
    expect(plugin!.failAfter).toEqual({ failures: 2, runs: 3 });
    expect(parseConfig({}, 'x').healthcheck.custom).toEqual([]);
  });

  test('an unknown kind is an error that names the kind and the index', () => {
    const message = errorOf([{ id: 'a', kind: 'tcp', host: 'h', port: 1 }, { id: 'b', kind: 'smtp', host: 'h' }]);
    expect(message).toContain('healthcheck.custom.1.kind');
    expect(message).toContain('"smtp"');
  });

  test('an unknown key is an error that names the key and the index', () => {
    const message = errorOf([{ id: 'web', kind: 'http', url: 'http://127.0.0.1/', keywrd: 'ok' }]);
    expect(message).toMatch(/healthcheck\.custom\.0.*keywrd/);
  });

  test('ids are unique and never a built-in check id', () => {
    expect(errorOf([{ id: 'x', kind: 'tcp', host: 'h', port: 1 }, { id: 'x', kind: 'tcp', host: 'h', port: 2 }])).toMatch(/healthcheck\.custom\.1\.id.*"x".*custom\[0\]/);
    expect(errorOf([{ id: 'disk', kind: 'path', path: '/' }])).toMatch(/healthcheck\.custom\.0\.id.*"disk"/);
    expect(errorOf([{ id: 'a b', kind: 'path', path: '/' }])).toContain('healthcheck.custom.0.id');
  });

  test('shapes that cannot be checked are refused', () => {
    expect(errorOf([{ id: 't', kind: 'tls', host: 'h', file: '/x.pem' }])).toContain('healthcheck.custom.0');
    expect(errorOf([{ id: 'p', kind: 'process' }])).toContain('healthcheck.custom.0');
    expect(errorOf([{ id: 'w', kind: 'http', url: 'ftp://h/' }])).toContain('healthcheck.custom.0.url');
    expect(errorOf([{ id: 'w', kind: 'unit', unit: 'x.service', action: { restart: 'x.service; reboot' } }])).toContain('healthcheck.custom.0.action');
    expect(errorOf([{ id: 'f', kind: 'tcp', host: 'h', port: 1, failAfter: { failures: 3, runs: 2 } }])).toContain('healthcheck.custom.0.failAfter');
  });
});
