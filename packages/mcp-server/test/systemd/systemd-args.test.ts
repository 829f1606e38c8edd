import { describe, test, expect } from '@jest/globals';
import { parseFailedUnits, parseShow } from '@ldm/core';
import { journalArgv, normalizeUnit, validateSince } from '../../src/systemd/systemd-args';

describe('unit names', () => {
  test('plain names become services; typed names stay', () => {
    expect(normalizeUnit('nginx')).toBe('nginx.service');
    expect(normalizeUnit('ldm-healthcheck.timer')).toBe('ldm-healthcheck.timer');
    expect(normalizeUnit('getty@tty1.service')).toBe('getty@tty1.service');
    expect(normalizeUnit('systemd-fsck@dev-disk-by\\x2duuid-1234.service')).toBe('systemd-fsck@dev-disk-by\\x2duuid-1234.service');
    expect(normalizeUnit('php8.2-fpm')).toBe('php8.2-fpm.service');
  });
  test.each(['--help', '-x', 'nginx; reboot', 'a b', '$(reboot)', '../etc/passwd', 'nginx\nreboot', '', 'x'.repeat(300)])('rejects %j', (bad) => {
    expect(() => normalizeUnit(bad)).toThrow(/not a valid systemd unit name/);
  });
});

describe('since', () => {
  test.each(['today', 'yesterday', '-1h', '-30min', '30 min ago', '2 days ago', '2026-11-24', '2026-11-24 04:00', '2026-11-24T04:00:05'])('accepts %j', (s) => {
    expect(validateSince(s)).toBe(s);
  });
  test.each(['$(reboot)', '--until=now', '1h', 'last tuesday', '2026-11-24; reboot'])('rejects %j naming it', (s) => {
    expect(() => validateSince(s)).toThrow(JSON.stringify(s));
  });
});

test('journalArgv passes every value as one --option=value element', () => {
  expect(journalArgv('journalctl', { unit: 'nginx', priority: 'err', since: '-1h', boot: -1, grep: '-e reboot', lines: 50 })).toEqual([
    'journalctl', '--output=short-iso', '--no-pager', '--quiet', '--lines=50', '--unit=nginx.service', '--priority=err', '--since=-1h', '--boot=-1', '--grep=-e reboot',
  ]);
});

test('parseShow and parseFailedUnits', () => {
  expect(parseShow('Id=nginx.service\nActiveState=failed\nDescription=A=B\n')).toEqual({ Id: 'nginx.service', ActiveState: 'failed', Description: 'A=B' });
  expect(parseFailedUnits('● nginx.service loaded failed failed A web server\nx.mount loaded failed failed Mount\n')).toEqual([
    { unit: 'nginx.service', load: 'loaded', active: 'failed', sub: 'failed', description: 'A web server' },
    { unit: 'x.mount', load: 'loaded', active: 'failed', sub: 'failed', description: 'Mount' },
  ]);
});
