import { describe, expect, test } from '@jest/globals';
import { Fingerprinter } from '../../../src/learn/fingerprint/fingerprinter';
import { FingerprinterStateSchema } from '../../../src/learn/fingerprint/fingerprinter-state';

describe('Fingerprinter', () => {
  test('the same event with other variable values gets the same fingerprint', () => {
    const fp = new Fingerprinter();
    const a = fp.learn('Failed password for root from 203.0.113.5 port 52814 ssh2');
    const b = fp.learn('Failed password for root from 198.51.100.77 port 40022 ssh2');
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.template).toBe('Failed password for root from <*> port <*> <*>');
    expect(a.fingerprint).toMatch(/^[0-9a-f]{12}$/);
  });

  test('a plain word that varies becomes <*>, and the id stays the one the first line got', () => {
    const fp = new Fingerprinter();
    const first = fp.learn('session closed for user cyrus');
    const second = fp.learn('session closed for user news');
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.template).toBe('session closed for user <*>');
    expect(fp.template(first.fingerprint)).toBe('session closed for user <*>');
    expect(fp.learn('session closed for user cyrus').fingerprint).toBe(first.fingerprint);
  });

  describe('categorical vs identifier values of variable keys', () => {
    const line = (user: string, host: string): string =>
      `authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=${host} user=${user}`;

    test('a few recurring plain-word values are categories: each its own group', () => {
      const fp = new Fingerprinter();
      const ids = ['root', 'guest', 'test', 'root', 'guest', 'root'].map((u, k) => fp.learn(line(u, `10.0.0.${k}`)).fingerprint);
      expect(new Set(ids).size).toBe(3);
      expect(fp.template(ids[0]!)).toBe('authentication failure; logname= uid=<*> euid=<*> tty=NODEVssh ruser= rhost=<*> user=root');
      expect(ids[3]).toBe(ids[0]);
    });

    test('more distinct values than maxCategoryValues make the slot an identifier: one group, old ids resolve to it', () => {
      const fp = new Fingerprinter({ maxCategoryValues: 4 });
      const users = ['alice', 'bob', 'carol', 'dave'];
      const early = users.map((u) => fp.learn(line(u, 'gw.example.org')).fingerprint);
      expect(new Set(early).size).toBe(4);
      const fifth = fp.learn(line('eve', 'gw.example.org'));
      expect(fifth.template).toBe('authentication failure; logname= uid=<*> euid=<*> tty=NODEVssh ruser= rhost=gw.example.org user=<*>');
      for (const id of early) expect(fp.resolve(id)).toBe(fifth.fingerprint);
      // From then on any user joins it, and so do the first four.
      expect(fp.learn(line('mallory', 'gw.example.org')).fingerprint).toBe(fifth.fingerprint);
      expect(fp.learn(line('alice', 'gw.example.org')).fingerprint).toBe(fifth.fingerprint);
      expect(fp.size).toBe(1);
      // The slot that never varied keeps its value; one that did is now <*> for everyone.
      const other = fp.learn(line('root', 'other.example.org'));
      expect(other.fingerprint).not.toBe(fifth.fingerprint);
    });

    test('values that look like identifiers are masked at once; maxCategoryValues 0 masks words too', () => {
      const fp = new Fingerprinter();
      expect(fp.learn('pam_unix: check pass; user=u1042').template).toBe('pam_unix: check pass; user=<*>');
      const strict = new Fingerprinter({ maxCategoryValues: 0 });
      expect(strict.learn(line('root', '1.2.3.4')).template).toMatch(/ user=<\*>$/);
      expect(strict.learn(line('guest', '1.2.3.5')).fingerprint).toBe(strict.learn(line('root', '1.2.3.6')).fingerprint);
    });

    test('categories survive a save and restore', () => {
      const fp = new Fingerprinter();
      const root = fp.learn(line('root', '1.1.1.1')).fingerprint;
      const guest = fp.learn(line('guest', '1.1.1.2')).fingerprint;
      const back = Fingerprinter.fromJSON(JSON.parse(JSON.stringify(fp.toJSON())));
      expect(back.match(line('root', '2.2.2.2'))?.fingerprint).toBe(root);
      expect(back.match(line('guest', '2.2.2.3'))?.fingerprint).toBe(guest);
    });
  });

  test('unrelated lines sharing a prefix stay apart', () => {
    const fp = new Fingerprinter();
    const ids = new Set(
      [
        'session opened for user cyrus by (uid=0)',
        'session opened for user root by LOGIN(uid=0)',
        'authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=1.2.3.4',
        'authentication failure; logname= uid=0 euid=0 tty=:0 ruser= rhost=',
        'Connection closed by 1.2.3.4 port 22',
        'Connection reset by peer',
        'nginx.service: Main process exited, code=exited, status=1/FAILURE',
        'nginx.service: Main process exited, code=killed, status=9/KILL',
      ].map((l) => fp.learn(l).fingerprint),
    );
    expect(ids.size).toBe(8);
  });

  test('an empty value is an instance of a variable slot', () => {
    const fp = new Fingerprinter();
    const a = fp.learn('connection from 1.2.3.4 (host-1-2-3-4.example.net) at Fri Jun 17 07:07:00 2005');
    const b = fp.learn('connection from 5.6.7.8 () at Wed Jul 27 10:59:53 2005');
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  test('units are the subject, not the event: systemd lines of different units group', () => {
    const fp = new Fingerprinter();
    const a = fp.learn("nginx.service: Failed with result 'exit-code'.");
    const b = fp.learn("mysql.service: Failed with result 'exit-code'.");
    const c = fp.learn('Started nginx.service - A high performance web server and a reverse proxy server.');
    const d = fp.learn('Started certbot.service - Certbot.');
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(d.fingerprint).toBe(c.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  test('long key=value lines group by their keys though optional fields change the token count', () => {
    const fp = new Fingerprinter();
    const tcp = fp.learn(
      '[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:ab:cd:ef:52:54:00:12:34:56:08:00 SRC=1.2.3.4 DST=10.0.0.5 LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=54321 PROTO=TCP SPT=1234 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0',
    );
    const udp = fp.learn(
      '[UFW BLOCK] IN=ens3 OUT= MAC=02:00:17:00:aa:bb:00:00:17:cc:dd:ee:08:00 SRC=5.6.7.8 DST=10.0.0.5 LEN=76 TOS=0x00 PREC=0x00 TTL=50 ID=1 DF PROTO=UDP SPT=123 DPT=123 LEN=56',
    );
    const allow = fp.learn(
      '[UFW ALLOW] IN=eth0 OUT= MAC=52:54:00:ab:cd:ef:52:54:00:12:34:56:08:00 SRC=1.2.3.4 DST=10.0.0.5 LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=54321 PROTO=TCP SPT=1234 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0',
    );
    expect(udp.fingerprint).toBe(tcp.fingerprint);
    expect(allow.fingerprint).not.toBe(tcp.fingerprint);
  });

  test('a first token with three variants, the rest equal, becomes a variable; old ids resolve to the merged group', () => {
    const fp = new Fingerprinter();
    const oom = (comm: string) => `${comm} invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0`;
    const a = fp.learn(oom('mysqld')).fingerprint;
    const b = fp.learn(oom('java')).fingerprint;
    expect(b).not.toBe(a);
    const c = fp.learn(oom('node'));
    expect(c.fingerprint).toBe(a);
    expect(c.template).toBe('<*> invoked oom-killer: gfp_mask=<*>(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=<*>, oom_score_adj=<*>');
    expect(fp.resolve(b)).toBe(a);
    expect(fp.template(b)).toBe(c.template);
    expect(fp.learn(oom('redis-server')).fingerprint).toBe(a);
    expect(fp.learn(oom('java')).fingerprint).toBe(a);
    expect(fp.size).toBe(1);
    // The aliases survive a restart.
    const restored = Fingerprinter.fromJSON(JSON.parse(JSON.stringify(fp.toJSON())));
    expect(restored.resolve(b)).toBe(a);
    expect(restored.learn(oom('php-fpm')).fingerprint).toBe(a);
  });

  test('a new first-token variant joins the merged group even when too short to pass the threshold', () => {
    const fp = new Fingerprinter({ similarityThreshold: 0.9 });
    const ids = ['alpha', 'bravo', 'charlie', 'delta'].map((w) => fp.learn(`${w} went down now`).fingerprint);
    expect(new Set(ids.map((id) => fp.resolve(id))).size).toBe(1);
    expect(fp.size).toBe(1);
  });

  test('two first-token variants are two events', () => {
    const fp = new Fingerprinter();
    const failed = fp.learn('Failed password for root from 203.0.113.5 port 52814 ssh2').fingerprint;
    const accepted = fp.learn('Accepted password for root from 203.0.113.5 port 52814 ssh2').fingerprint;
    expect(fp.resolve(accepted)).not.toBe(fp.resolve(failed));
    expect(fp.learn('Failed password for bob from 198.51.100.7 port 2222 ssh2').fingerprint).toBe(failed);
  });

  test('a template of mostly wildcards does not take unrelated lines of its length', () => {
    const fp = new Fingerprinter();
    fp.learn('BIOS-e820: 0000000000000000 - 00000000000a0000 (usable)');
    const bios = fp.learn('BIOS-e820: 00000000000f0000 - 0000000000100000 (reserved)').fingerprint;
    expect(fp.learn('audit: initializing netlink socket (disabled)').fingerprint).not.toBe(bios);
  });

  test('match() finds without learning and returns null for an unknown shape', () => {
    const fp = new Fingerprinter();
    const learnt = fp.learn('Out of memory: Killed process 1234 (mysqld)');
    expect(fp.match('Out of memory: Killed process 99 (mysqld)')).toEqual(learnt);
    expect(fp.match('disk /dev/sda1 is full')).toBeNull();
    expect(fp.size).toBe(1);
    expect(fp.toJSON().clusters[0]!.count).toBe(1);
  });

  test('state survives toJSON/fromJSON with the same fingerprints', () => {
    const lines = [
      'Failed password for root from 203.0.113.5 port 52814 ssh2',
      'session closed for user cyrus',
      'session closed for user news',
      'nginx.service: Deactivated successfully.',
      '[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:ab:cd:ef SRC=1.2.3.4 DST=10.0.0.5 LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=1 PROTO=TCP',
    ];
    const before = new Fingerprinter();
    const ids = lines.map((l) => before.learn(l).fingerprint);
    const saved = JSON.parse(JSON.stringify(before.toJSON()));
    expect(FingerprinterStateSchema.safeParse(saved).success).toBe(true);
    const after = Fingerprinter.fromJSON(saved);
    const later = [
      'Failed password for root from 10.9.8.7 port 1 ssh2',
      'session closed for user test',
      'mysql.service: Deactivated successfully.',
      '[UFW BLOCK] IN=ens3 OUT= MAC=02:00:17:00:aa:bb SRC=5.6.7.8 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=2 PROTO=UDP',
    ];
    expect(later.map((l) => after.match(l)?.fingerprint)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(later.map((l) => after.learn(l).fingerprint)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(after.size).toBe(before.size);
  });

  test('the state stays bounded: 100,000 varied lines keep at most maxClusters, under 200 kB of JSON', () => {
    const fp = new Fingerprinter({ maxClusters: 500 });
    const word = (k: number): string => {
      let s = '';
      do {
        s += String.fromCharCode(97 + (k % 26));
        k = Math.floor(k / 26);
      } while (k > 0);
      return s;
    };
    let lastId = '';
    for (let i = 0; i < 100_000; i++) {
      lastId = fp.learn(`${word(i % 5003)} service reported ${i} errors from 10.0.${i % 256}.1 via ${word(i % 7)}`).fingerprint;
    }
    expect(fp.size).toBeLessThanOrEqual(500);
    const json = JSON.stringify(fp.toJSON());
    expect(json.length).toBeLessThan(200_000);
    // The newest survive eviction.
    expect(fp.template(lastId)).toBeDefined();
    // A restored state over a smaller bound keeps the most recent clusters.
    const small = Fingerprinter.fromJSON(JSON.parse(json), { maxClusters: 10 });
    expect(small.size).toBeLessThanOrEqual(10);
    expect(small.template(lastId)).toBeDefined();
  });

  test('an evicted cluster comes back with the same id when its first line returns', () => {
    const fp = new Fingerprinter({ maxClusters: 2 });
    const a = fp.learn('alpha happened').fingerprint;
    fp.learn('bravo happened twice');
    fp.learn('charlie happened three times');
    fp.learn('delta happened four whole times');
    expect(fp.template(a)).toBeUndefined();
    expect(fp.learn('alpha happened').fingerprint).toBe(a);
  });

  test('a state restored with a smaller maxTokens still matches and learns', () => {
    const before = new Fingerprinter({ maxTokens: 32 });
    const line = Array.from({ length: 20 }, (_, i) => `w${String.fromCharCode(97 + i)}`).join(' ');
    const id = before.learn(line).fingerprint;
    const after = Fingerprinter.fromJSON(before.toJSON(), { maxTokens: 8 });
    expect(after.learn(line).fingerprint).toBe(id);
    expect(after.template(id)!.split(' ')).toHaveLength(8);
  });

  test('empty and blank messages are one group, not a new one each time', () => {
    const fp = new Fingerprinter();
    const ids = new Set(['', '   ', '\t', ''].map((m) => fp.learn(m).fingerprint));
    expect(ids.size).toBe(1);
    expect(fp.size).toBe(1);
  });

  test('a very long message is cut at maxTokens', () => {
    const fp = new Fingerprinter({ maxTokens: 8 });
    const r = fp.learn('a b c d e f g h i j k l m n o p');
    expect(r.template).toBe('a b c d e f g <*>');
  });

  test('bad options and bad state are rejected with the value in the message', () => {
    expect(() => new Fingerprinter({ maxClusters: 0 })).toThrow('"maxClusters":0');
    expect(() => Fingerprinter.fromJSON({ version: 2, tick: 0, clusters: [] })).toThrow('invalid fingerprinter state');
    const dup = { version: 1, tick: 2, clusters: [1, 2].map((n) => ({ id: 'aaaaaaaaaaaa', kind: 'seq', template: `x${n}`, count: 1, lastSeen: n })) };
    expect(() => Fingerprinter.fromJSON(dup)).toThrow('duplicate cluster id aaaaaaaaaaaa');
  });
});
