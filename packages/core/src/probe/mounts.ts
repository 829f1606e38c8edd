import { readProcFile, DEFAULT_PROC, type ProcSource } from './proc-root';

export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
}

const PSEUDO_FS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'cgroup', 'cgroup2', 'securityfs', 'pstore', 'bpf', 'debugfs',
  'tracefs', 'configfs', 'fusectl', 'mqueue', 'hugetlbfs', 'autofs', 'binfmt_misc', 'rpc_pipefs', 'nsfs', 'ramfs',
  'efivarfs', 'squashfs', 'overlay', 'fuse.lxcfs', 'nfsd', 'selinuxfs', 'iso9660',
]);

/** Octal escapes (\040 for space) as the kernel writes them. */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Pure: the real, disk-backed filesystems in /proc/self/mounts, one per mount point. */
export function parseMounts(text: string): Mount[] {
  const seen = new Map<string, Mount>();
  for (const line of text.split('\n')) {
    const [device, mountPoint, fsType] = line.split(' ');
    if (!device || !mountPoint || !fsType || PSEUDO_FS.has(fsType)) continue;
    seen.set(unescape(mountPoint), { device, mountPoint: unescape(mountPoint), fsType });
  }
  return [...seen.values()];
}

export async function readMounts(source: ProcSource = DEFAULT_PROC): Promise<Mount[]> {
  return parseMounts(await readProcFile(source, 'self/mounts'));
}
