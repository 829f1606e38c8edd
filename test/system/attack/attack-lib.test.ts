import { describe, test, expect } from '@jest/globals';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';

// The attack suite's judge, without a container: leak detection, the host diff, the tally that
// decides green, the corpus's shape. The suite itself runs in test/system/run.sh (attack-step.sh).

const HERE = import.meta.dirname;
type Finding = { secret: string; encoding: string };
type Snap = { files: Map<string, string>; mounts: string[]; units: { state: Record<string, Record<string, string>>; active: string[] } };
/* eslint-disable @typescript-eslint/no-explicit-any */
const leak: { findLeaks(text: string, markers: Record<string, string>): Finding[] } = await import(join(HERE, 'lib/leak.mjs'));
const snap: { diffSnapshots(a: Snap, b: Snap, rules: any): string[] } = await import(join(HERE, 'lib/snapshot.mjs'));
const tallyMod: { tally(lines: any[], corpus: any[]): any } = await import(join(HERE, 'lib/tally.mjs'));
const runCase: { approvalIdOf(r: any): string | null; fill(v: any, vars: Record<string, string>, dir: string): any } = await import(join(HERE, 'lib/run-case.mjs'));
const rules: { allowChange(p: string): boolean; allowNewUnit(u: string): boolean } = await import(join(HERE, 'lib/host-rules.mjs'));

const marker = `LDMK${randomBytes(21).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 28)}`;
const markers = { key: marker, other: `LDMK${randomBytes(21).toString('hex').slice(0, 28)}` };
const noise = (n: number) => randomBytes(n).toString('latin1');
const found = (text: string) => leak.findLeaks(text, markers).map((f) => f.secret);

describe('findLeaks: a secret comes back in any encoding a command could produce', () => {
  const file = `-----BEGIN OPENSSH PRIVATE KEY-----\n${marker}\n-----END OPENSSH PRIVATE KEY-----\n`;
  const cases: [string, string][] = [
    ['plain', `out: ${file}`],
    ['base64 at offset 0', Buffer.from(file).toString('base64')],
    ['base64 at offset 1', Buffer.from(`x${file}`).toString('base64')],
    ['base64 at offset 2', Buffer.from(`xy${file}`).toString('base64')],
    ['base64 wrapped at 76 columns', Buffer.from(noise(50) + file).toString('base64').replace(/.{76}/g, '$&\n')],
    ['base64url', Buffer.from(noise(7) + file, 'latin1').toString('base64url')],
    ['hex, xxd-like lines with offsets and an ascii column', Buffer.from(noise(5) + file, 'latin1').toString('hex').replace(/(.{32})/g, '00000000: $1  ................\n')],
    ['od -An -tx1', [...Buffer.from(file)].map((b) => b.toString(16).padStart(2, '0')).join(' ').replace(/((?:\S+ ){16})/g, '$1\n')],
    ['od -c', [...file].map((c) => `   ${c}`).join('').replace(/((?:\s+\S){16})/g, '$1\n0000020')],
    ['od -b (octal)', [...Buffer.from(file)].map((b) => b.toString(8).padStart(3, '0')).join(' ')],
    ['reversed (rev)', [...file].reverse().join('')],
    ['rot13', file.replace(/[A-Za-z]/g, (c) => String.fromCharCode(((c.charCodeAt(0) & 31) + 12) % 26 + (c.charCodeAt(0) & 96) + 1))],
    ['tar | gzip | base64', gzipSync(Buffer.concat([randomBytes(512), Buffer.from(file), Buffer.alloc(300)])).toString('base64').replace(/.{76}/g, '$&\n')],
    ['in an error message inside JSON', JSON.stringify({ error: `bash: ${Buffer.from(file).toString('base64')}: No such file` })],
  ];
  test.each(cases)('%s', (_name, text) => {
    expect(found(text)).toEqual(['key']);
  });

  test('text without a marker, or with fewer than 12 of its characters, is clean', () => {
    expect(found(`nothing here ${noise(2000)} ${marker.slice(0, 11)}`)).toEqual([]);
    expect(found(Buffer.from(randomBytes(4000)).toString('base64'))).toEqual([]);
  });

  test('both secrets are named when both leak', () => {
    expect(found(`${markers.other}\n${Buffer.from(marker).toString('hex')}`).sort()).toEqual(['key', 'other']);
  });
});

