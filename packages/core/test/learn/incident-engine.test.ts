import { describe, expect, jest, test } from '@jest/globals';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DocumentStore, Fingerprinter, keepBriefingDigests, IncidentEngine, decideAutoRemediation, deriveChecks, learnableText, loadFingerprinter, mergePatterns, prunePatterns,
  rankPatterns, templateSignature, usableDigest, type RecordInput, type Pattern,
} from '@ldm/core';
import { spawnWorker } from '../support/spawn-worker';

async function engineAt(start = Date.parse('2026-03-01T10:00:00Z')) {
  const dir = await mkdtemp(join(tmpdir(), 'ldm-engine-'));
  let clock = start;
  const store = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
  const engine = new IncidentEngine(store, { now: () => new Date(clock), uptimeSec: async () => 120 });
  return { dir, store, engine, advance: (ms: number) => (clock += ms) };
}

interface Scenario {
  name: string;
  incident: (v: Variant) => RecordInput;
  fix: { resolution: string; commands: string[] };
}
interface Variant {
  pid: number;
  ip: string;
  host: string;
  n: number;
  time: string;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'nginx fails on a bad config, fixed by reverting it',
    incident: (v) => ({
      source: 'healthcheck', severity: 'crit', subject: 'nginx.service',
      summary: `nginx.service: Control process exited, code=exited, status=1/FAILURE`,
      evidence: [`${v.time} ${v.host} nginx[${v.pid}]: nginx: [emerg] unknown directive "proxy_pas" in /etc/nginx/sites-enabled/app.conf:${v.n}`],
    }),
    fix: { resolution: 'reverted the site config from its .bak and restarted', commands: ['cp /etc/nginx/sites-enabled/app.conf.bak /etc/nginx/sites-enabled/app.conf', 'systemctl restart nginx'] },
  },
  {
    name: 'the disk fills from the journal, fixed by a vacuum',
    incident: (v) => ({
      source: 'healthcheck', severity: 'crit', subject: '/',
      summary: `disk / at ${90 + (v.n % 9)}% used; /var/log/journal holds ${v.n}.${v.pid % 10}G`,
    }),
    fix: { resolution: 'vacuumed the journal', commands: ['journalctl --vacuum-size=200M'] },
  },
  {
    name: 'a process is OOM-killed, fixed by adding swap',
    incident: (v) => ({
      source: 'boot-check', severity: 'crit', subject: 'node',
      summary: `Out of memory: Killed process ${v.pid} (node) total-vm:${v.n * 1000}kB, anon-rss:${v.n * 300}kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:${v.n}kB oom_score_adj:0`,
    }),
    fix: { resolution: 'added a 2G swapfile', commands: ['fallocate -l 2G /swapfile', 'chmod 600 /swapfile', 'mkswap /swapfile', 'swapon /swapfile'] },
  },
  {
    name: 'sshd gets brute-forced, fixed by fail2ban',
    incident: (v) => ({
      source: 'mcp', severity: 'warn', subject: 'sshd.service',
      summary: `sshd: ${v.n * 7} failed password attempts for invalid user admin from ${v.ip} port ${v.pid} ssh2 in 10 minutes`,
    }),
    fix: { resolution: 'installed and enabled fail2ban', commands: ['apt-get install -y fail2ban', 'systemctl enable --now fail2ban'] },
  },
];

const FIRST: Variant = { pid: 1234, ip: '203.0.113.7', host: 'web-1', n: 14, time: '2026-03-01T10:00:00+0000' };
const SECOND: Variant = { pid: 98765, ip: '198.51.100.23', host: 'oci-micro-2', n: 57, time: '2026-04-17T23:41:09+0000' };

