import { describe, test, expect } from '@jest/globals';
import { encodeRequest, FrameDecoder, FRAME_EVENT, FRAME_STDERR, FRAME_STDOUT, MAX_FRAME_PAYLOAD, oomKilled, unitCgroupDir } from '@ldm/core';

function frame(kind: number, id: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head[0] = kind;
  head.writeUInt32BE(id, 1);
  head.writeUInt32BE(payload.length, 5);
  return Buffer.concat([head, payload]);
}

describe('FrameDecoder', () => {
  const stream = Buffer.concat([
    frame(FRAME_EVENT, 0, Buffer.from('{"ev":"hello","pid":42}')),
    frame(FRAME_STDOUT, 7, Buffer.from('out\n')),
    frame(FRAME_STDERR, 7, Buffer.from([0, 255, 10])),
    frame(FRAME_EVENT, 7, Buffer.from('{"ev":"exit","code":3,"signal":null}')),
  ]);

  test('gives the same frames however the pipe splits the stream', () => {
    const whole = new FrameDecoder().push(stream);
    expect(whole).toEqual([
      { kind: FRAME_EVENT, id: 0, event: { ev: 'hello', pid: 42 } },
      { kind: FRAME_STDOUT, id: 7, data: Buffer.from('out\n') },
      { kind: FRAME_STDERR, id: 7, data: Buffer.from([0, 255, 10]) },
      { kind: FRAME_EVENT, id: 7, event: { ev: 'exit', code: 3, signal: null } },
    ]);
    for (const step of [1, 2, 5, 9, 10, 13]) {
      const d = new FrameDecoder();
      const frames = [];
      for (let i = 0; i < stream.length; i += step) frames.push(...d.push(stream.subarray(i, i + step)));
      expect(frames).toEqual(whole);
    }
  });

  test('refuses what is not a frame: unknown kind, oversized length, an unknown event', () => {
    expect(() => new FrameDecoder().push(frame(9, 1, Buffer.from('x')))).toThrow(/kind 9/);
    const big = Buffer.alloc(9);
    big[0] = FRAME_STDOUT;
    big.writeUInt32BE(MAX_FRAME_PAYLOAD + 1, 5);
    expect(() => new FrameDecoder().push(big)).toThrow(/malformed/);
    expect(() => new FrameDecoder().push(frame(FRAME_EVENT, 1, Buffer.from('{"ev":"approve"}')))).toThrow(/unknown event/);
    expect(() => new FrameDecoder().push(frame(FRAME_EVENT, 1, Buffer.from('{no')))).toThrow(/not JSON/);
  });

  test('a request is one line, whatever its argv holds', () => {
    const line = encodeRequest({ t: 'run', id: 1, argv: ['printf', 'a\nb'], cwd: '/', env: {} });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line).argv).toEqual(['printf', 'a\nb']);
  });
});

describe('command cgroups (pure parts)', () => {
  test('the unit cgroup comes from the v2 line of /proc/PID/cgroup, on v2 and hybrid hosts', () => {
    expect(unitCgroupDir('0::/system.slice/ldm-sbx-1-ab.service\n', '/sys/fs/cgroup')).toBe('/sys/fs/cgroup/system.slice/ldm-sbx-1-ab.service');
    expect(unitCgroupDir('9:name=systemd:/system.slice/x.service\n0::/system.slice/x.service\n', '/sys/fs/cgroup/unified')).toBe('/sys/fs/cgroup/unified/system.slice/x.service');
    expect(() => unitCgroupDir('4:memory:/x\n', '/sys/fs/cgroup')).toThrow(/no cgroup v2 path/);
    expect(() => unitCgroupDir('0::/system.slice/../../etc\n', '/sys/fs/cgroup')).toThrow(/no cgroup v2 path/);
  });

  test('memory.events tells an OOM kill', () => {
    expect(oomKilled('low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 1\n')).toBe(true);
    expect(oomKilled('low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n')).toBe(false);
    expect(oomKilled('')).toBe(false);
  });
});
