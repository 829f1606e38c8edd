import { z } from 'zod';

const FACT_CHARS = 120;
const fact = z.string().max(FACT_CHARS);

/**
 * What does not change while the host runs: gathered once per boot by ldm-boot-check and kept in
 * state.json `hostFacts`, so the briefing can say what machine this is without paying for it.
 */
export const HostFactsSchema = z.object({
  bootId: z.string().max(64),
  gatheredAt: z.string().max(40),
  os: fact,
  kernel: fact,
  arch: fact,
  cpuModel: fact,
  cpuCores: z.number().int().nonnegative(),
  memTotalBytes: z.number().nonnegative(),
  /** The hypervisor when the host is a virtual machine, e.g. "KVM"; null on bare metal or unknown. */
  virtualization: fact.nullable(),
  /** The cloud the DMI tables name, e.g. "Oracle Cloud"; null when none is recognised. */
  cloud: fact.nullable(),
});

export type HostFacts = z.infer<typeof HostFactsSchema>;

/** The part of systeminformation's answers the facts are made from (injected in tests). */
export interface HostFactSource {
  osInfo(): Promise<{ distro: string; release: string; platform: string; kernel: string; arch: string; hostname: string }>;
  cpu(): Promise<{ manufacturer: string; brand: string; cores: number }>;
  system(): Promise<{ manufacturer: string; model: string; virtual: boolean; virtualHost?: string }>;
  chassis(): Promise<{ manufacturer: string; assetTag: string }>;
  mem(): Promise<{ total: number }>;
}

export interface Dmi {
  systemManufacturer: string;
  systemModel: string;
  chassisManufacturer: string;
  chassisAssetTag: string;
}

// Each cloud's own mark in the DMI tables, as its documentation gives it for instance detection.
const CLOUD_MARKS: ReadonlyArray<{ cloud: string; matches: (d: Dmi) => boolean }> = [
  { cloud: 'Oracle Cloud', matches: (d) => d.chassisAssetTag === 'OracleCloud.com' },
  { cloud: 'AWS', matches: (d) => /^Amazon EC2$/i.test(d.systemManufacturer) || /^Amazon EC2$/i.test(d.chassisAssetTag) },
  { cloud: 'Google Cloud', matches: (d) => /^Google$/i.test(d.systemManufacturer) && /Google Compute Engine/i.test(d.systemModel) },
  { cloud: 'Azure', matches: (d) => d.chassisAssetTag === '7783-7084-3265-9085-8269-3286-77' },
  { cloud: 'Hetzner', matches: (d) => /^Hetzner$/i.test(d.systemManufacturer) },
  { cloud: 'DigitalOcean', matches: (d) => /^DigitalOcean$/i.test(d.systemManufacturer) },
];

/** Pure: the cloud named by the DMI tables, or null. */
export function cloudOf(dmi: Dmi): string | null {
  return CLOUD_MARKS.find((mark) => mark.matches(dmi))?.cloud ?? null;
}

const clean = (text: string | undefined): string => (text ?? '').replace(/[\p{Cc}]/gu, ' ').trim().slice(0, FACT_CHARS);

/**
 * Static facts that are costly to gather by hand (DMI, CPU identification, virtualisation);
 * systeminformation does that. Not for hot paths: ~100 ms to import and ~200 ms to ask, so only
 * ldm-boot-check calls it, once per boot.
 */
export async function readHostFacts(bootId: string, now: Date, source?: HostFactSource): Promise<HostFacts> {
  const si: HostFactSource = source ?? (await import('systeminformation')).default;
  const [os, cpu, system, chassis, mem] = await Promise.all([si.osInfo(), si.cpu(), si.system(), si.chassis(), si.mem()]);
  const dmi: Dmi = {
    systemManufacturer: clean(system.manufacturer),
    systemModel: clean(system.model),
    chassisManufacturer: clean(chassis.manufacturer),
    chassisAssetTag: clean(chassis.assetTag),
  };
  return HostFactsSchema.parse({
    bootId: bootId.slice(0, 64),
    gatheredAt: now.toISOString(),
    os: clean([os.distro, os.release].filter(Boolean).join(' ')) || clean(os.platform) || 'Linux',
    kernel: clean(os.kernel),
    arch: clean(os.arch),
    cpuModel: clean([cpu.manufacturer, cpu.brand].filter(Boolean).join(' ')),
    cpuCores: Number.isInteger(cpu.cores) && cpu.cores >= 0 ? cpu.cores : 0,
    memTotalBytes: Number.isFinite(mem.total) && mem.total >= 0 ? mem.total : 0,
    virtualization: system.virtual ? clean(system.virtualHost) || 'unknown hypervisor' : null,
    cloud: cloudOf(dmi),
  } satisfies HostFacts);
}

/** Pure: the facts in a few words for the briefing, e.g. "Oracle Cloud VM (KVM), 2 × AMD EPYC, 0.9 GiB RAM". */
export function describeHostFacts(facts: HostFacts): string {
  const where = facts.virtualization ? `${facts.cloud ?? 'a'} VM (${facts.virtualization})` : (facts.cloud ?? 'bare metal or an unknown hypervisor');
  const cpu = facts.cpuModel ? `${facts.cpuCores} × ${facts.cpuModel}` : `${facts.cpuCores} CPUs`;
  return `${where}, ${cpu}, ${(facts.memTotalBytes / 2 ** 30).toFixed(1)} GiB RAM`;
}
