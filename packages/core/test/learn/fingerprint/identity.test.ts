import { describe, expect, test } from '@jest/globals';
import { compareTokens, compareVerdict, HARD } from '../../../src/learn/fingerprint/compare-tokens';
import { escapeControlChars } from '../../../src/text/control-chars';
import { Fingerprinter } from '../../../src/learn/fingerprint/fingerprinter';
import { digestIncidents } from '../../../src/briefing/briefing-digest';
import { isConstantWord, isSubsystemName, maskVariables } from '../../../src/learn/fingerprint/mask-tokens';

// Discriminating tokens are part of a failure's identity (issue #15, docs/fingerprint.md
// "What is kept"): two lines that differ in one are two groups, however many times each is seen;
// two lines that differ only in instance values are one.

/** True when the parser, after learning both lines (each `times` times), gives them one group. */
function sameGroup(a: string, b: string, times = 1): boolean {
  const fp = new Fingerprinter();
  let ia = '';
  let ib = '';
  for (let k = 0; k < times; k++) {
    ia = fp.learn(a).fingerprint;
    ib = fp.learn(b).fingerprint;
  }
  return fp.resolve(ia) === fp.resolve(ib);
}

// Deterministic pseudo-random instance values, so a failure names its input.
function* instances(n: number): Generator<{ pid: number; port: number; ip: string; size: number; dev: string }> {
  let s = 1234567;
  const next = (m: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % m;
  };
  for (let k = 0; k < n; k++) {
    yield {
      pid: 1 + next(4_000_000),
      port: 1 + next(65535),
      ip: `${next(224)}.${next(256)}.${next(256)}.${1 + next(254)}`,
      size: next(1 << 30),
      dev: `sd${String.fromCharCode(97 + next(26))}${1 + next(9)}`,
    };
  }
}