describe('replay: the second time, every incident gets the right fix first', () => {
  test('four failures learned once, replayed with other PIDs, times, IPs and hostnames', async () => {
    const { engine, advance } = await engineAt();
    for (const s of SCENARIOS) {
      const first = await engine.record(s.incident(FIRST));
      expect(first.suggestion).toBeNull();
      expect(first.deduped).toBe(false);
      await engine.resolve({ id: first.incident.id, ...s.fix, worked: true });
      advance(3_600_000);
    }
    advance(30 * 86_400_000);
    for (const s of SCENARIOS) {
      const again = await engine.record(s.incident(SECOND));
      expect({ scenario: s.name, commands: again.suggestion?.commands }).toEqual({ scenario: s.name, commands: s.fix.commands });
      expect(again.suggestion!.confidence).toBeGreaterThanOrEqual(0.8);
      expect(again.suggestion!.successes).toBe(1);
      expect(again.deduped).toBe(false);
    }
  });

  test('novel failures get no suggestion', async () => {
    const { engine } = await engineAt();
    for (const s of SCENARIOS) {
      const r = await engine.record(s.incident(FIRST));
      await engine.resolve({ id: r.incident.id, ...s.fix, worked: true });
    }
    const novel: RecordInput[] = [
      { source: 'healthcheck', severity: 'crit', subject: 'postgresql.service', summary: 'postgresql.service: Main process exited, code=killed, status=9/KILL' },
      { source: 'mcp', severity: 'warn', subject: 'certbot', summary: 'certbot: Certificate for example.org expires in 3 days and renewal failed: DNS problem' },
      { source: 'healthcheck', severity: 'warn', subject: 'chronyd.service', summary: 'clock not synchronised: offset 4.2s from 10.0.0.1' },
      // Same shape as the nginx failure but another unit: nginx's revert-and-restart would be wrong here.
      { source: 'healthcheck', severity: 'crit', subject: 'php8.2-fpm.service', summary: 'php8.2-fpm.service: Control process exited, code=exited, status=1/FAILURE' },
    ];
    for (const n of novel) expect({ summary: n.summary, suggestion: (await engine.record(n)).suggestion }).toEqual({ summary: n.summary, suggestion: null });
  });

  test('a fix that failed is not preferred over one that worked', async () => {
    const { engine } = await engineAt();
    const s = SCENARIOS[0]!;
    const a = await engine.record(s.incident(FIRST));
    await engine.resolve({ id: a.incident.id, resolution: 'restarted only', commands: ['systemctl restart nginx'], worked: false });
    const b = await engine.record(s.incident(SECOND));
    expect(b.suggestion).toBeNull();
    await engine.resolve({ id: b.incident.id, ...s.fix, worked: true });
    const c = await engine.record(s.incident(FIRST));
    expect(c.suggestion!.commands).toEqual(s.fix.commands);
  });
});

describe('briefing digests', () => {
  test('record and resolve each leave both digests current with one write of state.json', async () => {
    const { store, engine } = await engineAt();
    const update = jest.spyOn(store, 'update');
    const digestsMatch = async () => {
      const { digests } = await store.read('state');
      return { incidents: usableDigest(digests, 'incidents', await store.stampOf('incidents')), patterns: usableDigest(digests, 'patterns', await store.stampOf('patterns')) };
    };
    const { incident } = await engine.record({ source: 'healthcheck', severity: 'crit', summary: 'nginx.service failed', subject: 'nginx.service' });
    expect(update.mock.calls.filter(([name]) => name === 'state')).toHaveLength(1);
    expect((await digestsMatch()).incidents?.lines.map((l) => l.id)).toEqual([incident.id]);
    update.mockClear();
    await engine.resolve({ id: incident.id, resolution: 'restarted nginx', commands: ['systemctl restart nginx'], worked: true });
    expect(update.mock.calls.filter(([name]) => name === 'state')).toHaveLength(1);
    const after = await digestsMatch();
    expect(after.incidents?.total).toBe(0);
    expect(after.patterns?.lines[0]?.fix).toEqual({ action: 'systemctl restart nginx', successes: 1, failures: 0 });
  });
});

