import { readProcFile, DEFAULT_PROC, type ProcSource } from './proc-root';

export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
  runnable: number;
  threads: number;
}

export function parseLoadavg(text: string): LoadAverage {
  const m = /^(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+)\/(\d+)/.exec(text.trim());
  if (!m) throw new Error(`unexpected /proc/loadavg content: ${JSON.stringify(text.slice(0, 80))}`);
  return { load1: Number(m[1]), load5: Number(m[2]), load15: Number(m[3]), runnable: Number(m[4]), threads: Number(m[5]) };
}

export async function readLoadavg(source: ProcSource = DEFAULT_PROC): Promise<LoadAverage> {
  return parseLoadavg(await readProcFile(source, 'loadavg'));
}

export function parseUptime(text: string): number {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(seconds)) throw new Error(`unexpected /proc/uptime content: ${JSON.stringify(text.slice(0, 80))}`);
  return seconds;
}

export async function readUptimeSeconds(source: ProcSource = DEFAULT_PROC): Promise<number> {
  return parseUptime(await readProcFile(source, 'uptime'));
}

/** Changes on every boot: how the boot check tells a reboot happened. */
export async function readBootId(source: ProcSource = DEFAULT_PROC): Promise<string> {
  const id = (await readProcFile(source, 'sys/kernel/random/boot_id')).trim();
  if (!/^[0-9a-f-]{32,36}$/i.test(id)) throw new Error(`unexpected boot id ${JSON.stringify(id)}`);
  return id;
}
