// Which paths a command word could name, and whether those are paths the model must not touch.
// Literal words are checked exactly; globs and expansions are checked by what they could match,
// so `/e*c`, `/*` and `$X` are caught. "maybe" means only an unknown expansion could reach it.
import { posix } from 'node:path';
import type { Word, Cell } from './shell-parse';
import { wordText } from './shell-parse';
import { hasExpansion, isLiteral, literalPrefix, wordRegex } from './shell-words';
import type { PolicyContext } from './types';
import { isAccessControlFile, isSecretFile, isStartupFile, isSuiteFile, isSystemLocation } from './protected-paths';
import { isPathWithin } from './path-match';

export type Reach = 'yes' | 'maybe' | 'no';

/** Directories whose recursive removal, chmod or move leaves the system unusable. */
export const CATASTROPHIC_ROOTS = [
  '/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/opt', '/proc', '/root', '/run',
  '/sbin', '/snap', '/srv', '/sys', '/usr', '/var', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/usr/local',
  '/usr/share', '/usr/include', '/var/lib', '/var/log', '/etc/systemd', '/etc/ssh', '/lib/systemd', '/usr/lib/systemd',
];

const BLOCK_DEVICE = /^\/dev\/(sd[a-z]|vd[a-z]|xvd[a-z]|hd[a-z]|nvme\d|mmcblk\d|mapper\/|dm-\d|md\d|md\/|loop\d|disk\/|root$|sr\d|nbd\d|rbd\d|zd\d|bcache\d|drbd\d|mem$|kmem$|port$|[a-z0-9_-]+\/[a-z0-9_-]+$)/;
const BLOCK_SAMPLES = ['/dev/sda', '/dev/sda1', '/dev/vda', '/dev/vda1', '/dev/xvda', '/dev/hda', '/dev/nvme0n1', '/dev/nvme0n1p1', '/dev/mmcblk0', '/dev/mapper/root', '/dev/dm-0', '/dev/md0', '/dev/loop0', '/dev/disk/by-uuid/\u0001', '/dev/root', '/dev/mem', '/dev/sr0', '/dev/ubuntu-vg/root'];
/** Device files that are fine to write to. */
const HARMLESS_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty', '/dev/zero', '/dev/full', '/dev/console', '/dev/kmsg']);

/**
 * Normalises the path in a word without losing its globs: `.` and empty segments go, `..` removes
 * the segment before it, like `realpath -m`. Relative words are left relative.
 */
export function normalizeWordPath(w: Word): Word {
  const segs: Cell[][] = [[]];
  for (const c of w.cells) {
    if ('ch' in c && c.ch === '/') segs.push([]);
    else segs[segs.length - 1]!.push(c);
  }
  const abs = segs[0]!.length === 0 && segs.length > 1;
  const text = (s: Cell[]): string | null => (s.every((c) => 'ch' in c) ? s.map((c) => (c as { ch: string }).ch).join('') : null);
  const out: Cell[][] = [];
  for (const [k, s] of segs.entries()) {
    if (k === 0 && abs) continue;
    const t = text(s);
    if (t === '' || t === '.') continue;
    if (t === '..') {
      // `..` after an expansion (~root/.., $D/..) can lead anywhere: the path is unknown from here on.
      if (out.length && text(out[out.length - 1]!) === null) {
        out.length = 0;
        out.push([{ dyn: '<..>' }]);
        continue;
      }
      if (out.length && text(out[out.length - 1]!) !== '..') out.pop();
      else if (!abs) out.push(s);
      continue;
    }
    out.push(s);
  }
  const cells: Cell[] = [];
  if (abs) cells.push({ ch: '/', quoted: true });
  out.forEach((s, k) => {
    if (k > 0) cells.push({ ch: '/', quoted: true });
    cells.push(...s);
  });
  if (!cells.length) cells.push({ ch: abs ? '/' : '.', quoted: true });
  return { cells, raw: w.raw };
}

/** In a cwds list: the command may run in a directory not known statically. */
export const ANY_CWD = '*';
/** In a cwds list: the line may change HOME (or PWD, OLDPWD, CDPATH), so `~` is not known either. */
export const HOME_UNKNOWN = '~?';

