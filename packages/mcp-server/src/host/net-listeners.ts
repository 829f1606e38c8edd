import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProcSource } from '@ldm/core';

export interface Listener {
  protocol: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  address: string;
  port: number;
  inode: number;
  uid: number;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** Pure: "0100007F" (little-endian IPv4 as the kernel prints it) -> "127.0.0.1". */
export function decodeIpv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

/** Pure: 32 hex chars, four little-endian 32-bit words -> compressed IPv6 text. */
export function decodeIpv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

/** Pure: the listening sockets in one /proc/net/{tcp,tcp6,udp,udp6} file. */
export function parseProcNet(text: string, protocol: Listener['protocol']): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addr, portHex] = f[1]!.split(':');
    const state = f[3];
    const listening = protocol.startsWith('tcp') ? state === TCP_LISTEN : state === UDP_UNCONNECTED;
    if (!listening || !addr || !portHex) continue;
    out.push({
      protocol,
      address: protocol.endsWith('6') ? decodeIpv6(addr) : decodeIpv4(addr),
      port: parseInt(portHex, 16),
      uid: Number(f[7]),
      inode: Number(f[9]),
    });
  }
  return out;
}

/** socket inode -> pids holding it. Processes we may not inspect (other users, without root) are skipped. */
export async function socketOwners(source: ProcSource): Promise<Map<number, number[]>> {
  const owners = new Map<number, number[]>();
  const pids = (await readdir(source.procRoot)).filter((e) => /^\d+$/.test(e));
  await Promise.all(
    pids.map(async (pid) => {
      const fdDir = join(source.procRoot, pid, 'fd');
      const fds = await readdir(fdDir).catch(() => [] as string[]);
      for (const fd of fds) {
        const target = await readlink(join(fdDir, fd)).catch(() => '');
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (!m) continue;
        const inode = Number(m[1]);
        const list = owners.get(inode) ?? [];
        if (!list.includes(Number(pid))) list.push(Number(pid));
        owners.set(inode, list);
      }
    }),
  );
  return owners;
}

export async function readListeners(source: ProcSource): Promise<Listener[]> {
  const files: Listener['protocol'][] = ['tcp', 'tcp6', 'udp', 'udp6'];
  const lists = await Promise.all(
    files.map(async (p) => parseProcNet(await readFile(join(source.procRoot, 'net', p), 'utf8').catch(() => ''), p)),
  );
  return lists.flat();
}
