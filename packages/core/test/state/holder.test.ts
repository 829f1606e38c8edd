import { describe, expect, test } from '@jest/globals';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHolderProbe, formatHolderRecord, judgeHolder, parseHolderRecord, parseTempName, writerTag, type Holder } from '@ldm/core';

const BOOT = '6f3a1c2e-0d4b-4e0f-9a51-3f0c2b7d9e11';
const holder: Holder = { pid: 4242, start: 123456, boot: BOOT };

describe('judgeHolder', () => {
  test.each([
    ['the same process', holder, { kind: 'running', start: 123456, state: 'S' }, 'alive'],
    ['a pid reused by a later process', holder, { kind: 'running', start: 999999, state: 'S' }, 'dead'],
    ['no such pid', holder, { kind: 'absent' }, 'dead'],
    ['a zombie', holder, { kind: 'running', start: 123456, state: 'Z' }, 'dead'],
    ['a pid /proc hides', holder, { kind: 'unknown' }, 'alive'],
    ['another boot, even with the same pid and start', { ...holder, boot: 'aaaaaaaa-0000-0000-0000-000000000000' }, { kind: 'running', start: 123456, state: 'S' }, 'dead'],
    ['a boot id prefix from a temp file name', { ...holder, boot: BOOT.slice(0, 8) }, { kind: 'running', start: 123456, state: 'S' }, 'alive'],
    ['a holder of unknown start (an older name) whose pid runs', { pid: 4242, start: null, boot: null }, { kind: 'running', start: 1, state: 'S' }, 'alive'],
  ] as const)('%s', (_, h, probe, verdict) => {
    expect(judgeHolder(h, BOOT, probe)).toBe(verdict);
  });

  test('an unknown current boot id does not make a holder dead', () => {
    expect(judgeHolder(holder, null, { kind: 'running', start: 123456, state: 'S' })).toBe('alive');
  });
});

describe('holder records and temp names', () => {
  test('a record round-trips; anything else is no record', () => {
    const record = { ...holder, token: 'a1b2c3d4e5f60718' };
    expect(parseHolderRecord(formatHolderRecord(record))).toEqual(record);
    for (const text of ['', '{"pid":1', 'null', '{"pid":0,"start":1,"boot":null,"token":"a1b2c3d4"}', '{"pid":5,"start":1,"boot":null,"token":"../x"}']) {
      expect(parseHolderRecord(text)).toBeNull();
    }
  });

  test('a temp name gives back its target and writer; older pid-only names parse too', () => {
    expect(parseTempName(`.incidents.json.${writerTag(holder)}.1z.tmp`)).toEqual({ target: 'incidents.json', writer: { pid: 4242, start: 123456, boot: BOOT.slice(0, 8) } });
    expect(parseTempName(`.state.json.${writerTag({ pid: 7, start: null, boot: null })}.3.tmp`)).toEqual({ target: 'state.json', writer: { pid: 7, start: null, boot: null } });
    expect(parseTempName('.state.json.1234.5lq2x9k.tmp')).toEqual({ target: 'state.json', writer: { pid: 1234, start: null, boot: null } });
    for (const name of ['state.json', '.state.json.tmp', 'notes.4242.tmp', '.x.abc.1.tmp']) expect(parseTempName(name)).toBeNull();
  });
});

describe('createHolderProbe on a /proc tree', () => {
  const stat = (pid: number, state: string, start: number) =>
    `${pid} (ldm (health) check) ${state} 1 ${pid} ${pid} 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 ${start} 1000 200 18446744073709551615\n`;

  async function fakeProc() {
    const root = await mkdtemp(join(tmpdir(), 'ldm-proc-'));
    await mkdir(join(root, 'sys/kernel/random'), { recursive: true });
    await writeFile(join(root, 'sys/kernel/random/boot_id'), `${BOOT}\n`);
    for (const [pid, state, start] of [[100, 'S', 5000], [200, 'Z', 6000]] as const) {
      await mkdir(join(root, String(pid)));
      await writeFile(join(root, String(pid), 'stat'), stat(pid, state, start));
      await writeFile(join(root, String(pid), 'comm'), 'ldm-healthcheck\n');
    }
    return root;
  }

  test('self, and each verdict from what the tree says', async () => {
    const hidden = new Set([300]);
    const probe = createHolderProbe({
      proc: { procRoot: await fakeProc() },
      pid: 100,
      signalZero: (pid) => {
        if (!hidden.has(pid)) throw Object.assign(new Error('no such process'), { code: 'ESRCH' });
      },
    });
    expect(await probe.self()).toEqual({ pid: 100, start: 5000, boot: BOOT });
    expect(await probe.verdict({ pid: 100, start: 5000, boot: BOOT })).toBe('alive');
    expect(await probe.verdict({ pid: 100, start: 4999, boot: BOOT })).toBe('dead');
    expect(await probe.verdict({ pid: 200, start: 6000, boot: BOOT })).toBe('dead');
    expect(await probe.verdict({ pid: 300, start: 1, boot: BOOT })).toBe('alive');
    expect(await probe.verdict({ pid: 400, start: 1, boot: BOOT })).toBe('dead');
    expect(await probe.commandOf(100)).toBe('ldm-healthcheck');
    expect(await probe.commandOf(400)).toBeNull();
  });

  test('the real /proc: this process is alive, and is what it says it is', async () => {
    const probe = createHolderProbe();
    const self = await probe.self();
    expect(self.pid).toBe(process.pid);
    expect(self.start).toEqual(expect.any(Number));
    expect(self.boot).toMatch(/^[0-9a-f-]{36}$/);
    expect(await probe.verdict(self)).toBe('alive');
    expect(await probe.verdict({ ...self, start: self.start! + 1 })).toBe('dead');
  });
});
