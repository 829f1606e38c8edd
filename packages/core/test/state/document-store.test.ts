import { describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { BriefingStateSchema, DOCUMENTS, DocumentStore, IncidentsDocSchema, NewerVersionError, boundIncidents, digestIncidents, usableDigest, type Incident } from '@ldm/core';
import { emptyDocument } from '../../src/state/document-files';
import { spawnWorker } from '../support/spawn-worker';

const tmp = () => mkdtemp(join(tmpdir(), 'ldm-store-'));

async function readIncidents(dir: string) {
  return IncidentsDocSchema.parse(JSON.parse(await readFile(join(dir, 'incidents.json'), 'utf8')));
}

describe('DocumentStore round trip', () => {
  test('each document survives a write then read, including fields this release does not know', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir });
    await store.update('state', (doc) => {
      doc.mode = 'standby';
      doc.sessions.push({ pid: 123, startedAt: 'a', lastActivity: 'b', transport: 'stdio' });
      (doc as Record<string, unknown>).futureField = { kept: true };
    });
    const incident = await store.appendIncident({ source: 'healthcheck', severity: 'warn', summary: 'disk / at 91%', subject: '/' });
    await store.update('patterns', (doc) => {
      doc.patterns.push({ id: 'p1', fingerprint: 'f', template: 't <*>', subjects: [], sources: [], count: 2, firstSeen: 'x', lastSeen: 'y', sinceBootSec: [], checks: [], resolutions: [] });
    });
    const fresh = new DocumentStore({ stateDir: dir });
    const state = await fresh.read('state');
    expect(state.mode).toBe('standby');
    expect(state.sessions[0]!.pid).toBe(123);
    expect((state as Record<string, unknown>).futureField).toEqual({ kept: true });
    expect((await fresh.read('incidents')).incidents).toEqual([incident]);
    expect((await fresh.read('patterns')).patterns[0]!.template).toBe('t <*>');
  });

  test('a missing document reads as an empty one and nothing is written', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir });
    expect((await store.read('incidents')).incidents).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a mutation that makes the document invalid is refused and the file is untouched', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir });
    await store.update('state', (doc) => void (doc.mode = 'standby'));
    const before = await readFile(join(dir, 'state.json'), 'utf8');
    await expect(store.update('state', (doc) => void ((doc as { mode: string }).mode = 'asleep'))).rejects.toThrow(/refusing to write invalid .*state\.json.*mode/);
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toBe(before);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('a document from a newer release is neither moved aside nor overwritten', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'state.json'), JSON.stringify({ version: 2, mode: 'active' }));
    const errors: string[] = [];
    const logger = { error: (m: string) => errors.push(m), warn() {}, notice() {}, info() {}, debug() {} };
    const store = new DocumentStore({ stateDir: dir, logger: logger as never });
    await expect(store.update('state', () => {})).rejects.toThrow(/version 2, newer/);
    await expect(store.update('state', () => {})).rejects.toThrow(/version 2, newer/);
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).version).toBe(2);
    expect(await readdir(dir)).toEqual(['state.json']);
    // Said once at err priority, not at every heartbeat.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/state\.json.*version 2.*left alone/);
  });
});

describe('corrupt files', () => {
  test.each(['{"version": 1, "mode": ', '{"version": 1, "mode": "sideways"}', '\u0000\u0001binary'])(
    'state.json %j is moved aside byte for byte, an incident records it, and work carries on',
    async (garbage) => {
      const dir = await tmp();
      await writeFile(join(dir, 'state.json'), garbage);
      const store = new DocumentStore({ stateDir: dir });
      const state = await store.read('state');
      expect(state.mode).toBe('active');
      const aside = (await readdir(dir)).filter((f) => f.startsWith('state.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe(garbage);
      const { incidents } = await readIncidents(dir);
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({ source: 'store', severity: 'warn' });
      expect(incidents[0]!.summary).toContain(aside[0]);
      await store.update('state', (doc) => void (doc.mode = 'standby'));
      expect((await store.read('state')).mode).toBe('standby');
    },
  );

  test('a corrupt incidents.json is moved aside and the move is recorded in the fresh one', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'incidents.json'), '[[[');
    const store = new DocumentStore({ stateDir: dir });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'after corruption' });
    const { incidents } = await readIncidents(dir);
    expect(incidents.map((i) => i.source).sort()).toEqual(['mcp', 'store']);
    expect((await readdir(dir)).some((f) => f.startsWith('incidents.json.corrupt-'))).toBe(true);
  });
});

