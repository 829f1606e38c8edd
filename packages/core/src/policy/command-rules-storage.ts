// Disks, partitions, volumes and raw device writes: a mistake here loses data for good.
import type { Word } from './shell-parse';
import { wordText } from './shell-parse';
import { literal } from './shell-words';
import { checkSecretRead, checkWriteTarget, reachesBlockDevice } from './command-targets';
import { confirm, deny, fromTarget, type BuiltinRule, type Finding } from './command-rule-table';
import { firstOperand, operands, texts, unknownArg } from './command-args';

const formatFilesystem: BuiltinRule = {
  id: 'mkfs',
  programs: ['mke2fs', 'mkdosfs', 'mkntfs', 'wipefs', 'blkdiscard', 'mkfs.xfs', 'mkfs.btrfs'],
  programPattern: /^mkfs(\..*)?$/,
  findings: (program) => [deny('format-disk', `${program} creates or wipes a filesystem: everything on the device is lost`)],
};

const zpool: BuiltinRule = {
  id: 'zpool',
  programs: ['zpool'],
  findings(_program, args) {
    const sub = firstOperand(args);
    return ['destroy', 'labelclear', 'create', 'add', 'replace', 'split'].includes(sub ?? '') ? [deny('format-disk', `zpool ${sub} destroys or reformats a pool`)] : [];
  },
};

const mkswap: BuiltinRule = {
  id: 'mkswap',
  programs: ['mkswap'],
  findings: (_program, args) => operands(args, 'LUpc').filter((w) => reachesBlockDevice(w) !== 'no').map((w) => deny('format-disk', `mkswap ${w.raw} overwrites a block device`)),
};

const partitionTable: BuiltinRule = {
  id: 'partition-table',
  programs: ['fdisk', 'sfdisk', 'cfdisk', 'gdisk', 'sgdisk', 'parted', 'cgdisk', 'partx', 'growpart'],
  findings(program, args) {
    const t = texts(args);
    const listing = t.some((x) => x !== null && /^(-l|--list|-s|--show-size|-d|--dump|-p|--print|-J|--json|print|-V|--version|-h|--help)$/.test(x));
    if (listing && !t.some((x) => x === '--delete' || x === 'rm' || x === 'mklabel' || x === 'mkpart')) return [];
    return [program === 'growpart' ? confirm('storage-change', 'growpart changes the partition table') : deny('format-disk', `${program} edits a partition table: a mistake loses the disk`)];
  },
};

const cryptsetup: BuiltinRule = {
  id: 'cryptsetup',
  programs: ['cryptsetup'],
  findings: (_program, args) =>
    args.some((w) => /^(luksFormat|erase|luksErase|reencrypt|luksKillSlot|luksRemoveKey)$/.test(literal(w) ?? '')) ? [deny('format-disk', 'cryptsetup would destroy encrypted data or its keys')] : [],
};

const volumes: BuiltinRule = {
  id: 'volumes',
  programs: ['lvremove', 'vgremove', 'pvremove', 'lvreduce', 'vgreduce', 'lvresize', 'resize2fs', 'xfs_growfs', 'e2fsck', 'fsck', 'tune2fs', 'zfs'],
  programPattern: /^fsck\./,
  findings(program, args) {
    if (program === 'zfs' && !['destroy', 'rollback', 'rename', 'set', 'create'].includes(firstOperand(args) ?? '')) return [];
    return [confirm('storage-change', `${program} changes storage volumes or filesystems`)];
  },
};

const dd: BuiltinRule = {
  id: 'dd',
  programs: ['dd'],
  findings(_program, args, env) {
    const out: Finding[] = [];
    if (unknownArg(args)) out.push(confirm('unknown-target', `dd ${args.map((a) => a.raw).join(' ')}: an operand not known until run time could be of=<device>`, true));
    for (const w of args) {
      const x = wordText(w);
      if (x.startsWith('of=')) out.push(...fromTarget(checkWriteTarget(after(w, 3, /^of=/), 'dd writes', env.ctx, env.cwds)));
      if (x.startsWith('if=')) out.push(...fromTarget(checkSecretRead(after(w, 3, /^if=/), env.cwds)));
    }
    return out;
  },
};

/** The word without its first `n` cells (the `of=` of an operand). */
const after = (w: Word, n: number, prefix: RegExp): Word => ({ cells: w.cells.slice(n), raw: w.raw.replace(prefix, '') });

const shred: BuiltinRule = {
  id: 'shred',
  programs: ['shred'],
  findings: (_program, args, env) =>
    operands(args, 'nsu').flatMap((w) =>
      reachesBlockDevice(w) !== 'no'
        ? [deny('block-device-write', `shred ${w.raw} overwrites a block device`)]
        : [...fromTarget(checkWriteTarget(w, 'shreds', env.ctx, env.cwds)), confirm('shred', `shred ${w.raw} destroys the file's contents beyond recovery`)],
    ),
};

export const STORAGE_RULES: readonly BuiltinRule[] = [formatFilesystem, zpool, mkswap, partitionTable, cryptsetup, volumes, dd, shred];