/** Absolute versions of a word: itself if absolute, else joined to each known cwd (and "somewhere" if the cwd may be unknown). */
export function absoluteForms(w: Word, cwds: string[]): Word[] {
  const first = w.cells[0];
  const second = w.cells[1];
  if (first && 'dyn' in first && first.dyn === '~' && !cwds.includes(HOME_UNKNOWN) && (!second || ('ch' in second && second.ch === '/'))) {
    // ~ is root's home or a user's: check both, as if written out.
    const rest = w.cells.slice(1);
    const lit = (t: string): Cell[] => [...t].map((ch) => ({ ch, quoted: true }));
    return [
      normalizeWordPath({ cells: [...lit('/root'), ...rest], raw: w.raw }),
      normalizeWordPath({ cells: [...lit('/home/'), { ch: '*', quoted: false }, ...rest], raw: w.raw }),
    ];
  }
  if (first && 'ch' in first && first.ch === '/') return [normalizeWordPath(w)];
  if (first && 'dyn' in first) return [normalizeWordPath(w)];
  // ~+ ($PWD), ~- ($OLDPWD), ~user (any home: ~bin is /bin) and a reassigned HOME: an unknown absolute path.
  const forms = cwds.filter((c) => c.startsWith('/')).map((cwd) => normalizeWordPath({ cells: [...[...cwd, '/'].map((ch) => ({ ch, quoted: true })), ...w.cells], raw: w.raw }));
  if (cwds.length === 0 || cwds.includes(ANY_CWD)) forms.push(normalizeWordPath({ cells: [{ dyn: '<cwd>' }, { ch: '/', quoted: true }, ...w.cells], raw: w.raw }));
  return forms;
}

/** Could the word name a path for which `pred` holds? Tries the word itself, then representative samples. */
export function reach(w: Word, pred: (p: string) => boolean, samples: string[]): Reach {
  if (isLiteral(w)) return pred(wordText(w)) ? 'yes' : 'no';
  const re = wordRegex(w);
  const hit = samples.some((s) => pred(s) && re.test(s));
  if (!hit) return 'no';
  // Globs alone are expanded by the shell against real files: treat a match as certain.
  return hasExpansion(w) ? 'maybe' : 'yes';
}

const worst = (a: Reach, b: Reach): Reach => (a === 'yes' || b === 'yes' ? 'yes' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'no');

function reachAny(forms: Word[], pred: (p: string) => boolean, samples: string[]): Reach {
  return forms.reduce<Reach>((acc, f) => worst(acc, reach(f, pred, samples)), 'no');
}

/** `rm -r X`, `chmod -R X`, `mv X`: could X be one of the catastrophic roots, or all of one's entries? */
export function reachesCatastrophicRoot(w: Word, cwds: string[]): Reach {
  const isRoot = (p: string): boolean => CATASTROPHIC_ROOTS.includes(p);
  let r: Reach = 'no';
  for (const f of absoluteForms(w, cwds)) {
    r = worst(r, reach(f, isRoot, CATASTROPHIC_ROOTS));
    // `/etc/*` removes everything in /etc: as bad as /etc itself.
    const cells = f.cells;
    const last = cells[cells.length - 1];
    if (cells.length >= 2 && last && 'ch' in last && !last.quoted && last.ch === '*') {
      const parentCells = cells.slice(0, -1);
      const sep = parentCells[parentCells.length - 1];
      if (sep && 'ch' in sep && sep.ch === '/') {
        const parent = normalizeWordPath({ cells: parentCells.length > 1 ? parentCells.slice(0, -1) : parentCells, raw: f.raw });
        r = worst(r, reach(parent, isRoot, CATASTROPHIC_ROOTS));
      }
    }
  }
  return r;
}

export function reachesBlockDevice(w: Word): Reach {
  const f = normalizeWordPath(w);
  if (isLiteral(f)) return BLOCK_DEVICE.test(wordText(f)) && !HARMLESS_DEVICES.has(wordText(f)) ? 'yes' : 'no';
  const prefix = literalPrefix(f);
  if (!prefix.startsWith('/dev/') && !'/dev/'.startsWith(prefix)) return 'no';
  return reach(f, (p) => BLOCK_DEVICE.test(p), BLOCK_SAMPLES);
}

export interface TargetFinding {
  action: 'deny' | 'confirm';
  rule: string;
  reason: string;
  /** Confirmations about unknowable targets stay on in unrestricted mode. */
  always?: boolean;
}

const ANY = '\u0001';
const STARTUP_SAMPLES = ['/root/.bashrc', '/root/.profile', '/home/user/.bashrc', '/home/user/.profile', '/root/.ssh/config', '/home/user/.ssh/rc'];
const SECRET_SAMPLES = ['/etc/shadow', '/etc/gshadow', '/etc/ssl/private/server.key', '/etc/ssh/ssh_host_ed25519_key', '/etc/ssh/ssh_host_rsa_key', '/root/.ssh/id_rsa', '/root/.ssh/id_ed25519', '/home/user/.ssh/id_rsa', '/home/user/.ssh/id_ed25519'];
const ACCESS_SAMPLES: string[] = ['/etc/shadow', '/etc/gshadow', '/etc/passwd', '/etc/group', '/etc/sudoers', `/etc/sudoers.d/${ANY}`, '/etc/pam.d/sshd', '/etc/doas.conf', '/root/.ssh/authorized_keys', '/home/user/.ssh/authorized_keys', '/root/.ssh/authorized_keys2'];

