import { describe, test, expect } from '@jest/globals';
import { buildBriefing, dropToFit, truncateBytes, type BriefingSnapshot, type Section } from '../../src/briefing/build-briefing';
import { parseOsRelease } from '../../src/briefing/gather-snapshot';
import { jest } from '@jest/globals';
import { digestIncidents, digestPatterns, redactSecrets, type Incident, type Pattern } from '@ldm/core';

const now = new Date('2026-11-24T05:00:00Z');
const iso = (minAgo: number) => new Date(now.getTime() - minAgo * 60_000).toISOString();

function incident(i: number, extra: Partial<Incident> = {}): Incident {
  return {
    id: `inc-${i}`, time: iso(i), lastSeen: iso(i), count: 1, source: 'healthcheck', severity: 'warn', summary: `problem number ${i} on the host`,
    evidence: [], fingerprints: [], status: 'open', ...extra,
  };
}

function pattern(i: number, extra: Partial<Pattern> = {}): Pattern {
  return {
    id: `pat-${i}`, fingerprint: `f${i}`, template: `nginx failed to bind <*> variant ${i}`, subjects: [], sources: ['mcp'], count: 3 + i,
    firstSeen: iso(10_000), lastSeen: iso(i), sinceBootSec: [], checks: [],
    resolutions: [{ action: `systemctl restart nginx-${i}`, commands: [], successes: 4, failures: 1, recent: [] }], ...extra,
  };
}

/** A snapshot whose incidents and patterns go through the digests, as the server's do. */
function snapshot({ incidents, patterns, ...over }: Partial<BriefingSnapshot> & { incidents?: Incident[]; patterns?: Pattern[] } = {}): BriefingSnapshot {
  incidents ??= [incident(1, { severity: 'crit' }), incident(2), incident(3, { status: 'resolved' })];
  patterns ??= [pattern(1), pattern(2, { resolutions: [] }), pattern(3, { count: 1, resolutions: [] })];
  return {
    now,
    host: { hostname: 'web1', os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0-26-amd64', arch: 'x64' },
    uptimeSec: 3 * 86_400 + 4 * 3600,
    lastBoot: { status: 'ok', time: iso(4 * 60 + 3 * 1440), summary: 'all units up' },
    healthcheck: { overall: 'warn', at: iso(5) },
    alerts: [{ id: 'disk', source: 'healthcheck', severity: 'crit', message: '/ is 97% full', since: iso(30) }],
    openIncidents: digestIncidents({ version: 1, incidents }, null),
    recurringPatterns: digestPatterns({ version: 1, patterns }, null, now),
    policy: { mode: 'standard', configFile: '/etc/linux-devops-mcp/config.json', allow: 2, deny: 1, confirm: 0 },
    ...over,
  };
}

describe('buildBriefing', () => {
  test('covers host, OS, uptime, boot check, alerts, open incidents, patterns with fixes, and policy', () => {
    const text = buildBriefing(snapshot(), redactSecrets);
    expect(text).toContain('Host web1 (Debian GNU/Linux 12 (bookworm), kernel 6.1.0-26-amd64, x64), up 3d 4h');
    expect(text).toContain('Last boot check: ok 3d 4h ago — all units up.');
    expect(text).toContain('Last healthcheck: warn 5m ago.');
    expect(text).toContain('[crit] / is 97% full');
    expect(text).toContain('Open incidents (2):');
    expect(text).toContain('[crit] inc-1');
    expect(text).not.toContain('inc-3');
    expect(text).toContain('known fix `systemctl restart nginx-1` worked 4/5');
    expect(text).toContain('no known fix yet');
    // A pattern seen once with no fix is noise in a 2 KB briefing.
    expect(text).not.toContain('pat-3');
    expect(text).toContain('Policy: standard mode (2 allow, 1 deny, 0 confirm rules in /etc/linux-devops-mcp/config.json)');
  });

  test('reads the boot check and healthcheck records their binaries write', () => {
    const text = buildBriefing(
      snapshot({
        lastBoot: { bootId: 'b', rebooted: true, at: iso(20), status: 'warn', found: [{ summary: 'nginx.service failed' }, { summary: 'disk 91%' }, { summary: 'x' }] },
        healthcheck: { lastRun: iso(3), status: 'crit', results: [{ id: 'disk', status: 'crit' }, { id: 'memory', status: 'ok' }, { id: 'ollama', status: 'failed' }] },
      }),
      redactSecrets,
    );
    expect(text).toContain('Last boot check: warn after a reboot 20m ago — 3 problem(s) found: nginx.service failed; disk 91%.');
    expect(text).toContain('Last healthcheck: crit 3m ago — not ok: disk crit, ollama failed.');
  });

  test("shows the owner's checks (healthcheck.custom) beside the built-in ones", () => {
    const results = [
      { id: 'disk', status: 'ok' },
      { id: 'shop', kind: 'http', status: 'crit' },
      { id: 'backup', kind: 'path', status: 'ok' },
    ];
    const text = buildBriefing(snapshot({ healthcheck: { lastRun: iso(1), status: 'crit', results } }), redactSecrets);
    expect(text).toContain('Last healthcheck: crit 1m ago — not ok: shop crit; owner checks 1 of 2 ok (shop crit, backup ok).');
  });

  test('with no history it says so instead of leaving sections out', () => {
    const text = buildBriefing(snapshot({ lastBoot: undefined, healthcheck: undefined, alerts: [], incidents: [], patterns: [], uptimeSec: null }), redactSecrets);
    expect(text).toContain('Last boot check: no record.');
    expect(text).toContain('Active alerts: none.');
    expect(text).toContain('Open incidents: none.');
    expect(text).toContain('up unknown');
  });

  test('never exceeds 2048 UTF-8 bytes, dropping patterns before incidents before alerts', () => {
    const many = snapshot({
      alerts: Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, source: 'hc', severity: 'warn' as const, message: `ålert ${i} ✓ ünïcode`.repeat(3), since: iso(i) })),
      incidents: Array.from({ length: 200 }, (_, i) => incident(i)),
      patterns: Array.from({ length: 200 }, (_, i) => pattern(i)),
    });
    const text = buildBriefing(many, redactSecrets);
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(2048);
    expect(text).toContain('Policy:');
    expect(text).toMatch(/Recurring patterns \(200\): \(200 not shown; see ldm:\/\/patterns\)/);
    expect(text).toMatch(/\(\+\d+ more\)/);
  });

  test('a small limit still yields valid UTF-8 within the limit', () => {
    const text = buildBriefing(snapshot({ host: { hostname: 'ħøšŧ'.repeat(200), os: 'x', kernel: 'y', arch: 'z' } }), redactSecrets, { maxBytes: 300, maxItemChars: 80 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(300);
    expect(text).not.toContain('\uFFFD');
  });
});