describe('diffSnapshots: what changed on the host', () => {
  const base = (): Snap => ({
    files: new Map([['/etc', 'd 755 0:0'], ['/etc/x', 'f 644 0:0 m1'], ['/var/lib/linux-devops-mcp/state.json', 'f 600 0:0 m1']]),
    mounts: ['/ / rw'],
    units: { state: { 'ldm-canary.service': { ActiveState: 'active', InvocationID: 'a' } }, active: ['ldm-canary.service'] },
  });

  test('an unchanged host has no findings; the suite rewriting its own state is not one', () => {
    const b = base();
    b.files.set('/var/lib/linux-devops-mcp/state.json', 'f 600 0:0 m2');
    // The store's own files beside a document: the key of the text it validated, a spooled record.
    b.files.set('/var/lib/linux-devops-mcp/.state.json.checked', 'f 600 0:0 m1');
    b.files.set('/var/lib/linux-devops-mcp/incidents.json.append.1765100000000-ab12', 'f 600 0:0 m1');
    b.files.set('/var/lib/linux-devops-mcp/http-sessions.json', 'f 600 0:0 m1');
    expect(snap.diffSnapshots(base(), b, rules)).toEqual([]);
  });

  test('anything else in the state dir is a finding, however close its name', () => {
    for (const f of ['.state.json.checked.evil', 'ldm-canary.json', 'state.json.checked', 'approve-me.json', 'http-sessions.json.evil', 'oauth.json']) {
      const b = base();
      b.files.set(`/var/lib/linux-devops-mcp/${f}`, 'f 600 0:0 m1');
      expect(snap.diffSnapshots(base(), b, rules).length).toBeGreaterThan(0);
    }
  });

  test('new, changed, removed and setuid files, new mounts, a restarted unit and a new unit are findings', () => {
    const b = base();
    b.files.set('/etc', 'd 755 0:0 m2');
    b.files.set('/etc/ldm-pwned', 'f 644 0:0');
    b.files.set('/var/tmp/sh', 'f 4755 0:0');
    b.files.delete('/etc/x');
    b.files.set('/var/lib/linux-devops-mcp/ldm-pwned.json', 'f 644 0:0');
    b.mounts.push('/tmp /etc/linux-devops-mcp rw');
    b.units.state['ldm-canary.service'] = { ActiveState: 'active', InvocationID: 'b' };
    b.units.active.push('run-u7.service', 'ldm-cmd-1.service');
    const f = snap.diffSnapshots(base(), b, rules);
    expect(f).toEqual(expect.arrayContaining([
      'changed: /etc', 'new: /etc/ldm-pwned', 'new setuid/setgid: /var/tmp/sh', 'removed: /etc/x', 'new: /var/lib/linux-devops-mcp/ldm-pwned.json',
      'new mount: /tmp /etc/linux-devops-mcp rw', 'unit ldm-canary.service: InvocationID a -> b', 'new active unit: run-u7.service',
    ]));
    expect(f.join('\n')).not.toMatch(/ldm-cmd-1/);
  });
});

describe('tally: the run is green only when every case held and the driver finished', () => {
  const corpus = [{ id: 'a', family: 'f' }, { id: 'b', family: 'f', modes: ['none', 'decline'] }, { id: 'c', family: 'g', needs: 'sandbox' }, { id: 'e', kind: 'everyday' }];
  const held = (id: string, family = 'f') => ({ type: 'case', kind: 'attack', id, family, verdict: 'held' });
  const all = [held('a'), held('b@none'), held('b@decline'), { type: 'case', kind: 'attack', id: 'c', family: 'g', verdict: 'pending', reason: 'needs sandbox' },
    { type: 'case', kind: 'everyday', id: 'e', verdict: 'ok' }, { type: 'done' }];

  test('all held (one pending on a missing part): green, with the counts per family', () => {
    const t = tallyMod.tally(all, corpus);
    expect(t.green).toBe(true);
    expect(t.families.f).toMatchObject({ cases: 3, held: 3, breached: 0 });
    expect(t.pendingReasons).toEqual([{ reason: 'needs sandbox', count: 1 }]);
  });

  test('a breach, a case never reported (the driver was killed), a failed everyday operation: not green', () => {
    expect(tallyMod.tally(all.map((l) => (l.id === 'a' ? { ...l, verdict: 'breached' } : l)), corpus).green).toBe(false);
    const killed = tallyMod.tally(all.filter((l) => l.id !== 'a' && l.type !== 'done'), corpus);
    expect(killed.green).toBe(false);
    expect(killed.notRun).toEqual(['a']);
    expect(tallyMod.tally(all.map((l) => (l.id === 'e' ? { ...l, verdict: 'failed' } : l)), corpus).green).toBe(false);
  });
});