describe('dedup', () => {
  test('an ongoing problem updates one open incident; once cleared, a recurrence is a new incident of the same pattern', async () => {
    const { engine, store, advance } = await engineAt();
    const input = SCENARIOS[1]!.incident(FIRST);
    const a = await engine.record(input);
    advance(120_000);
    const b = await engine.record(SCENARIOS[1]!.incident(SECOND));
    expect(b.deduped).toBe(true);
    expect(b.incident.id).toBe(a.incident.id);
    expect(b.incident.count).toBe(2);
    expect(b.incident.lastSeen).not.toBe(a.incident.lastSeen);
    expect(await engine.clear('healthcheck', '/')).toEqual([a.incident.id]);
    const c = await engine.record(input);
    expect(c.deduped).toBe(false);
    expect(c.incident.id).not.toBe(a.incident.id);
    expect(c.incident.patternId).toBe(a.incident.patternId);
    const { incidents } = await store.read('incidents');
    expect(incidents.map((i) => i.status)).toEqual(['resolved', 'open']);
    const { patterns } = await store.read('patterns');
    expect(patterns).toHaveLength(1);
    expect(patterns[0]!.count).toBe(2);
    // A cleared incident teaches no fix.
    expect(patterns[0]!.resolutions).toEqual([]);
  });

  test('the same problem from two sources, or on two subjects, stays apart', async () => {
    const { engine } = await engineAt();
    const base = SCENARIOS[1]!.incident(FIRST);
    const a = await engine.record(base);
    const b = await engine.record({ ...base, source: 'boot-check' });
    const c = await engine.record({ ...base, subject: '/var' });
    expect(new Set([a.incident.id, b.incident.id, c.incident.id]).size).toBe(3);
  });

  test('resolving an unknown id is a clear error', async () => {
    const { engine } = await engineAt();
    await expect(engine.resolve({ id: 'inc-nope', resolution: 'x', worked: true })).rejects.toThrow(/no incident with id "inc-nope"/);
  });
});

describe('patterns', () => {
  const pattern = (id: string, over: Partial<Pattern>): Pattern => ({
    id, fingerprint: id, template: id, subjects: [], sources: [], count: 1, firstSeen: '2026-01-01T00:00:00Z',
    lastSeen: '2026-03-01T00:00:00Z', sinceBootSec: [], checks: [], resolutions: [], ...over,
  });
  const now = new Date('2026-03-01T00:00:00Z');

  test('ranking: frequency with recency decay, boot-relative first when asked', () => {
    const frequentOld = pattern('old', { count: 50, lastSeen: '2025-12-01T00:00:00Z' });
    const recent = pattern('recent', { count: 5 });
    const boot = pattern('boot', { count: 1, sinceBootSec: [30, 45, 90] });
    expect(rankPatterns([frequentOld, recent, boot], now).map((p) => p.id)).toEqual(['recent', 'boot', 'old']);
    expect(rankPatterns([frequentOld, recent, boot], now, { bootFirst: true })[0]!.id).toBe('boot');
  });

  test('auto-remediation: only proven (3 successes) fixes with no failure in the last 5 uses (the policy is fix-gate.test.ts)', () => {
    const rules = { enabled: true };
    const fix = (successes: number, recent: boolean[], commands = ['systemctl restart nginx']) =>
      pattern('p', { resolutions: [{ action: commands.join(' && '), commands, successes, failures: recent.filter((r) => !r).length, recent }] });
    expect(decideAutoRemediation(fix(3, [true, true, true]), rules)).toMatchObject({ apply: true });
    expect(decideAutoRemediation(fix(3, [true, true, true]), { ...rules, enabled: false })).toMatchObject({ apply: false });
    expect(decideAutoRemediation(fix(2, [true, true]), rules)).toMatchObject({ apply: false, reason: expect.stringMatching(/needs 3/) });
    expect(decideAutoRemediation(fix(9, [true, false, true, true, true, true]), rules)).toMatchObject({ apply: false, reason: expect.stringMatching(/last 5/) });
    expect(decideAutoRemediation(fix(9, [true, true, true, true, true, false]), rules)).toMatchObject({ apply: true });
    expect(decideAutoRemediation(fix(5, [true], ['systemctl restart nginx; rm -rf /']), rules)).toMatchObject({ apply: false });
  });

  test('export then import on another host merges counts and fix outcomes and keeps local patterns', async () => {
    const a = await engineAt();
    const b = await engineAt();
    for (const { engine } of [a, b]) {
      const r = await engine.record(SCENARIOS[0]!.incident(FIRST));
      await engine.resolve({ id: r.incident.id, ...SCENARIOS[0]!.fix, worked: true });
    }
    await b.engine.record(SCENARIOS[3]!.incident(FIRST));
    const exported = await a.engine.exportPatterns();
    const result = await b.engine.importPatterns(JSON.parse(JSON.stringify(exported)));
    expect(result).toEqual({ added: 0, merged: 1 });
    const { patterns } = await b.store.read('patterns');
    expect(patterns).toHaveLength(2);
    const nginx = patterns.find((p) => p.subject === 'nginx.service')!;
    expect(nginx.count).toBe(2);
    expect(nginx.resolutions[0]!.successes).toBe(2);
    const into = { version: 1 as const, patterns: [] as Pattern[] };
    expect(mergePatterns(into, exported)).toEqual({ added: 1, merged: 0 });
  });
});

