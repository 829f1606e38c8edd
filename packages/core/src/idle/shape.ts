export type Shape = 'micro' | 'a1' | 'other';

export interface ShapeFacts {
  arch: string;
  memTotalBytes: number;
  cpuCount: number;
}

/**
 * Pure: which Oracle Always Free shape this host looks like. aarch64 means Ampere A1; an x86 host
 * with at most 2 CPUs and about 1 GB is the E2.1.Micro. A paid shape of the same size looks the
 * same: set idle.shape to "other" there (only Always Free instances are reclaimed).
 */
export function detectShape(facts: ShapeFacts): Shape {
  if (facts.arch === 'arm64' || facts.arch === 'aarch64') return 'a1';
  if ((facts.arch === 'x64' || facts.arch === 'x86_64') && facts.cpuCount <= 2 && facts.memTotalBytes <= 1.25 * 1024 ** 3) return 'micro';
  return 'other';
}

/**
 * The bandwidth Oracle's "network utilization below 20 %" is read against: the shape's network
 * bandwidth. E2.1.Micro is sold at 50 Mbps (internet), A1 at 1 Gbps per OCPU (one OCPU is one
 * aarch64 CPU). idle.referenceMbps overrides both.
 */
export function referenceMbps(shape: Shape, cpuCount: number, configured?: number): number {
  if (configured) return configured;
  if (shape === 'micro') return 50;
  if (shape === 'a1') return 1000 * Math.max(1, cpuCount);
  return 1000;
}