describe('bounded incidents', () => {
  const make = (n: number, status: 'open' | 'resolved'): Incident => ({
    id: `i${n}`, time: `2026-01-01T00:00:${String(n).padStart(2, '0')}Z`, lastSeen: `2026-01-01T00:00:${String(n).padStart(2, '0')}Z`,
    count: 1, source: 'mcp', severity: 'info', summary: `s${n}`, evidence: [], fingerprints: [], status,
  });

  test('the oldest resolved incidents go first, open ones stay', () => {
    const doc = { version: 1 as const, incidents: [make(1, 'open'), make(2, 'resolved'), make(3, 'resolved'), make(4, 'open'), make(5, 'resolved')] };
    expect(boundIncidents(doc, { maxIncidents: 3, maxBytes: Infinity }).doc.incidents.map((i) => i.id)).toEqual(['i1', 'i4', 'i5']);
  });

  test('with only open incidents over the cap, the oldest open go', () => {
    const doc = { version: 1 as const, incidents: [make(3, 'open'), make(1, 'open'), make(2, 'open')] };
    expect(boundIncidents(doc, { maxIncidents: 2, maxBytes: Infinity }).doc.incidents.map((i) => i.id)).toEqual(['i3', 'i2']);
  });

  test('the store applies the configured bound on every write', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir, maxIncidents: 10 });
    for (let n = 0; n < 15; n++) await store.appendIncident({ source: 'mcp', severity: 'info', summary: `n${n}` });
    const { incidents } = await readIncidents(dir);
    expect(incidents).toHaveLength(10);
    expect(incidents.at(-1)!.summary).toBe('n14');
  });
});

describe('readPart', () => {
  const alert = { id: 'disk', source: 'healthcheck', severity: 'warn', message: 'disk 91%', since: '2026-11-24T00:00:00Z' };

  test('validates only the part asked for and does not read the full way', async () => {
    const dir = await tmp();
    // `sessions` is wrong, but the briefing does not use it: judging it is the full read's job.
    await writeFile(join(dir, 'state.json'), JSON.stringify({ version: 1, alerts: [alert], sessions: 'not a list' }));
    const store = new DocumentStore({ stateDir: dir });
    const read = jest.spyOn(store, 'read');
    expect((await store.readPart('state', BriefingStateSchema)).alerts).toEqual([alert]);
    expect(read).not.toHaveBeenCalled();
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  test.each([
    ['not JSON', '{"version": 1, "alerts": ['],
    ['a bad part', JSON.stringify({ version: 1, alerts: [{ ...alert, severity: 'dire' }] })],
  ])('a file with %s goes the full way: moved aside, recorded, read as empty', async (_, text) => {
    const dir = await tmp();
    await writeFile(join(dir, 'state.json'), text);
    const store = new DocumentStore({ stateDir: dir });
    expect(await store.readPart('state', BriefingStateSchema)).toMatchObject({ alerts: [] });
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('state.json.corrupt-'))).toHaveLength(1);
    expect((await readIncidents(dir)).incidents[0]!.summary).toMatch(/state\.json was corrupt/);
  });

  test('a document from a newer release is refused, as by read', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'state.json'), JSON.stringify({ version: 2 }));
    await expect(new DocumentStore({ stateDir: dir }).readPart('state', BriefingStateSchema)).rejects.toThrow(NewerVersionError);
  });

  test('a missing document is its empty value and nothing is written', async () => {
    const dir = await tmp();
    expect(await new DocumentStore({ stateDir: dir }).readPart('state', BriefingStateSchema)).toMatchObject({ alerts: [] });
    expect(await readdir(dir)).toEqual([]);
  });
});


