import { statfs } from 'node:fs/promises';

export interface DiskUsage {
  path: string;
  totalBytes: number;
  availableBytes: number;
  usedPercent: number;
  inodesTotal: number;
  inodesFree: number;
  /** null on filesystems that report no inode counts (btrfs, some FUSE). */
  inodesUsedPercent: number | null;
}

export interface StatfsLike {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** Pure: the same arithmetic as df, where "used" excludes the root-reserved blocks from the total. */
export function diskUsageFromStatfs(path: string, s: StatfsLike): DiskUsage {
  const used = s.blocks - s.bfree;
  const usable = used + s.bavail;
  return {
    path,
    totalBytes: s.blocks * s.bsize,
    availableBytes: s.bavail * s.bsize,
    usedPercent: usable > 0 ? (used / usable) * 100 : 0,
    inodesTotal: s.files,
    inodesFree: s.ffree,
    inodesUsedPercent: s.files > 0 ? ((s.files - s.ffree) / s.files) * 100 : null,
  };
}

export async function readDiskUsage(path: string): Promise<DiskUsage> {
  try {
    return diskUsageFromStatfs(path, await statfs(path));
  } catch (err) {
    throw new Error(`couldn't statfs ${path}`, { cause: err });
  }
}