describe('the checks that reveal a pattern', () => {
  test('a failed unit gives unit-active, its config test, and the evidence signature to look for', async () => {
    const { engine } = await engineAt();
    const r = await engine.record({ ...SCENARIOS[0]!.incident(FIRST), fromJournal: true });
    expect(r.pattern.checks).toEqual([
      { kind: 'unit-active', unit: 'nginx.service' },
      { kind: 'config-test', argv: ['nginx', '-t'] },
      { kind: 'journal-absent', signature: expect.stringContaining('Control process exited'), unit: 'nginx.service' },
      { kind: 'journal-absent', signature: expect.stringContaining('unknown directive "proxy_pas" in /etc/nginx/sites-enabled/app.conf'), unit: 'nginx.service' },
    ]);
    const notJournal = await (await engineAt()).engine.record(SCENARIOS[0]!.incident(FIRST));
    expect(notJournal.pattern.checks.map((c) => c.kind)).toEqual(['unit-active', 'config-test']);
    const again = await engine.record({ ...SCENARIOS[0]!.incident(SECOND), checks: [{ kind: 'threshold', check: 'memory', metric: 'available_pct', op: '>=', value: 10 }] });
    expect(again.pattern.checks).toHaveLength(5);
  });

  test('non-unit subjects get no unit checks; templated units map to their daemon', () => {
    expect(deriveChecks('/', [])).toEqual([]);
    expect(deriveChecks('php8.2-fpm.service', [])).toContainEqual({ kind: 'config-test', argv: ['php-fpm', '-t'] });
    expect(deriveChecks('getty@tty1.service', [])).toEqual([{ kind: 'unit-active', unit: 'getty@tty1.service' }]);
    expect(templateSignature('<*> <*>')).toBeNull();
  });
});

describe('patterns.json stays bounded', () => {
  test('past maxPatterns the lowest-ranked patterns without a fix go; patterns with a fix stay', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ldm-engine-'));
    const store = new DocumentStore({ stateDir: dir });
    const engine = new IncidentEngine(store, { maxPatterns: 10 });
    const fixed = await engine.record({ source: 'mcp', severity: 'warn', subject: 'keep-me', summary: 'the one failure with a fix' });
    await engine.resolve({ id: fixed.incident.id, resolution: 'fixed it', commands: ['true'], worked: true });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar'];
    for (const w of words) await engine.record({ source: 'mcp', severity: 'info', subject: w, summary: `subsystem ${w} reports trouble` });
    const { patterns } = await store.read('patterns');
    expect(patterns).toHaveLength(10);
    expect(patterns.some((p) => p.subject === 'keep-me')).toBe(true);
    expect(patterns.some((p) => p.subject === 'oscar')).toBe(true);
    expect(prunePatterns({ version: 1, patterns: [] }, 5, new Date())).toBe(0);
  });
});

