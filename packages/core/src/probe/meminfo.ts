import { readProcFile, DEFAULT_PROC, type ProcSource } from './proc-root';

export interface MemInfo {
  totalBytes: number;
  availableBytes: number;
  freeBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export function parseMeminfo(text: string): MemInfo {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]) * 1024);
  }
  const need = (key: string) => {
    const value = kb.get(key);
    if (value === undefined) throw new Error(`/proc/meminfo has no ${key} line`);
    return value;
  };
  const total = need('MemTotal');
  const free = need('MemFree');
  // MemAvailable exists since Linux 3.14; estimate it on older kernels.
  const available = kb.get('MemAvailable') ?? free + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
  return {
    totalBytes: total,
    availableBytes: available,
    freeBytes: free,
    swapTotalBytes: kb.get('SwapTotal') ?? 0,
    swapFreeBytes: kb.get('SwapFree') ?? 0,
  };
}

export async function readMeminfo(source: ProcSource = DEFAULT_PROC): Promise<MemInfo> {
  return parseMeminfo(await readProcFile(source, 'meminfo'));
}
