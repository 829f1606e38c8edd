import { describe, expect, test } from '@jest/globals';
import { categoryMask, DEFAULT_VARIABLE_KEYS, maskToken, maskTokens, maskVariables } from '../../../src/learn/fingerprint/mask-tokens';

describe('maskVariables', () => {
  test.each([
    ['numbers and pids', 'Killed process 1234 (mysqld) after 30 seconds', 'Killed process <*> (mysqld) after <*> seconds'],
    ['IPv4 and port', 'Failed password for root from 203.0.113.5 port 52814 ssh2', 'Failed password for root from <*> port <*> <*>'],
    ['IPv6', 'Server listening on :: port 22.', 'Server listening on <*> port <*>.'],
    ['IPv6 in brackets with port', 'bind() to [::]:443 failed', 'bind() to <*> failed'],
    ['MAC address', 'MAC=52:54:00:ab:cd:ef seen', 'MAC=<*> seen'],
    ['hex', 'segfault at 7f3a2b1c ip 0x00007f3a2b1c error 4', 'segfault at <*> ip <*> error <*>'],
    ['UUID', 'mounted 123e4567-e89b-12d3-a456-426614174000 ok', 'mounted <*> ok'],
    ['path holding an id', "creating device node '/udev/vcs2'", "creating device node '<*>'"],
    ['ctime date', 'connection from 1.2.3.4 () at Fri Jun 17 07:07:00 2005', 'connection from <*> () at <*>'],
    ['syslog date inside a message', 'last seen Jun  7 08:06:15 here', 'last seen <*> here'],
    ['ISO timestamp', 'started at 2026-11-24T04:26:35.123+00:00 again', 'started at <*> again'],
    ['user= value that is a plain word', 'auth failure; uid=0 rhost=example.org user=root', 'auth failure; uid=<*> rhost=<*> user=<*>'],
    ['quoted value of a variable key', 'acct="alice" exe="/usr/sbin/sshd" res=success', 'acct="<*>" exe="<*>" res=success'],
    ['key=value kept when categorical', 'code=exited, status=1/FAILURE', 'code=exited, status=<*>/FAILURE'],
    ['empty value stays empty', 'logname= uid=0 ruser= rhost=', 'logname= uid=<*> ruser= rhost='],
    ['value inside brackets', 'session opened for user alice(uid=1000) by (uid=0)', 'session opened for user alice(uid=<*>) by (uid=<*>)'],
    ['tty=:0 folds into one wildcard', 'tty=:0 ruser=', 'tty=<*> ruser='],
    ['systemd unit name', 'nginx.service: Main process exited', '<*>: Main process exited'],
    ['templated unit', 'user@1000.service: Succeeded.', '<*>: Succeeded.'],
    ['unit with its description', 'Started nginx.service - A high performance web server.', 'Started <*> - <*>.'],
    ['unit description ending in dots', 'Starting mysql.service - MySQL Community Server...', 'Starting <*> - <*>...'],
    ['a message starting with its own ident[pid]:', 'mysqld[123]: ready for connections', '<*>: ready for connections'],
    ['ident[pid] later in the message is left alone', 'killed mysqld[123]: done', 'killed mysqld[<*>]: done'],
    ['whitespace collapses', '  check   pass;  user unknown ', 'check pass; user unknown'],
  ])('%s', (_name, input, expected) => {
    expect(maskVariables(input)).toBe(expected);
  });

  test('a plain word is never masked', () => {
    expect(maskVariables('check pass; user unknown')).toBe('check pass; user unknown');
    expect(maskVariables("Failed with result 'exit-code'.")).toBe("Failed with result 'exit-code'.");
  });

  test('masking is idempotent, so a template routes like the lines it came from', () => {
    const lines = [
      'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root',
      'audit: type=1400 audit(1700000000.123:45): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" pid=123',
      '[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:ab:cd:ef:52:54:00:12:34:56:08:00 SRC=1.2.3.4 DST=10.0.0.5 LEN=40 PROTO=TCP',
      'Started nginx.service - A high performance web server.',
    ];
    for (const l of lines) expect(maskVariables(maskVariables(l))).toBe(maskVariables(l));
  });

  test('a token longer than maxTokenLength is masked whole', () => {
    const blob = 'A'.repeat(100);
    expect(maskTokens(`key ${blob} end`)).toEqual(['key', '<*>', 'end']);
    expect(maskToken('ABCDEFGH', { variableKeys: new Set(), maxTokenLength: 4 })).toBe('<*>');
  });

  test('a message of many tokens is masked whole, and the next short one is unaffected', () => {
    const long = Array.from({ length: 300 }, (_, i) => (i % 2 ? `v${i}` : 'word')).join(' ');
    const tokens = maskTokens(long);
    expect(tokens).toHaveLength(300);
    expect(tokens.slice(0, 4)).toEqual(['word', '<*>', 'word', '<*>']);
    expect(maskTokens('a\tb  c')).toEqual(['a', 'b', 'c']);
  });

  test('variableKeys decides which plain-word values are masked', () => {
    const opts = { variableKeys: new Set(['host']), maxTokenLength: 64 };
    expect(maskVariables('user=root host=db', opts)).toBe('user=root host=<*>');
  });

  test('keepWordValues keeps plain-word values of variable keys for the parser to judge; identifiers are masked anyway', () => {
    const opts = { variableKeys: new Set(DEFAULT_VARIABLE_KEYS), maxTokenLength: 64, keepWordValues: true };
    expect(maskVariables('rhost=gw.example.org user=root', opts)).toBe('rhost=gw.example.org user=root');
    expect(maskVariables('user=u1042 acct="alice" (uid=0) user=a-very-long-user-name-that-is-no-category-at-all', opts))
      .toBe('user=<*> acct="<*>" (uid=<*>) user=<*>');
    expect(maskVariables('user=root')).toBe('user=<*>');
  });

  test('categoryMask masks exactly the kept plain-word values of variable keys', () => {
    const keys = new Set(DEFAULT_VARIABLE_KEYS);
    expect(categoryMask('user=root', keys)).toBe('user=<*>');
    expect(categoryMask('(user=root,host=db)', keys)).toBe('(user=<*>,host=<*>)');
    expect(categoryMask('code=exited,', keys)).toBeNull();
    expect(categoryMask('user=<*>', keys)).toBeNull();
    expect(categoryMask('ruser=', keys)).toBeNull();
  });
});