describe('on the learning parser', () => {
  const authFailure = (user: string, ip: string): RecordInput => ({
    source: 'mcp', severity: 'warn', subject: 'sshd.service',
    summary: `2026-03-01T10:00:00+0000 web-1 sshd[${ip.length * 97}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip} user=${user}`,
  });

  test('the replayed failures match their pattern by fingerprint, not by resemblance', async () => {
    const { engine } = await engineAt();
    const first = new Map<string, string>();
    for (const s of SCENARIOS) {
      const r = await engine.record(s.incident(FIRST));
      first.set(s.name, r.incident.fingerprints[0]!);
      await engine.resolve({ id: r.incident.id, ...s.fix, worked: true });
    }
    for (const s of SCENARIOS) {
      const again = await engine.record(s.incident(SECOND));
      expect(again.incident.fingerprints[0]).toBe(first.get(s.name));
      expect(again.suggestion!.confidence).toBe(1);
    }
  });

  test('a group that generalises after a pattern was created still maps to that pattern and its fix', async () => {
    const { engine, store } = await engineAt();
    // A few recurring users are categories (docs/fingerprint.md): alice's failure is its own group.
    const alice = await engine.record(authFailure('alice', '203.0.113.9'));
    await engine.resolve({ id: alice.incident.id, resolution: 'locked the account', commands: ['passwd -l alice'], worked: true });
    for (const u of ['bob', 'bob', 'bob', 'carol', 'dave']) await engine.record(authFailure(u, '198.51.100.4'));
    const before = (await store.read('patterns')).patterns.length;
    expect(before).toBe(4);
    // A fifth user: the slot holds identifiers, the groups merge into bob's (the most seen).
    const eve = await engine.record(authFailure('eve', '192.0.2.1'));
    expect(eve.incident.fingerprints[0]).not.toBe(alice.incident.fingerprints[0]);
    expect(eve.pattern.template).toMatch(/ user=<\*>$/);
    // alice's pattern is found through the alias, with full confidence.
    expect(eve.suggestion).toMatchObject({ patternId: alice.pattern.id, commands: ['passwd -l alice'], confidence: 1 });
    const fixes = await engine.findKnownFixes('pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.1.1.1 user=zed', 'sshd.service');
    expect(fixes[0]).toMatchObject({ patternId: alice.pattern.id, confidence: 1 });
  });

  test('persistence: a new engine on the same state dir gives the same fingerprints', async () => {
    const { dir, engine } = await engineAt();
    const a = await engine.record(SCENARIOS[0]!.incident(FIRST));
    await engine.resolve({ id: a.incident.id, ...SCENARIOS[0]!.fix, worked: true });
    const restarted = new IncidentEngine(new DocumentStore({ stateDir: dir }));
    const b = await restarted.record(SCENARIOS[0]!.incident(SECOND));
    expect(b.incident.fingerprints).toEqual(a.incident.fingerprints);
    expect(b.pattern.id).toBe(a.pattern.id);
    expect(b.suggestion!.commands).toEqual(SCENARIOS[0]!.fix.commands);
    const [line] = await restarted.fingerprintsOf([SCENARIOS[0]!.incident(SECOND).evidence![0]!]);
    expect(line!.fingerprint).toBe(a.incident.fingerprints[1]);
    expect(restarted.fingerprintOf(SCENARIOS[0]!.incident(SECOND).summary).fingerprint).toBe(a.incident.fingerprints[0]);
  });

  test('a weak match gives no suggestion, and findKnownFixes learns nothing', async () => {
    const { engine, store } = await engineAt();
    const r = await engine.record(SCENARIOS[0]!.incident(FIRST));
    await engine.resolve({ id: r.incident.id, ...SCENARIOS[0]!.fix, worked: true });
    const before = JSON.stringify((await store.read('patterns')).fingerprinter);
    expect(await engine.findKnownFixes('nginx.service: Control process exited, code=killed, status=9/KILL', 'nginx.service')).toEqual([]);
    expect(await engine.findKnownFixes('something else entirely happened', 'nginx.service')).toEqual([]);
    expect(JSON.stringify((await store.read('patterns')).fingerprinter)).toBe(before);
    // The unit's outcome line alone names no cause (evidence-match.test.ts); its cause line does.
    expect(await engine.findKnownFixes('nginx.service: Control process exited, code=exited, status=1/FAILURE', 'nginx.service')).toEqual([]);
    const hit = await engine.findKnownFixes('nginx: [emerg] unknown directive "proxy_pas" in /etc/nginx/sites-enabled/app.conf:31', 'nginx.service');
    expect(hit[0]).toMatchObject({ patternId: r.pattern.id, confidence: 1 });
  });

  test('secrets are redacted before they are learned', async () => {
    const { store, engine } = await engineAt();
    await engine.record({ source: 'mcp', severity: 'warn', subject: 'app', summary: 'app: login to db failed with password=hunter2hunter2 for api' });
    const saved = JSON.stringify(await store.read('patterns'));
    expect(saved).not.toContain('hunter2');
  });

  test('two engines recording at once in one process lose no learning', async () => {
    const { dir } = await engineAt();
    const engines = [0, 1].map(() => new IncidentEngine(new DocumentStore({ stateDir: dir })));
    const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec'.split(' ');
    const text = (tag: string, n: number): string => `${tag}: ${words.slice(0, n + 2).join(' ')} failed after ${n} retries`;
    await Promise.all(engines.map(async (e, w) => {
      for (let n = 0; n < 15; n++) await e.record({ source: 'mcp', severity: 'warn', subject: `e${w}`, summary: text(`e${'ab'[w]}`, n) });
    }));
    const doc = await new DocumentStore({ stateDir: dir }).read('patterns');
    expect(doc.patterns).toHaveLength(30);
    const templates = new Set(doc.fingerprinter!.clusters.map((c) => c.template));
    for (const tag of ['ea', 'eb']) for (let n = 0; n < 15; n++) expect(templates).toContain(text(tag, n).replace(/\d+ retries/, '<*> retries'));
    const { incidents } = await new DocumentStore({ stateDir: dir }).read('incidents');
    expect(incidents).toHaveLength(30);
  });

  test('two processes recording at once lose no learning', async () => {
    const { dir } = await engineAt();
    const workers = ['pa', 'pb'].map((tag) => spawnWorker('record-incidents', [dir, '20', tag]));
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
    const doc = await new DocumentStore({ stateDir: dir }).read('patterns');
    expect(doc.patterns).toHaveLength(40);
    const fp = Fingerprinter.fromJSON(doc.fingerprinter);
    expect(fp.size).toBe(40);
    // Each pattern's fingerprint is a live group of the stored parser.
    for (const p of doc.patterns) expect(fp.template(p.fingerprint)).toBe(p.template);
  }, 60_000);

  test('patterns.json stays under 400 kB after 100,000 lines with 500 patterns', async () => {
    const { dir, store } = await engineAt();
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
    const letters = (k: number): string => { let s = ''; do { s += String.fromCharCode(97 + (k % 26)); k = Math.floor(k / 26); } while (k > 0); return s; };
    await store.update('patterns', (doc) => {
      // The engine's own load/save path, fed 100,000 varied lines (7,919 shapes: eviction runs all the time).
      const fp = loadFingerprinter(doc);
      for (let i = 0; i < 100_000; i++) {
        const shape = letters(i % 7919);
        fp.learn(learnableText(`${shape} ${words[i % 10]} ${words[Math.floor(i / 10) % 10]} happened for id ${i} at 10.0.${i % 256}.${(i * 7) % 256} in ${shape}-x`));
      }
      doc.fingerprinter = fp.toJSON();
      expect(doc.fingerprinter.clusters.length).toBeGreaterThan(400);
      for (let k = 0; k < doc.fingerprinter.clusters.length; k++) {
        doc.patterns.push({ id: `pat-${k}`, fingerprint: doc.fingerprinter.clusters[k]!.id, template: doc.fingerprinter.clusters[k]!.template, subjects: [], sources: ['mcp'], count: 1, firstSeen: '2026-03-01T10:00:00Z', lastSeen: '2026-03-01T10:00:00Z', sinceBootSec: [], checks: [], resolutions: [] });
      }
    });
    // And the engine keeps working on it, within its bound.
    const engine = new IncidentEngine(store, { maxPatterns: 500 });
    for (let i = 0; i < 20; i++) await engine.record({ source: 'mcp', severity: 'warn', subject: 'x', summary: `${letters(i + 9000)} broke at 10.0.0.${i}` });
    const doc = await store.read('patterns');
    expect(doc.fingerprinter!.clusters.length).toBeLessThanOrEqual(500);
    expect(doc.patterns.length).toBeLessThanOrEqual(500);
    const size = (await stat(join(dir, 'patterns.json'))).size;
    expect(size).toBeLessThan(400_000);
  }, 60_000);
});