describe('discriminating tokens', () => {
  test.each([
    ['result words', "nginx.service: Failed with result 'exit-code'.", "nginx.service: Failed with result 'oom-kill'."],
    ['result words (timeout, core-dump)', "mysql.service: Failed with result 'timeout'.", "mysql.service: Failed with result 'core-dump'."],
    ['exit status names', 'nginx.service: Main process exited, code=exited, status=203/EXEC', 'nginx.service: Main process exited, code=exited, status=1/FAILURE'],
    ['signal names', 'app.service: Main process exited, code=killed, status=9/KILL', 'app.service: Main process exited, code=killed, status=15/TERM'],
    ['exit code kinds', 'app.service: Main process exited, code=killed, status=9/KILL', 'app.service: Main process exited, code=dumped, status=9/KILL'],
    ['errno numbers and text', 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)', 'nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)'],
    ['errno names', 'open /etc/app.conf failed: ENOENT', 'open /etc/app.conf failed: EACCES'],
    ['signal names as words', 'worker process exited on signal SIGSEGV', 'worker process exited on signal SIGKILL'],
    ['subsystem in the first token', 'EXT4-fs error (device sda1): ext4_lookup:1855: inode #2: comm ls: deleted inode referenced: 12', 'XFS-fs error (device sda1): ext4_lookup:1855: inode #2: comm ls: deleted inode referenced: 12'],
  ])('%s: two groups, even after many lines of each', (_name, a, b) => {
    expect(sameGroup(a, b)).toBe(false);
    expect(sameGroup(a, b, 20)).toBe(false);
  });

  test('a subsystem first token is kept in the template; an instance counter is not', () => {
    expect(maskVariables('EXT4-fs error (device sda1): ext4_find_entry:1455: reading directory lblock 0')).toBe('EXT4-fs error (device <*>): <*>: reading directory lblock <*>');
    expect(maskVariables('e1000e: eth0 NIC Link is Down')).toBe('e1000e: <*> NIC Link is Down');
    expect(maskVariables('sda1: rw=0, want=7, limit=6')).toBe('<*>: rw=<*>, want=<*>, limit=<*>');
    expect(isSubsystemName('EXT4-fs')).toBe(true);
    expect(isSubsystemName('mlx5_core:')).toBe(true);
    for (const id of ['sda1', 'eth0', 'dn228', 'cpu3', 'usb1-1', 'deadbeef1a2b', '4f3a9c21e']) expect(isSubsystemName(id)).toBe(false);
  });

  test('the status word of N/WORD and an errno number survive masking; the code does not', () => {
    expect(maskVariables('Main process exited, code=exited, status=203/EXEC')).toBe('Main process exited, code=exited, status=<*>/EXEC');
    expect(maskVariables('bind() to 0.0.0.0:80 failed (98: Address already in use)')).toBe('bind() to <*> failed (98: Address already in use)');
    // A number that is not an errno's place stays a variable.
    expect(maskVariables('restart counter is at 5 (tries: 3)')).toBe('restart counter is at <*> (tries: <*>)');
  });

  test('capitals words are constants; mixed case and single letters are not', () => {
    for (const w of ['EXEC', 'FAILURE', 'KILL', 'SIGSEGV', 'ENOENT', 'GET', 'TIME_WAIT']) expect(isConstantWord(w)).toBe(true);
    for (const w of ['Exec', 'exec', 'A', 'ETH0', 'x86_64', '']) expect(isConstantWord(w)).toBe(false);
    expect(compareVerdict('EXEC', 'FAILURE')).toBe(HARD);
    expect(compareVerdict("'exit-code'.", "'oom-kill'.")).toBe(HARD);
    // Double-quoted values of a key are data, whatever their case.
    expect(compareTokens('tag="SCREEN_FROZEN",', 'tag="WINDOW_LOCK",').verdict).not.toBe(HARD);
  });

  test('instance values (pids, ports, addresses, sizes, devices) never split a group', () => {
    const fp = new Fingerprinter();
    const ids = new Set<string>();
    for (const v of instances(300)) {
      for (const line of [
        `nginx: [emerg] bind() to ${v.ip}:${v.port} failed (98: Address already in use)`,
        `Out of memory: Killed process ${v.pid} (mysqld) total-vm:${v.size}kB, anon-rss:${v.size >> 3}kB`,
        `EXT4-fs error (device ${v.dev}): ext4_find_entry:${v.port}: inode #${v.pid}: comm ls: reading directory lblock 0`,
        `app.service: Main process exited, code=exited, status=${1 + (v.pid % 200)}/FAILURE`,
        `Accepted publickey for root from ${v.ip} port ${v.port} ssh2`,
      ]) ids.add(`${line.slice(0, 12)} ${fp.resolve(fp.learn(line).fingerprint)}`);
    }
    const groups = new Set([...ids].map((x) => x.split(' ')[1]));
    expect(groups.size).toBe(5);
  });

  test('property: any two status words, errno names or quoted results give two groups; any instance values one', () => {
    let seed = 42;
    const rnd = (m: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % m;
    };
    const word = (upper: boolean): string => {
      const n = 3 + rnd(6);
      let w = '';
      for (let k = 0; k < n; k++) w += String.fromCharCode((upper ? 65 : 97) + rnd(26));
      return w;
    };
    for (let k = 0; k < 60; k++) {
      const [a, b] = [word(true), word(true)];
      const [x, y] = [`${word(false)}-${word(false)}`, `${word(false)}-${word(false)}`];
      if (a === b || x === y) continue;
      const code = 1 + rnd(250);
      const cases: Array<[string, string]> = [
        [`u${k}.service: Main process exited, code=exited, status=${code}/${a}`, `u${k}.service: Main process exited, code=exited, status=${code}/${b}`],
        [`open /etc/app${k}.conf failed: E${a}`, `open /etc/app${k}.conf failed: E${b}`],
        [`u${k}.service: Failed with result '${x}'.`, `u${k}.service: Failed with result '${y}'.`],
      ];
      for (const [one, other] of cases) expect({ one, other, same: sameGroup(one, other, 3) }).toMatchObject({ same: false });
      const v = `${rnd(256)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
      expect(sameGroup(`Accepted publickey for ${word(false)} from ${v} port ${rnd(65536)} ssh2`, `Accepted publickey for ${word(false)} from 10.0.0.${rnd(256)} port ${rnd(65536)} ssh2`, 3)).toBe(true);
    }
  });

  test('a variable followed by punctuation takes a value of another shape (LOCAL(0), vs 10.0.0.1,)', () => {
    const fp = new Fingerprinter();
    const a = fp.learn('synchronized to 10.100.20.250, stratum 3').fingerprint;
    fp.learn('synchronized to 10.100.18.12, stratum 2');
    const b = fp.learn('synchronized to LOCAL(0), stratum 10').fingerprint;
    expect(fp.resolve(b)).toBe(fp.resolve(a));
  });

  test('a token over maxTokenLength keeps the punctuation after it', () => {
    const long = 'x'.repeat(80);
    expect(maskVariables(`ciod: failed to read ${long}: No such file`)).toBe('ciod: failed to read <*>: No such file');
  });
});

describe('control characters', () => {
  test('escapeControlChars writes each as a visible \\xNN and leaves other text alone', () => {
    expect(escapeControlChars('a\x1b[31mred\x00\x7f\x9bz\ttab')).toBe('a\\x1b[31mred\\x00\\x7f\\x9bz\ttab');
    expect(escapeControlChars('plain text, ünïcode')).toBe('plain text, ünïcode');
  });

  test('never reach a template, whatever the line holds', () => {
    const fp = new Fingerprinter();
    const templates: string[] = [];
    for (let c = 0; c < 0xa0; c++) {
      if (c >= 0x20 && c < 0x7f) continue;
      const ch = String.fromCharCode(c);
      for (const line of [`evil${ch}word here`, `${ch}[2J${ch}]0;title${ch}\\ alert`, `user ${ch} logged in`]) {
        templates.push(fp.learn(line).template, maskVariables(line));
      }
    }
    for (const t of templates) expect(t).not.toMatch(/[\x00-\x08\x0e-\x1f\x7f-\x9f]/);
  });
});

describe('control characters in the briefing', () => {
  test('an incident summary holding ESC and NUL is shown escaped', () => {
    const incident = {
      id: 'inc-1', time: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z', count: 1, source: 'healthcheck' as const, severity: 'crit' as const,
      summary: 'disk \x1b]0;pwned\x07 full\x00 now', evidence: [], fingerprints: [], status: 'open' as const,
    };
    const [line] = digestIncidents({ version: 1, incidents: [incident] }, null).lines;
    expect(line!.summary).not.toMatch(/[\x00-\x08\x0e-\x1f\x7f-\x9f]/);
    expect(line!.summary).toBe('disk \\x1b]0;pwned\\x07 full\\x00 now');
  });
});
