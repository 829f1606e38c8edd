import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore } from '../../src/state/document-store';
import { spoolRecord } from '../../src/state/append-spool';
import { spawnWorker } from '../support/spawn-worker';

const tmp = () => mkdtempSync(join(tmpdir(), 'ldm-spool-'));
const record = (id: string) => ({ id, time: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-01T00:00:00.000Z', count: 1, source: 'mcp', severity: 'info', summary: id, evidence: [], fingerprints: [], status: 'open' });
const spoolFiles = (dir: string) => readdirSync(dir).filter((n) => n.includes('.append.'));

describe('appends are committed in groups', () => {
  it('a record spooled by a writer that died before its write is stored by the next writer, once', async () => {
    const dir = tmp();
    const file = join(dir, 'incidents.json');
    await spoolRecord(file, '2000-01-01-a', record('orphan'));
    const store = new DocumentStore({ stateDir: dir });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'next' });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'after' });
    expect((await store.read('incidents')).incidents.map((i) => i.summary)).toEqual(['orphan', 'next', 'after']);
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('a spool file left by a holder killed after its write (the record is stored) is not stored twice', async () => {
    const dir = tmp();
    const store = new DocumentStore({ stateDir: dir });
    const first = await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'first' });
    await spoolRecord(join(dir, 'incidents.json'), '2026-b', first);
    await store.update('incidents', () => {});
    expect((await store.read('incidents')).incidents.map((i) => i.id)).toEqual([first.id]);
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('a spool file that is not an incident is dropped, and the write goes on', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'incidents.json.append.2026-c'), '{"not":"an incident"}');
    const store = new DocumentStore({ stateDir: dir });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'fine' });
    expect((await store.read('incidents')).incidents.map((i) => i.summary)).toEqual(['fine']);
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('8 writers appending at once keep every acknowledged record, each once', async () => {
    const dir = tmp();
    const workers = Array.from({ length: 8 }, (_, w) => spawnWorker('append-incidents', [dir, '30', `g${w}`]));
    await Promise.all(workers.map((w) => w.waitForLine((l) => l === 'done', 120_000)));
    const acked = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4)));
    const stored = (await new DocumentStore({ stateDir: dir }).read('incidents')).incidents.map((i) => i.id);
    expect(acked).toHaveLength(240);
    expect([...stored].sort()).toEqual([...acked].sort());
    expect(spoolFiles(dir)).toEqual([]);
  }, 180_000);
});

describe('text a writer validated is not validated again', () => {
  it('a hand edit that breaks a record is still caught and moved aside', async () => {
    const dir = tmp();
    const store = new DocumentStore({ stateDir: dir });
    await store.appendIncident({ source: 'mcp', severity: 'info', summary: 'kept' });
    const file = join(dir, 'incidents.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"severity":"info"', '"severity":"loud"'));
    const reader = new DocumentStore({ stateDir: dir });
    expect((await reader.read('incidents')).incidents).toEqual([]);
    expect((await reader.read('incidents')).incidents.map((i) => i.source)).toEqual(['store']);
    expect(readdirSync(dir).filter((n) => n.startsWith('incidents.json.corrupt-'))).toHaveLength(1);
  });
});