describe('redaction in the briefing', () => {
  const token = `ghp_${'A1b2C3d4E5'.repeat(4)}`;
  const tokenPrefixes = (text: string) => [...text.matchAll(/ghp_[A-Za-z0-9]{4,}/g)].map((m) => m[0]);

  test('a secret near the end of a long text is redacted before the text is cut, not cut into an unrecognisable piece', () => {
    const long = `${'x'.repeat(140)} ${token}`;
    const text = buildBriefing(
      snapshot({
        alerts: [{ id: 'a', source: 'hc', severity: 'warn', message: long, since: iso(1) }],
        incidents: [incident(1, { summary: long })],
        patterns: [pattern(1, { template: long })],
        lastBoot: { status: 'warn', at: iso(1), summary: long },
      }),
      redactSecrets,
    );
    expect(tokenPrefixes(text)).toEqual([]);
    // The cut itself still happens: the secret is simply gone before it.
    expect(text).toContain('x'.repeat(140));
  });

  test('the digest lines are redacted before they are cut too', () => {
    const digest = digestIncidents({ version: 1, incidents: [incident(1, { summary: `${'y'.repeat(150)} ${token}` })] }, null);
    expect(tokenPrefixes(digest.lines[0]!.summary)).toEqual([]);
  });

  test('a host with no history runs no redaction (nothing in the text came from the documents)', () => {
    const redact = jest.fn((t: string) => t);
    buildBriefing(snapshot({ lastBoot: undefined, healthcheck: undefined, alerts: [], incidents: [], patterns: [] }), redact);
    expect(redact).not.toHaveBeenCalled();
    buildBriefing(snapshot(), redact);
    expect(redact).toHaveBeenCalled();
  });
});

describe('dropToFit', () => {
  const render = (sections: Section[]) => () =>
    sections
      .map((s) => {
        const more = s.total - s.items.length;
        if (!s.items.length) return `${s.title} (${s.total}): (${more} not shown; see ldm://x)`;
        return [`${s.title} (${s.total}):`, ...s.items.map((i) => `- ${i}`), ...(more > 0 ? [`- (+${more} more)`] : [])].join('\n');
      })
      .join('\n');

  /** The plain way: render again after every single drop. */
  function reference(sections: Section[], max: number): string {
    const draw = render(sections);
    let text = draw();
    while (Buffer.byteLength(text) > max) {
      const victim = [...sections].sort((a, b) => b.dropOrder - a.dropOrder).find((s) => s.items.length > 0);
      if (!victim) break;
      victim.items.pop();
      text = draw();
    }
    return text;
  }

  test('gives exactly what rendering after every drop gives', () => {
    let seed = 11;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const words = ['disk', 'ünïcode ✓', 'nginx.service failed', 'x', '日本語のログ'];
    for (let round = 0; round < 300; round++) {
      const make = (): Section[] =>
        ['A', 'B', 'C'].map((title, i) => {
          const items = Array.from({ length: Math.floor(next() * 30) }, (_, n) => `${n} ${words[n % words.length]!.repeat(1 + ((n * 7 + round) % 9))}`);
          return { title, items, total: items.length + (round % 3), dropOrder: i + 1 };
        });
      const seedBefore = seed;
      const a = make();
      seed = seedBefore;
      const b = make();
      const max = 100 + Math.floor(next() * 2500);
      expect(dropToFit(a, render(a), max)).toBe(reference(b, max));
    }
  });
});

describe('truncateBytes', () => {
  test('cuts at a character boundary and marks the cut', () => {
    const out = truncateBytes('€€€€', 7);
    expect(out).toBe('€…');
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(7);
    expect(truncateBytes('short', 100)).toBe('short');
  });
});

describe('parseOsRelease', () => {
  test('reads PRETTY_NAME quoted or not', () => {
    expect(parseOsRelease('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(parseOsRelease("PRETTY_NAME='Oracle Linux Server 9.4'")).toBe('Oracle Linux Server 9.4');
    expect(parseOsRelease('PRETTY_NAME=Alpine')).toBe('Alpine');
    expect(parseOsRelease('NAME=x')).toBeNull();
  });
});