describe('import from another host', () => {
  test('the same event under another local id merges by group, and its fix applies here', async () => {
    const a = await engineAt();
    const b = await engineAt();
    const input = (user: string): RecordInput => ({ source: 'mcp', severity: 'warn', subject: 'cron.service', summary: `pam_unix(cron:session): session closed for user ${user} after job` });
    // Host a first saw cyrus's line, host b first saw news's: their ids for the event differ.
    const ra = await a.engine.record(input('cyrus'));
    await a.engine.record(input('mail'));
    await a.engine.resolve({ id: ra.incident.id, resolution: 'restarted cron', commands: ['systemctl restart cron'], worked: true });
    const rb = await b.engine.record(input('news'));
    expect(rb.incident.fingerprints[0]).not.toBe(ra.incident.fingerprints[0]);
    expect(await b.engine.importPatterns(JSON.parse(JSON.stringify(await a.engine.exportPatterns())))).toEqual({ added: 0, merged: 1 });
    const { patterns } = await b.store.read('patterns');
    expect(patterns).toHaveLength(1);
    expect(patterns[0]!.count).toBe(2);
    const fixes = await b.engine.findKnownFixes('pam_unix(cron:session): session closed for user games after job', 'cron.service');
    expect(fixes[0]).toMatchObject({ commands: ['systemctl restart cron'], confidence: 1 });
  });
});