function suiteSamples(ctx: PolicyContext): string[] {
  // ANY stands for "some entry in this directory": globs match it, literal names never do.
  const out = [ctx.configFile, posix.join(posix.dirname(ctx.configFile), ANY), ...ctx.protectedPaths, ...ctx.protectedPaths.map((p) => posix.join(p, ANY))];
  for (const u of ctx.suiteUnits) out.push(`/etc/systemd/system/${u}`, `/etc/systemd/system/${u}.d/override.conf`, `/lib/systemd/system/${u}`);
  return out.filter(Boolean);
}

/**
 * Checks a path a command writes, truncates, deletes or changes the mode of.
 * `verb` goes into the reason ("writes", "deletes").
 */
export function checkWriteTarget(w: Word, verb: string, ctx: PolicyContext, cwds: string[]): TargetFinding | null {
  const forms = absoluteForms(w, cwds);
  const show = w.raw;
  const dev = forms.reduce<Reach>((a, f) => worst(a, reachesBlockDevice(f)), 'no');
  if (dev === 'yes') return { action: 'deny', rule: 'builtin:deny:block-device-write', reason: `${verb} ${show}, a block device or raw memory: that destroys the filesystem on it` };
  const lit = forms.length === 1 && isLiteral(forms[0]!) ? wordText(forms[0]!) : null;
  if (lit && HARMLESS_DEVICES.has(lit)) return null;
  if (lit && /^\/dev\/fd\/\d+$/.test(lit)) return null;

  const checks: [(p: string) => boolean, string[], string, string][] = [
    [(p) => isSuiteFile(p, ctx), suiteSamples(ctx), 'builtin:deny:suite-files', 'which belongs to linux-devops-mcp itself (its config and policy, state or units); the model may not change its own permissions'],
    [isAccessControlFile, ACCESS_SAMPLES, 'builtin:deny:access-control', 'which controls who can log in or become root'],
    [isSecretFile, SECRET_SAMPLES, 'builtin:deny:secret-file', 'which holds secrets (password hashes or private keys)'],
    [(p) => p === '/proc/sysrq-trigger', ['/proc/sysrq-trigger'], 'builtin:deny:power', 'which can reboot or crash the kernel'],
  ];
  for (const [pred, samples, rule, why] of checks) {
    const r = reachAny(forms, pred, samples);
    if (r === 'yes') return { action: 'deny', rule, reason: `${verb} ${show}, ${why}` };
    if (r === 'maybe') return { action: 'confirm', rule: 'builtin:confirm:unknown-target', reason: `${verb} ${show}, which is not known until it runs and could be a protected file (${rule})`, always: true };
  }
  if (dev === 'maybe') return { action: 'confirm', rule: 'builtin:confirm:unknown-target', reason: `${verb} ${show}, which could be a block device`, always: true };
  if (lit) {
    if (isPathWithin(lit, '/proc') || isPathWithin(lit, '/sys')) return { action: 'confirm', rule: 'builtin:confirm:kernel-write', reason: `${verb} ${lit}, a kernel setting` };
    if (isPathWithin(lit, '/dev')) return { action: 'confirm', rule: 'builtin:confirm:device-write', reason: `${verb} ${lit}, a device` };
    if (isPathWithin(lit, '/etc')) return { action: 'confirm', rule: 'builtin:confirm:etc-write', reason: `${verb} ${lit}, system configuration under /etc` };
    if (isSystemLocation(lit)) return { action: 'confirm', rule: 'builtin:confirm:system-write', reason: `${verb} ${lit}, installed software or package state` };
  }
  if (reachAny(forms, isStartupFile, STARTUP_SAMPLES) === 'yes')
    return { action: 'confirm', rule: 'builtin:confirm:startup-file', reason: `${verb} ${show}, which runs or is trusted when a user logs in or a shell starts` };
  if (lit) return null;
  // Not literal: under /etc or another system location by its literal prefix?
  for (const f of forms) {
    const prefix = literalPrefix(f);
    if (!prefix.startsWith('/')) continue;
    const dir = prefix.endsWith('/') ? prefix.slice(0, -1) : posix.dirname(prefix);
    if (isPathWithin(dir, '/etc') || isSystemLocation(dir) || isPathWithin(dir, '/proc') || isPathWithin(dir, '/sys') || isPathWithin(dir, '/dev'))
      return { action: 'confirm', rule: 'builtin:confirm:etc-write', reason: `${verb} ${show}, under ${dir}` };
  }
  return null;
}

/** Reading a secret file: refused for commands as for the file tools. Only literal words and globs count. */
export function checkSecretRead(w: Word, cwds: string[]): TargetFinding | null {
  if (hasExpansion(w)) return null;
  for (const f of absoluteForms(w, cwds)) {
    if (hasExpansion(f)) continue;
    if (reach(f, isSecretFile, SECRET_SAMPLES) === 'yes') return { action: 'deny', rule: 'builtin:deny:secret-file', reason: `reads ${w.raw}, which holds secrets (password hashes or private keys)` };
  }
  return null;
}
