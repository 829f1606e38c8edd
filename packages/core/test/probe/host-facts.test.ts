import { describe, expect, test } from '@jest/globals';
import { arch } from 'node:os';
import { cloudOf, describeHostFacts, readHostFacts, type HostFactSource } from '../../src/probe/host-facts';

const NOW = new Date('2026-12-07T12:00:00Z');
const oracleA1: HostFactSource = {
  osInfo: async () => ({ distro: 'Ubuntu', release: '24.04.1 LTS', platform: 'linux', kernel: '6.8.0-1013-oracle', arch: 'arm64', hostname: 'vm1' }),
  cpu: async () => ({ manufacturer: 'ARM', brand: 'Neoverse-N1\u001b[31m', cores: 4 }),
  system: async () => ({ manufacturer: 'QEMU', model: 'KVM Virtual Machine', virtual: true, virtualHost: 'KVM' }),
  chassis: async () => ({ manufacturer: 'QEMU', assetTag: 'OracleCloud.com' }),
  mem: async () => ({ total: 24 * 2 ** 30 }),
};

describe('host facts', () => {
  test('the cloud comes from its DMI mark, not from a guess', () => {
    const dmi = { systemManufacturer: 'QEMU', systemModel: 'Standard PC', chassisManufacturer: 'QEMU', chassisAssetTag: '' };
    expect(cloudOf({ ...dmi, chassisAssetTag: 'OracleCloud.com' })).toBe('Oracle Cloud');
    expect(cloudOf({ ...dmi, systemManufacturer: 'Amazon EC2' })).toBe('AWS');
    expect(cloudOf({ ...dmi, systemManufacturer: 'Google', systemModel: 'Google Compute Engine' })).toBe('Google Cloud');
    expect(cloudOf(dmi)).toBeNull();
    expect(cloudOf({ ...dmi, chassisAssetTag: 'oraclecloud.com.evil' })).toBeNull();
  });

  test('an Oracle A1 instance: facts bounded, control characters gone, one line for the briefing', async () => {
    const facts = await readHostFacts('b1', NOW, oracleA1);
    expect(facts).toMatchObject({ bootId: 'b1', os: 'Ubuntu 24.04.1 LTS', arch: 'arm64', cpuCores: 4, virtualization: 'KVM', cloud: 'Oracle Cloud' });
    expect(facts.cpuModel).toBe('ARM Neoverse-N1 [31m');
    expect(describeHostFacts(facts)).toBe('Oracle Cloud VM (KVM), 4 × ARM Neoverse-N1 [31m, 24.0 GiB RAM');
    const long = await readHostFacts('b1', NOW, { ...oracleA1, cpu: async () => ({ manufacturer: 'x', brand: 'y'.repeat(10_000), cores: 2 }) });
    expect(long.cpuModel.length).toBeLessThanOrEqual(120);
  });

  test('the real systeminformation on this machine', async () => {
    const facts = await readHostFacts('real', NOW);
    expect(facts.arch).toBe(arch() === 'x64' ? 'x64' : arch());
    expect(facts.cpuCores).toBeGreaterThan(0);
    expect(facts.memTotalBytes).toBeGreaterThan(100 * 2 ** 20);
    expect(facts.kernel.length).toBeGreaterThan(0);
  }, 20_000);
});
