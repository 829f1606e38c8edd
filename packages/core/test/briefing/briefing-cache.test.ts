import { describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { DocumentStore, digestOf, keepBriefingDigests, usableDigest } from '@ldm/core';

const tmp = () => mkdtemp(join(tmpdir(), 'ldm-briefing-cache-'));

describe('briefing digests in state.json', () => {
  const readState = async (dir: string) => JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));

  test('every write of incidents.json or patterns.json leaves a digest of exactly that file', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    const first = await store.appendIncident({ source: 'mcp', severity: 'warn', summary: 'nginx down' });
    await store.appendIncident({ source: 'mcp', severity: 'crit', summary: 'disk full' });
    await store.update('patterns', (doc) => {
      doc.patterns.push({ id: 'p1', fingerprint: 'f', template: 't <*>', subjects: [], sources: [], count: 2, firstSeen: 'x', lastSeen: '2026-11-01T00:00:00Z', sinceBootSec: [], checks: [], resolutions: [] });
    });
    const { digests } = await readState(dir);
    const incidents = usableDigest(digests, 'incidents', await store.stampOf('incidents'));
    expect(incidents?.lines.map((l) => l.summary)).toEqual(['disk full', 'nginx down']);
    expect(incidents?.lines[1]!.id).toBe(first.id);
    expect(usableDigest(digests, 'patterns', await store.stampOf('patterns'))?.lines.map((l) => l.id)).toEqual(['p1']);
  });

  test('writes inside batchWrites keep their digests in one write of state.json, at the end', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    const update = jest.spyOn(store, 'update');
    await store.batchWrites(async () => {
      await store.appendIncident({ source: 'mcp', severity: 'warn', summary: 'first' });
      await store.update('patterns', (doc) => {
        doc.patterns.push({ id: 'p1', fingerprint: 'f', template: 't', subjects: [], sources: [], count: 2, firstSeen: 'x', lastSeen: '2026-11-01T00:00:00Z', sinceBootSec: [], checks: [], resolutions: [] });
      });
      await store.appendIncident({ source: 'mcp', severity: 'warn', summary: 'second' });
      await expect(readdir(dir)).resolves.not.toContain('state.json');
    });
    expect(update.mock.calls.filter(([name]) => name === 'state')).toHaveLength(1);
    const { digests } = await readState(dir);
    expect(usableDigest(digests, 'incidents', await store.stampOf('incidents'))?.lines.map((l) => l.summary)).toEqual(['second', 'first']);
    expect(usableDigest(digests, 'patterns', await store.stampOf('patterns'))?.lines.map((l) => l.id)).toEqual(['p1']);
  });

  test('a batch that fails still keeps the digests of the writes it made', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    await expect(
      store.batchWrites(async () => {
        await store.appendIncident({ source: 'mcp', severity: 'warn', summary: 'written before the failure' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const digest = usableDigest((await readState(dir)).digests, 'incidents', await store.stampOf('incidents'));
    expect(digest?.lines.map((l) => l.summary)).toEqual(['written before the failure']);
  });

  test('a reader with a matching digest does not read the whole file', async () => {
    const dir = await tmp();
    const writer = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    await writer.appendIncident({ source: 'mcp', severity: 'warn', summary: 'held in the digest' });
    const reader = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    const read = jest.spyOn(reader, 'read');
    const state = await reader.read('state');
    const digest = await digestOf(reader, 'incidents', state.digests);
    expect(digest.lines.map((l) => l.summary)).toEqual(['held in the digest']);
    expect(read.mock.calls.map(([name]) => name)).toEqual(['state']);
  });

  test('a file changed behind the writers (an edit, an older release) is read whole, and the digest is renewed', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    const kept = await store.appendIncident({ source: 'mcp', severity: 'warn', summary: 'before the edit' });
    const edited = { version: 1, incidents: [{ ...kept, summary: 'changed by hand' }] };
    await writeFile(join(dir, 'incidents.json'), JSON.stringify(edited));
    const reader = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    const digest = await digestOf(reader, 'incidents', (await reader.read('state')).digests);
    expect(digest.lines.map((l) => l.summary)).toEqual(['changed by hand']);
    const renewed = usableDigest((await readState(dir)).digests, 'incidents', await reader.stampOf('incidents'));
    expect(renewed?.lines.map((l) => l.summary)).toEqual(['changed by hand']);
  });

  test('a malformed digest is ignored: state.json stays, the file is read whole', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'real' });
    const state = await readState(dir);
    await writeFile(join(dir, 'state.json'), JSON.stringify({ ...state, digests: { incidents: { format: 1, stamp: 'nonsense' } } }));
    const digest = await digestOf(store, 'incidents', (await store.read('state')).digests);
    expect(digest.lines.map((l) => l.summary)).toEqual(['real']);
    expect((await readdir(dir)).filter((f) => f.includes('.corrupt-'))).toEqual([]);
  });

  test('a host with no incidents.json gets an empty digest and nothing is written', async () => {
    const dir = await tmp();
    const store = new DocumentStore({ stateDir: dir, onWritten: keepBriefingDigests });
    const digest = await digestOf(store, 'patterns', (await store.read('state')).digests);
    expect(digest).toMatchObject({ total: 0, lines: [], stamp: null });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('the store is generic', () => {
  test('without an onWritten hook no digest is kept: state.json is not written by an append', async () => {
    const dir = await tmp();
    await new DocumentStore({ stateDir: dir }).appendIncident({ source: 'mcp', severity: 'warn', summary: 'x' });
    expect(await readdir(dir)).not.toContain('state.json');
  });
});