describe('the pending approval id is read from the refusal the model gets', () => {
  test('from the text of an out-of-band refusal, and from a structured field', () => {
    const text = 'Not done yet: run_command "touch /etc/x" needs the owner\'s approval (...). Approval k3x9q2 is waiting. Ask the owner to run this on the host:\n\n    sudo ldm-mcp-server approve k3x9q2\n\nthen call run_command again with exactly the same arguments plus approval_id "k3x9q2". It covers ...';
    expect(runCase.approvalIdOf({ content: [{ type: 'text', text }], isError: true })).toBe('k3x9q2');
    expect(runCase.approvalIdOf({ content: [], structuredContent: { approval_id: 'zz91' } })).toBe('zz91');
    expect(runCase.approvalIdOf({ content: [{ type: 'text', text: 'Not done: ... To ask for a new approval, call without approval_id.' }] })).toBeNull();
  });

  test('fill puts captured values and payload files into a step, and names what is missing', () => {
    expect(runCase.fill({ a: ['x {{approval_id}}'] }, { approval_id: 'k1' }, HERE)).toEqual({ a: ['x k1'] });
    expect(() => runCase.fill('{{job_id}}', {}, HERE)).toThrow(/job_id/);
  });
});

describe('the corpus', () => {
  const files = readdirSync(join(HERE, 'corpus')).filter((f) => f.endsWith('.json'));
  const cases = files.flatMap((f) => JSON.parse(readFileSync(join(HERE, 'corpus', f), 'utf8')).map((c: any) => ({ ...c, file: f })));
  const attacks = cases.filter((c) => (c.kind ?? 'attack') === 'attack');

  test('every case is well formed: unique id, a family, a tool call or steps, known modes and needs, payloads that exist', () => {
    const ids = new Set<string>();
    for (const c of cases) {
      expect([c.id, ids.has(c.id)]).toEqual([c.id, false]);
      ids.add(c.id);
      expect(typeof (c.family ?? c.kind)).toBe('string');
      const steps = c.steps ?? [{ tool: c.tool, args: c.args }];
      for (const s of steps) expect([c.id, typeof (s.tool ?? s.op)]).toEqual([c.id, 'string']);
      for (const m of [].concat(c.modes ?? c.mode ?? 'none')) expect(['none', 'decline', 'accept']).toContain(m);
      for (const n of [].concat(c.needs ?? [])) expect(['sandbox', 'approvals', 'onegate']).toContain(n);
      for (const [, name] of JSON.stringify(c).matchAll(/\{\{file:([^}]+)\}\}/g)) expect(existsSync(join(HERE, 'payloads', name!))).toBe(true);
    }
  });

  test('it covers every family of issue #12, in all three client modes, with background jobs and host requests', () => {
    const families = new Set(attacks.map((c) => c.family));
    for (const f of ['self-approval', 'config', 'systemd', 'shell-parse', 'option-grammar', 'side-effect', 'secrets', 'privilege', 'resources', 'background', 'host-request']) {
      expect([f, families.has(f)]).toEqual([f, true]);
    }
    const modes = new Set(attacks.flatMap((c) => [].concat(c.modes ?? c.mode ?? 'none')));
    expect([...modes].sort()).toEqual(['accept', 'decline', 'none']);
    expect(attacks.length).toBeGreaterThan(250);
    expect(cases.filter((c) => c.kind === 'everyday').length).toBeGreaterThan(15);
  });
});
