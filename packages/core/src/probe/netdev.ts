import { readProcFile, DEFAULT_PROC, type ProcSource } from './proc-root';

export interface NetBytes {
  rxBytes: number;
  txBytes: number;
}

/** Sums /proc/net/dev over all interfaces but loopback. */
export function parseNetDev(text: string): NetBytes {
  let rxBytes = 0;
  let txBytes = 0;
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const fields = m[2]!.trim().split(/\s+/).map(Number);
    rxBytes += fields[0] ?? 0;
    txBytes += fields[8] ?? 0;
  }
  return { rxBytes, txBytes };
}

export async function readNetBytes(source: ProcSource = DEFAULT_PROC): Promise<NetBytes> {
  return parseNetDev(await readProcFile(source, 'net/dev'));
}
