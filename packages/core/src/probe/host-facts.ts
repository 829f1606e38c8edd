import si from 'systeminformation';
import { hostname } from 'node:os';

export interface HostFacts {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  cpuModel: string;
  cpuCores: number;
}

/**
 * Static facts that are costly to gather by hand; systeminformation does it once per call.
 * Not for hot paths: callers cache the result (the MCP server does at start).
 */
export async function readHostFacts(): Promise<HostFacts> {
  const [os, cpu] = await Promise.all([si.osInfo(), si.cpu()]);
  return {
    hostname: os.hostname || hostname(),
    os: [os.distro, os.release].filter(Boolean).join(' ') || os.platform,
    kernel: os.kernel,
    arch: os.arch,
    cpuModel: [cpu.manufacturer, cpu.brand].filter(Boolean).join(' '),
    cpuCores: cpu.cores,
  };
}