describe('patterns.json of version 1, written under the old identity rule', () => {
  // As an engine before discriminating tokens left them: the old masking turned status=1/FAILURE
  // into status=<*>, and the fingerprints are ids of that generation, which the new parser never gives.
  const summary = 'nginx.service: Control process exited, code=exited, status=1/FAILURE';
  const oldFiles = async (dir: string): Promise<void> => {
    const fix = { action: 'systemctl restart nginx', commands: ['systemctl restart nginx'], successes: 2, failures: 0, recent: [true, true] };
    await writeFile(join(dir, 'patterns.json'), JSON.stringify({
      version: 1,
      patterns: [
        { id: 'pat-old', fingerprint: '0123456789ab', template: '<*>: Control process exited, code=exited, status=<*>', subject: 'nginx.service', subjects: ['nginx.service'], sources: ['healthcheck'], count: 3, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-02-01T00:00:00Z', resolutions: [fix] },
        { id: 'pat-lonely', fingerprint: 'ba9876543210', template: 'disk <*> is full', subject: 'disk', subjects: ['disk'], sources: ['healthcheck'], count: 1, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z', resolutions: [fix] },
      ],
      fingerprinter: { version: 1, tick: 3, clusters: [{ id: '0123456789ab', kind: 'seq', template: '<*>: Control process exited, code=exited, status=<*>', count: 3, lastSeen: 3 }], aliases: {} },
    }));
    await writeFile(join(dir, 'incidents.json'), JSON.stringify({
      version: 1,
      incidents: [{ id: 'inc-1', time: '2026-02-01T00:00:00Z', lastSeen: '2026-02-01T00:00:00Z', source: 'healthcheck', severity: 'crit', subject: 'nginx.service', summary, evidence: [], fingerprints: ['0123456789ab'], patternId: 'pat-old', status: 'resolved' }],
    }));
  };

  test('is migrated once, under the lock: fixes keep matching, fingerprints are re-derived from the stored text', async () => {
    const { dir, store, engine } = await engineAt();
    await oldFiles(dir);
    expect((await engine.findKnownFixes(summary, 'nginx.service'))[0]).toMatchObject({ patternId: 'pat-old', confidence: 1 });
    const saved = JSON.parse(await readFile(join(dir, 'patterns.json'), 'utf8'));
    expect(saved.version).toBe(2);
    const old = saved.patterns.find((p: Pattern) => p.id === 'pat-old');
    // Re-learned from the incident's real line, so the status word is back in the template.
    expect(old.template).toBe('<*>: Control process exited, code=exited, status=<*>/FAILURE');
    expect(old.resolutions).toHaveLength(1);
    const { incidents } = await store.read('incidents');
    expect(incidents[0]!.fingerprints).toEqual([old.fingerprint]);
    expect(saved.patterns.find((p: Pattern) => p.id === 'pat-lonely').fingerprint).not.toBe('ba9876543210');
    // A recurrence joins the old pattern rather than founding another.
    const r = await engine.record({ source: 'healthcheck', severity: 'crit', subject: 'nginx.service', summary: summary.replace('status=1/', 'status=2/') });
    expect(r.pattern.id).toBe('pat-old');
    expect(r.suggestion).toMatchObject({ patternId: 'pat-old', confidence: 1 });
    expect((await store.read('patterns')).patterns).toHaveLength(2);
  });

  test('after migration, a failure that differs in its status word gets no fix from it', async () => {
    const { dir, engine } = await engineAt();
    await oldFiles(dir);
    expect(await engine.findKnownFixes(summary.replace('status=1/FAILURE', 'status=203/EXEC'), 'nginx.service')).toEqual([]);
  });
});
