import { describe, test, expect } from '@jest/globals';
import { decodeIpv4, decodeIpv6, parseProcNet } from '../../src/host/net-listeners';
import { parsePasswd, processCpuPercents } from '../../src/host/host-sampler';
import type { ProcessStat } from '@ldm/core';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 24561 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18277 1 0000000000000000 100 0 0 10 0
   2: 0F02000A:0016 0202000A:D1C4 01 00000000:00000000 02:0009A5B3 00000000     0        0 40811 4 0000000000000000 20 4 29 10 -1`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18279 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 30001 1 0000000000000000 100 0 0 10 0`;
const UDP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  120: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 15411 2 0000000000000000 0`;

describe('/proc/net parsing', () => {
  test('TCP: only LISTEN sockets, little-endian addresses decoded', () => {
    expect(parseProcNet(TCP, 'tcp')).toEqual([
      { protocol: 'tcp', address: '127.0.0.1', port: 3306, uid: 999, inode: 24561 },
      { protocol: 'tcp', address: '0.0.0.0', port: 22, uid: 0, inode: 18277 },
    ]);
  });
  test('TCP6 and UDP', () => {
    expect(parseProcNet(TCP6, 'tcp6').map((l) => `${l.address}:${l.port}`)).toEqual([':::22', '::1:8080']);
    expect(parseProcNet(UDP, 'udp')).toEqual([{ protocol: 'udp', address: '127.0.0.53', port: 53, uid: 101, inode: 15411 }]);
  });
  test('address decoding', () => {
    expect(decodeIpv4('0100007F')).toBe('127.0.0.1');
    expect(decodeIpv6('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(decodeIpv6('B80D0120000000000000000001000000')).toBe('2001:db8::1');
  });
});

describe('process helpers', () => {
  test('parsePasswd maps uid to name', () => {
    expect(parsePasswd('root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n').get(33)).toBe('www-data');
  });
  test('processCpuPercents: ticks over elapsed time, new processes skipped', () => {
    const stat = (pid: number, cpuTicks: number) => ({ pid, cpuTicks }) as ProcessStat;
    const out = processCpuPercents(new Map([[1, 100], [2, 50]]), [stat(1, 150), stat(2, 50), stat(3, 999)], 1000);
    expect(out.get(1)).toBeCloseTo(50);
    expect(out.get(2)).toBe(0);
    expect(out.has(3)).toBe(false);
  });
});
