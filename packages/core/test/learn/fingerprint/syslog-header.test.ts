import { describe, expect, test } from '@jest/globals';
import { loadLoghub2k } from '../../../../../bench/fingerprint-data';
import { splitSyslogHeader, syslogMessage } from '../../../src/learn/fingerprint/syslog-header';

describe('splitSyslogHeader', () => {
  test('BSD syslog with ident(sub)[pid]', () => {
    expect(splitSyslogHeader('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown')).toEqual({
      header: { timestamp: 'Jun 14 15:16:01', host: 'combo', ident: 'sshd(pam_unix)', pid: 19939, uptime: null },
      message: 'check pass; user unknown',
    });
  });

  test('space-padded day and an ident without pid', () => {
    const r = splitSyslogHeader('Jul  7 08:06:15 combo kernel: Linux version 2.6.5-1.358');
    expect(r.header).toMatchObject({ timestamp: 'Jul  7 08:06:15', host: 'combo', ident: 'kernel', pid: null });
    expect(r.message).toBe('Linux version 2.6.5-1.358');
  });

  test('"-- name[pid]:" as rsyslog writes some programs', () => {
    const r = splitSyslogHeader('Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2');
    expect(r.header).toMatchObject({ ident: 'root', pid: 2421 });
    expect(r.message).toBe('ROOT LOGIN ON tty2');
  });

  test('journalctl -o short-iso', () => {
    const r = splitSyslogHeader('2026-11-24T04:26:35+0000 vm1 systemd[1]: nginx.service: Deactivated successfully.');
    expect(r.header).toEqual({ timestamp: '2026-11-24T04:26:35+0000', host: 'vm1', ident: 'systemd', pid: 1, uptime: null });
    expect(r.message).toBe('nginx.service: Deactivated successfully.');
  });

  test('short-iso-precise, and the kernel uptime stamp', () => {
    const r = splitSyslogHeader('2026-11-24T04:26:35.123456+00:00 vm1 kernel: [ 1234.567890] [UFW BLOCK] IN=eth0');
    expect(r.header).toMatchObject({ timestamp: '2026-11-24T04:26:35.123456+00:00', ident: 'kernel', uptime: '[ 1234.567890]' });
    expect(r.message).toBe('[UFW BLOCK] IN=eth0');
  });

  test("a collector's prefix (Loghub Thunderbird): tag, epoch, dotted date, node, then the syslog line", () => {
    const r = splitSyslogHeader('- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond[2916]: (root) CMD (run-parts /etc/cron.hourly)');
    expect(r.header).toEqual({ timestamp: 'Nov 9 12:01:01', host: 'dn228/dn228', ident: 'crond', pid: 2916, uptime: null });
    expect(r.message).toBe('(root) CMD (run-parts /etc/cron.hourly)');
    expect(syslogMessage('VAPI 1131566700 2005.11.09 tbird-admin1 Nov 10 00:05:00 local@tbird-admin1 kernel: hda: drive not ready')).toBe('hda: drive not ready');
    // The shape alone is not enough: without a syslog timestamp after it, nothing is stripped.
    expect(splitSyslogHeader('- 1131566461 2005.11.09 dn228 the rest').header).toBeNull();
  });

  test('every Thunderbird_2k line has its header recognised', () => {
    const lines = loadLoghub2k('Thunderbird').raw;
    expect(lines.filter((l) => splitSyslogHeader(l).header === null)).toEqual([]);
  });

  test('"syslogd 1.4.1:" — an ident followed by its version', () => {
    const r = splitSyslogHeader('Jun 19 04:08:57 combo syslogd 1.4.1: restart.');
    expect(r.header).toMatchObject({ ident: 'syslogd', pid: null });
    expect(r.message).toBe('restart.');
  });

  test('a <PRI> prefix is skipped', () => {
    expect(splitSyslogHeader('<13>Jun 14 15:16:01 host app: hello').message).toBe('hello');
  });

  test('a line with a timestamp and host but no ident keeps its text as the message', () => {
    const r = splitSyslogHeader('Jun 14 15:16:01 combo -- MARK --');
    expect(r.header).toMatchObject({ host: 'combo', ident: null });
    expect(r.message).toBe('-- MARK --');
  });

  test('a line without a header is the message', () => {
    for (const l of ['check pass; user unknown', 'June 14 15:16:01 x y: z', '2026-11-24 oops', '']) {
      expect(splitSyslogHeader(l)).toEqual({ header: null, message: l });
    }
  });

  test('a colon inside the first message word is not an ident', () => {
    const r = splitSyslogHeader('Jun 14 15:16:01 combo a:b c');
    expect(r.header).toMatchObject({ ident: null });
    expect(r.message).toBe('a:b c');
  });

  test('syslogMessage gives the same message as splitSyslogHeader', () => {
    for (const l of [
      'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown',
      'Jun 19 04:08:57 combo syslogd 1.4.1: restart.',
      '2026-11-24T04:26:35.123456+00:00 vm1 kernel: [ 1234.567890] [UFW BLOCK] IN=eth0',
      'no header here',
    ]) {
      expect(syslogMessage(l)).toBe(splitSyslogHeader(l).message);
    }
  });
});