describe('separate processes', () => {
  test('8 processes appending 200 incidents each to one file lose nothing', async () => {
    const dir = await tmp();
    const workers = Array.from({ length: 8 }, (_, w) => spawnWorker('append-incidents', [dir, '200', `w${w}`]));
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes).toEqual(Array(8).fill(0));
    const { incidents } = await readIncidents(dir);
    expect(incidents).toHaveLength(1600);
    expect(new Set(incidents.map((i) => i.id)).size).toBe(1600);
    for (let w = 0; w < 8; w++) {
      const mine = incidents.filter((i) => i.subject === `w${w}`).map((i) => i.summary);
      expect(mine).toEqual(Array.from({ length: 200 }, (_, n) => `w${w} append ${n}`));
    }
    // Whichever writer came last, the digest left in state.json describes the file as it is.
    const store = new DocumentStore({ stateDir: dir });
    const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
    const stamp = await store.stampOf('incidents');
    expect(usableDigest(state.digests, 'incidents', stamp)).toEqual(digestIncidents({ version: 1, incidents }, stamp));
  }, 180_000);

  test('a lock held by a SIGKILLed process is taken over at once, not after lockStaleMs', async () => {
    const dir = await tmp();
    const holder = spawnWorker('hold-lock', [dir, 'incidents']);
    await holder.waitForLine((l) => l === 'locked');
    holder.child.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();
    const store = new DocumentStore({ stateDir: dir, lockStaleMs: 10_000 });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'after the holder died' });
    expect(Date.now() - killedAt).toBeLessThan(1000);
    expect((await readIncidents(dir)).incidents).toHaveLength(1);
  }, 30_000);

  test('100 SIGKILLs at random points: the file always parses and every acknowledged append survives', async () => {
    // Five chains of 20 kills, each on its own file, so the stale-lock waits overlap.
    const staleMs = 2000;
    const chains = 5;
    const killsPerChain = 20;
    const runChain = async (chain: number) => {
      const dir = await tmp();
      const acknowledged = new Set<string>();
      for (let k = 0; k < killsPerChain; k++) {
        const worker = spawnWorker('append-incidents', [dir, '100000', `c${chain}k${k}`, String(staleMs)]);
        // Random points inside the append loop: after the writer got the lock (which may first mean
        // outwaiting the stale lock its predecessor left) and acknowledged at least one append.
        // Every fifth kill lands at start-up instead, before anything was acknowledged.
        if (k % 5 !== 0) await worker.waitForLine((l) => l.startsWith('ack '), 60_000);
        await new Promise((r) => setTimeout(r, Math.random() * 40));
        worker.child.kill('SIGKILL');
        await worker.exited;
        for (const line of worker.lines) if (line.startsWith('ack ')) acknowledged.add(line.slice(4));
        const text = await readFile(join(dir, 'incidents.json'), 'utf8').catch(() => null);
        if (text === null) {
          expect(acknowledged.size).toBe(0);
          continue;
        }
        const ids = new Set(IncidentsDocSchema.parse(JSON.parse(text)).incidents.map((i) => i.id));
        for (const id of acknowledged) expect(ids.has(id)).toBe(true);
      }
      expect((await readdir(dir)).filter((f) => f.includes('.corrupt-'))).toEqual([]);
      return acknowledged.size;
    };
    const acked = await Promise.all(Array.from({ length: chains }, (_, c) => runChain(c)));
    // The test means something only if appends actually returned before kills.
    expect(acked.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(chains * killsPerChain * 0.8);
  }, 300_000);
});

describe('documents that do not exist yet', () => {
  test.each(['state', 'incidents', 'patterns'] as const)('%s starts as exactly what its schema makes of { version: 1 }, a fresh value each time', (name) => {
    const fromSchema = DOCUMENTS[name].schema.parse({ version: 1, ...(name === 'incidents' ? { incidents: [] } : name === 'patterns' ? { patterns: [] } : {}) });
    expect(emptyDocument(name)).toEqual(fromSchema);
    expect(emptyDocument(name)).not.toBe(emptyDocument(name));
  });

  test('a store on a missing directory reads empty documents and writes nothing', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'ldm-empty-')), 'state');
    const store = new DocumentStore({ stateDir: dir });
    expect(await store.read('state')).toEqual(emptyDocument('state'));
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });
});
