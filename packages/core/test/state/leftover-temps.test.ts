import { describe, expect, test } from '@jest/globals';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore, keepBriefingDigests, MAX_SWEPT, createHolderProbe, createLockFs, formatHolderRecord, removeLeftoverTemps, writerTag, type Holder } from '@ldm/core';
import { spawnWorker } from '../support/spawn-worker';

const tmp = () => mkdtemp(join(tmpdir(), 'ldm-temps-'));

/** A real process that ran and was killed: its identity is that of a dead writer. */
async function deadWriter(): Promise<Holder> {
  const worker = spawnWorker('append-incidents', [await tmp(), '1000000', 'doomed']);
  await worker.waitForLine((l) => l.startsWith('ack '));
  const probe = createHolderProbe({ proc: { procRoot: '/proc' }, pid: worker.child.pid!, signalZero: (pid) => process.kill(pid, 0) });
  const holder = await probe.self();
  worker.child.kill('SIGKILL');
  await worker.exited;
  return holder;
}

describe('files left by killed writers', () => {
  test('temp files of dead writers go at the next write; those of live writers and other files stay', async () => {
    const dir = await tmp();
    const live = await createHolderProbe().self();
    const dead = await deadWriter();
    const reused: Holder = { ...live, start: live.start! - 1 };
    const otherBoot: Holder = { ...live, boot: '00000000' };
    const names = {
      dead: `.incidents.json.${writerTag(dead)}.1.tmp`,
      reusedPid: `.state.json.${writerTag(reused)}.2.tmp`,
      otherBoot: `.patterns.json.${writerTag(otherBoot)}.3.tmp`,
      deadLockTemp: `.incidents.json.lock.${writerTag(dead)}.4.tmp`,
      legacyDead: `.incidents.json.${dead.pid}.5lq2x9k.tmp`,
      live: `.incidents.json.${writerTag(live)}.9.tmp`,
      legacyLive: `.state.json.${process.pid}.1abc.tmp`,
      unrelated: 'notes.tmp',
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), 'x'.repeat(70_000));
    await new DocumentStore({ stateDir: dir }).appendIncident({ source: 'mcp', severity: 'info', summary: 'a write' });
    const left = (await readdir(dir)).sort();
    expect(left).toEqual([names.legacyLive, names.live, 'incidents.json', names.unrelated, '.incidents.json.checked'].sort());
  }, 30_000);

  test('a claim left by a taker killed mid-takeover is removed; a live one stays', async () => {
    const dir = await tmp();
    const dead = await deadWriter();
    const live = await createHolderProbe().self();
    const deadClaim = 'incidents.json.lock.0123456789abcdef.reap';
    const liveClaim = 'state.json.lock.fedcba9876543210.reap';
    await writeFile(join(dir, deadClaim), formatHolderRecord({ ...dead, token: 'aaaaaaaaaaaaaaaa' }));
    await writeFile(join(dir, liveClaim), formatHolderRecord({ ...live, token: 'bbbbbbbbbbbbbbbb' }));
    const probe = createHolderProbe();
    const swept = await removeLeftoverTemps(dir, probe, createLockFs(probe));
    expect(swept.removed).toEqual([deadClaim]);
    expect(await readdir(dir)).toEqual([liveClaim]);
    expect(await readFile(join(dir, liveClaim), 'utf8')).toContain('bbbbbbbbbbbbbbbb');
  }, 30_000);

  test(`one sweep judges at most ${MAX_SWEPT} names; the next store takes the rest`, async () => {
    const dir = await tmp();
    const dead = await deadWriter();
    const count = MAX_SWEPT + 50;
    for (let n = 0; n < count; n++) await writeFile(join(dir, `.state.json.${writerTag(dead)}.${n.toString(36)}.tmp`), '');
    const temps = async () => (await readdir(dir)).filter((f) => f.endsWith('.tmp')).length;
    await new DocumentStore({ stateDir: dir }).update('state', () => {});
    expect(await temps()).toBe(50);
    await new DocumentStore({ stateDir: dir }).update('state', () => {});
    expect(await temps()).toBe(0);
  }, 30_000);

  test('SIGKILLed writers of a big file leave no temp file behind once the next writer has run', async () => {
    const dir = await tmp();
    // Big enough that a good share of kills land between the temp file's creation and its rename.
    const maxBytes = 16 << 20;
    const store = new DocumentStore({ stateDir: dir, limits: { incidents: { maxBytes, hardMaxBytes: 2 * maxBytes } } });
    await store.update('incidents', (doc) => {
      for (let n = 0; n < 3000; n++) doc.incidents.push({ id: `seed-${n}`, time: 't', lastSeen: 't', count: 1, source: 'mcp', severity: 'info', summary: `seed ${n} ${'e'.repeat(800)}`, evidence: [], fingerprints: [], status: 'resolved' });
    });
    let leftBehind = 0;
    for (let k = 0; k < 40 && leftBehind < 2; k++) {
      const worker = spawnWorker('append-incidents', [dir, '100000', `k${k}`, '10000', '0', String(maxBytes)]);
      await worker.waitForLine((l) => l.startsWith('ack '), 60_000);
      await new Promise((r) => setTimeout(r, Math.random() * 60));
      worker.child.kill('SIGKILL');
      await worker.exited;
      leftBehind += (await readdir(dir)).filter((f) => f.endsWith('.tmp')).length > 0 ? 1 : 0;
      // Writes both files (the digests hook, as in the programs and the worker), so a lock the kill left on either is taken over too.
      await new DocumentStore({ stateDir: dir, limits: { incidents: { maxBytes, hardMaxBytes: 2 * maxBytes } }, onWritten: keepBriefingDigests }).appendIncident({ source: 'mcp', severity: 'info', summary: `after kill ${k}` });
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp') || f.includes('.lock'))).toEqual([]);
    }
    // The test means something only if some kills did leave a temp file.
    expect(leftBehind).toBeGreaterThan(0);
  }, 180_000);
});
