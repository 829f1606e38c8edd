// The built-in rules, applied to each command after the wrappers around it are peeled off.
// Rule ids are "builtin:deny:<name>" and "builtin:confirm:<name>"; docs/policy.md lists them.
import { posix } from 'node:path';
import type { Word } from './shell-parse';
import { wordText } from './shell-parse';
import { hasExpansion, isLiteral, literal, wordRegex } from './shell-words';
import type { PolicyContext } from './types';
import { findStartPaths, wrapperHostChange } from './command-wrappers';
import { splitOptions, hasOpt } from './split-options';
import { isLongOption } from './long-option';
import { checkSecretRead, checkWriteTarget, reachesBlockDevice, reachesCatastrophicRoot } from './command-targets';
import { byDefault, confirm, deny, fromTarget, indexRules, type Finding, type RuleEnv } from './command-rule-table';
import { EXEC_RULES, sedScripts } from './command-rules-exec';
import { WRITE_RULES } from './command-rules-write';
import { BUS_RULES } from './command-rules-bus';

/** The rule families kept as values ({id, programs, findings}), by program. */
const RULES = indexRules(EXEC_RULES, WRITE_RULES, BUS_RULES);

export type { Finding, RuleEnv } from './command-rule-table';

export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'axel', 'lwp-request', 'GET', 'http', 'https', 'xh', 'nc', 'ncat', 'netcat', 'socat', 'tftp', 'ftp', 'scp', 'rsync', 'git']);
export const INTERPRETERS = /^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*|luajit|tclsh[0-9.]*|wish|Rscript|julia|osascript|pwsh|powershell|gawk|mawk|nawk|awk|busybox-awk)$/;
/** Where distribution packages put programs: running one of these by path is like running it by name. */
const SYSTEM_BIN_DIRS = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/usr/lib', '/usr/libexec', '/lib', '/snap/bin'];


const texts = (ws: Word[]): (string | null)[] => ws.map(literal);
/** An argument whose value is only known at run time (not a glob): it could be any option too. */
const unknownArg = (args: Word[]): boolean =>
  args.some((w) => {
    const c = w.cells[0];
    return !!c && 'dyn' in c && c.dyn !== '~';
  });

/** Flags given as -rf, -r -f, --recursive: is any of `short` or `long` present (before `--`)? */
function hasFlag(args: Word[], short: string, long: string[]): boolean {
  for (const w of args) {
    const t = literal(w);
    if (t === null) continue;
    if (t === '--') return false;
    if (t.startsWith('--')) {
      if (isLongOption(t, long)) return true;
    } else if (t.startsWith('-') && [...t.slice(1)].some((c) => short.includes(c))) return true;
  }
  return false;
}

/** Operands: the words that are not options (everything after `--`). */
function operands(args: Word[], withValue = ''): Word[] {
  const out: Word[] = [];
  let dd = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const t = literal(w);
    if (!dd && t === '--') {
      dd = true;
      continue;
    }
    if (!dd && t !== null && t.startsWith('-') && t !== '-') {
      if (t.length === 2 && withValue.includes(t[1]!)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

function suiteUnitNames(ctx: PolicyContext): string[] {
  const out = new Set<string>();
  for (const u of ctx.suiteUnits) {
    out.add(u);
    const base = u.replace(/\.(service|timer|socket|path|target|mount)$/, '');
    out.add(base);
    for (const s of ['service', 'timer', 'socket', 'path']) out.add(`${base}.${s}`);
  }
  return [...out];
}

/** Could the unit argument name one of the suite's units? */
/**
 * Pure: an fnmatch(3) pattern as a regex, as systemctl matches unit names: `*`, `?`, `[...]` and
 * `[!...]`; a `[` with no closing `]` matches itself (a regex built naively from it would throw).
 */
export function globRegex(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      let j = i + 1;
      if (glob[j] === '!' || glob[j] === '^') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) out += '\\[';
      else {
        let body = glob.slice(i + 1, j);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = j;
      }
    } else out += ch.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'u');
}

function reachesSuiteUnit(w: Word, ctx: PolicyContext): 'yes' | 'maybe' | 'no' {
  const names = suiteUnitNames(ctx);
  const text = wordText(w);
  // systemctl expands globs in unit names itself, quoted or not.
  if (isLiteral(w) && /[*?[]/.test(text)) {
    if ((text.match(/[*?[]/g) ?? []).length > 12) return 'yes';
    const re = globRegex(text);
    return names.some((n) => re.test(n)) ? 'yes' : 'no';
  }
  // An instance of a template unit (ldm-healthcheck-check@shop.timer, an owner's check's timer) is the suite's too.
  if (isLiteral(w)) return names.includes(text) || names.some((n) => n.endsWith('@') && text.startsWith(n)) ? 'yes' : 'no';
  const re = wordRegex(w);
  if (!names.some((n) => re.test(n))) return 'no';
  return hasExpansion(w) ? 'maybe' : 'yes';
}

const SYSTEMCTL_STOPPING = new Set(['stop', 'disable', 'mask', 'kill', 'freeze', 'edit', 'revert', 'set-property', 'link', 'preset', 'reenable', 'clean', 'try-restart', 'restart', 'reload-or-restart', 'try-reload-or-restart', 'condrestart', 'force-reload']);
const SYSTEMCTL_CONFIRM = new Set(['stop', 'disable', 'mask', 'kill', 'freeze', 'edit', 'revert', 'set-property', 'link', 'preset', 'preset-all', 'reenable', 'clean', 'daemon-reexec', 'switch-root']);
const SYSTEMCTL_POWER = new Set(['reboot', 'poweroff', 'halt', 'kexec', 'soft-reboot', 'suspend', 'hibernate', 'hybrid-sleep', 'suspend-then-hibernate', 'rescue', 'emergency', 'isolate', 'exit', 'default']);
const SYSTEMCTL_OPTS_WITH_VALUE = 'tspHMnoP';
const SYSTEMCTL_FLAGS = ['now', 'no-block', 'no-pager', 'no-legend', 'no-wall', 'no-reload', 'no-ask-password', 'all', 'full', 'failed', 'quiet', 'runtime', 'force', 'user', 'system', 'global', 'recursive', 'reverse', 'after', 'before', 'wait', 'dry-run', 'plain', 'value', 'show-types', 'show-transaction', 'firmware-setup', 'read-only', 'mkdir', 'marked', 'ignore-inhibitors'];
const SYSTEMCTL_LONG_WITH_VALUE = ['type', 'state', 'property', 'host', 'machine', 'root', 'lines', 'output', 'signal', 'kill-whom', 'kill-value', 'job-mode', 'what', 'when', 'timestamp', 'boot-loader-entry', 'boot-loader-menu', 'reboot-argument', 'message', 'image', 'preset-mode', 'drop-in', 'legend', 'check-inhibitors'];

function systemctlFindings(args: Word[], ctx: PolicyContext): Finding[] {
  const { rest } = splitOptions(args, { short: SYSTEMCTL_OPTS_WITH_VALUE, long: SYSTEMCTL_LONG_WITH_VALUE, flags: SYSTEMCTL_FLAGS, permute: true });
  if (!rest.length) return [];
  const verb = literal(rest[0]!);
  if (verb === null) return [confirm('service-change', `systemctl with a verb that is not known until it runs (${rest[0]!.raw})`, true)];
  const units = rest.slice(1);
  if (SYSTEMCTL_POWER.has(verb)) return [deny('power', `systemctl ${verb} reboots, powers off or changes the system state; the operator does that, not the model`)];
  const out: Finding[] = [];
  if (SYSTEMCTL_STOPPING.has(verb) || (verb === 'enable' && hasFlag(args, '', ['now'])) || verb === 'unmask' || verb === 'enable') {
    for (const u of units) {
      const r = reachesSuiteUnit(u, ctx);
      if (r === 'yes' && ['enable', 'unmask', 'restart', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'condrestart', 'force-reload'].includes(verb))
        out.push(confirm('suite-unit', `systemctl ${verb} ${u.raw} acts on linux-devops-mcp's own unit`));
      else if (r === 'yes') out.push(deny('suite-unit', `systemctl ${verb} ${u.raw} would stop or change linux-devops-mcp's own unit; the model may not switch off its own watchdog`));
      else if (r === 'maybe') out.push(confirm('suite-unit', `systemctl ${verb} ${u.raw}: the unit is not known until it runs and could be linux-devops-mcp's own`, true));
    }
  }
  if (SYSTEMCTL_CONFIRM.has(verb)) out.push(confirm('service-stop', `systemctl ${verb} ${units.map((u) => u.raw).join(' ')} stops, disables or reconfigures a service`));
  return out;
}

function suiteProcessNames(ctx: PolicyContext): string[] {
  const bases = suiteUnitNames(ctx).map((u) => u.replace(/\.(service|timer|socket|path)$/, ''));
  // What ps shows for them: node running a bundle from the install tree (docs/operations.md).
  const roots = ['/opt/linux-devops-mcp/current', ...ctx.protectedPaths, posix.dirname(ctx.configFile)];
  const cmdlines = bases.flatMap((b) => roots.map((r) => `node ${r}/${b}.mjs`).concat(roots.map((r) => `${r}/bin/${b}`)));
  return [...new Set([...bases, 'node', ...cmdlines])];
}

function killFindings(program: string, args: Word[], ctx: PolicyContext): Finding[] {
  const t = texts(args);
  if (program === 'kill') {
    if (t.some((x) => x === '-l' || x === '-L' || x === '--list')) return [];
    const ops = args.filter((w) => {
      const x = literal(w);
      return x === null || /^-?\d+$/.test(x) ? !(x !== null && /^-\d+$/.test(x) && x !== '-1') : !x.startsWith('-');
    });
    if (ops.some((w) => literal(w) === '1')) return [deny('power', 'kill 1 signals init (systemd): that reboots or halts the machine')];
    if (ops.some((w) => literal(w) === '-1') || t.includes('-1') && t.indexOf('-1') > 0) return [deny('kill-all', 'kill -1 signals every process the caller can reach')];
    if (t.some((x) => x === '-0')) return [];
    return [confirm('kill-process', `kill ${args.map((a) => a.raw).join(' ')} terminates processes; the suite's own processes cannot be told apart by pid`)];
  }
  if (program === 'killall5') return [deny('kill-all', 'killall5 signals every process')];
  const opsOnly = operands(args, program === 'pkill' || program === 'pgrep' ? 'gGPstuUFn' : 'uoy');
  const names = suiteProcessNames(ctx);
  for (const w of opsOnly) {
    const pat = literal(w);
    if (pat === null) return [confirm('kill-process', `${program} ${w.raw}: the process pattern is not known until it runs`, true)];
    let hits: boolean;
    if (program === 'pkill' || hasFlag(args, 'r', ['regexp'])) {
      // The pattern comes from the model: a backtracking-heavy one could stall this process, and
      // one we cannot evaluate cheaply cannot be shown to spare the suite.
      if (pat.length > 64 || (pat.match(/[*+?{]/g) ?? []).length > 3 || /\)[*+?{]|\(\?/.test(pat)) {
        return [deny('suite-process', `${program} ${pat}: the pattern is too complex to show that it spares linux-devops-mcp's processes`)];
      }
      try {
        const re = new RegExp(pat);
        hits = names.some((n) => re.test(n));
      } catch {
        hits = true;
      }
    } else hits = names.includes(pat) || names.some((n) => n.startsWith(pat + ' '));
    if (hits) return [deny('suite-process', `${program} ${pat} could kill linux-devops-mcp's own processes`)];
  }
  if (program === 'killall' && hasFlag(args, '', []) && opsOnly.length === 0) return [];
  return [confirm('kill-process', `${program} ${args.map((a) => a.raw).join(' ')} terminates processes`)];
}

function rmFindings(program: string, args: Word[], env: RuleEnv): Finding[] {
  const out: Finding[] = [];
  const recursive = program === 'rmdir' ? false : hasFlag(args, 'rR', ['recursive']) || unknownArg(args);
  if (hasFlag(args, '', ['no-preserve-root'])) out.push(deny('rm-root', `${program} --no-preserve-root asks to delete the root filesystem`));
  for (const w of operands(args)) {
    const r = reachesCatastrophicRoot(w, env.cwds);
    if (recursive && r === 'yes') out.push(deny('rm-root', `${program} -r ${w.raw} deletes a system directory (/, /etc, /usr, /var, /home, ...) or all of its contents`));
    else if (recursive && r === 'maybe') out.push(confirm('rm-unknown-target', `${program} -r ${w.raw}: the path is not known until it runs and could be a system directory`, true));
    out.push(...fromTarget(checkWriteTarget(w, 'deletes', env.ctx, env.cwds)));
  }
  if (recursive) out.push(confirm('rm-recursive', `${program} -r deletes whole directory trees`));
  return out;
}

function chmodFindings(program: string, args: Word[], env: RuleEnv): Finding[] {
  const out: Finding[] = [];
  if (program === 'chmod') {
    const mode = operands(args).map(literal)[0] ?? '';
    if (/^[0-7]*[2-7][0-7]{3}$/.test(mode) || /[+=][rwxXt]*s/.test(mode)) out.push(confirm('setuid', `chmod ${mode} sets the setuid or setgid bit: the program then runs with its owner's rights`));
  }
  const recursive = hasFlag(args, 'R', ['recursive']) || unknownArg(args);
  // chmod/chown/chgrp: first operand is the mode or owner (unless --reference).
  const ops = operands(args);
  const targets = hasFlag(args, '', ['reference']) || program === 'chattr' || program === 'setfacl' ? ops.filter((w) => !/^[+-=]/.test(literal(w) ?? '')) : ops.slice(1);
  for (const w of targets) {
    const r = reachesCatastrophicRoot(w, env.cwds);
    if (r === 'yes' && (recursive || literal(w) !== null)) out.push(deny('chmod-root', `${program}${recursive ? ' -R' : ''} ${w.raw} changes permissions or ownership of a system directory tree`));
    else if (r === 'maybe' && recursive) out.push(confirm('unknown-target', `${program} -R ${w.raw}: the path is not known until it runs`, true));
    out.push(...fromTarget(checkWriteTarget(w, 'changes the permissions of', env.ctx, env.cwds)));
  }
  return out;
}

function copyFindings(program: string, args: Word[], env: RuleEnv): Finding[] {
  // cp/mv/install/ln [opts] SRC... DEST, or -t DIR SRC...
  const out: Finding[] = [];
  const { opts, rest } = splitOptions(args, { short: program === 'ln' ? 'tS' : 'tSZm', long: ['target-directory', 'suffix', 'backup', 'context', 'mode', 'owner', 'group'] });
  const tdir = opts.find((o) => o.name === 't' || o.name === 'target-directory');
  const ops = operands(rest);
  const dests = tdir?.value ? [tdir.value] : ops.slice(-1);
  const srcs = tdir?.value ? ops : ops.slice(0, -1);
  for (const d of dests) {
    out.push(...fromTarget(checkWriteTarget(d, 'writes', env.ctx, env.cwds)));
    // The destination may be a directory: the file lands at DEST/basename(SRC).
    for (const s of srcs) out.push(...fromTarget(checkWriteTarget(intoDir(d, s), 'writes', env.ctx, env.cwds)));
    if (program !== 'ln' && reachesCatastrophicRoot(d, env.cwds) !== 'no')
      out.push(confirm('system-write', `${program} into ${d.raw} can overwrite any file below a system directory`, true));
  }
  if (program === 'mv') {
    for (const s of srcs) {
      const r = reachesCatastrophicRoot(s, env.cwds);
      if (r === 'yes') out.push(deny('rm-root', `mv ${s.raw} moves a system directory away`));
      out.push(...fromTarget(checkWriteTarget(s, 'moves away', env.ctx, env.cwds)));
    }
  }
  if (program === 'cp' || program === 'install' || program === 'rsync' || program === 'scp') for (const s of srcs) out.push(...fromTarget(checkSecretRead(s, env.cwds)));
  if (program === 'rsync' && hasFlag(args, '', ['delete', 'delete-before', 'delete-during', 'delete-after', 'delete-delay', 'delete-excluded', 'remove-source-files'])) {
    for (const d of dests) if (reachesCatastrophicRoot(d, env.cwds) === 'yes') out.push(deny('rm-root', `rsync --delete into ${d.raw} deletes a system directory's contents`));
    out.push(confirm('rm-recursive', 'rsync --delete removes files that are not in the source'));
  }
  return out;
}

/** DEST/basename(SRC) as a word: where `cp SRC DEST/` puts the file. */
function intoDir(dest: Word, src: Word): Word {
  const cells = [...src.cells];
  let lastSlash = -1;
  cells.forEach((c, k) => {
    if ('ch' in c && c.ch === '/' && k < cells.length - 1) lastSlash = k;
  });
  const base = cells.slice(lastSlash + 1).filter((c, k, a) => !(k === a.length - 1 && 'ch' in c && c.ch === '/'));
  const baseText = base.map((c) => ('ch' in c ? c.ch : c.dyn)).join('');
  return { cells: [...dest.cells, { ch: '/', quoted: true }, ...base], raw: `${dest.raw.replace(/\/+$/, '')}/${baseText}` };
}

const PACKAGE_REMOVE: Record<string, RegExp> = {
  apt: /^(remove|purge|autoremove|autopurge)$/,
  'apt-get': /^(remove|purge|autoremove|autopurge|dist-upgrade)$/,
  aptitude: /^(remove|purge|markauto)$/,
  snap: /^(remove|disable|revert)$/,
  pip: /^uninstall$/,
  pip3: /^uninstall$/,
  yum: /^(remove|erase|autoremove)$/,
  dnf: /^(remove|erase|autoremove)$/,
  zypper: /^(rm|remove)$/,
  apk: /^del$/,
  npm: /^(uninstall|un|unlink|remove|rm|r)$/,
};

// Installing or upgrading runs the packages' maintainer scripts as root: asked about by default,
// and a config allow rule (e.g. "apt-get install **") is how the human pre-authorises it.
const PACKAGE_CHANGE: Record<string, RegExp> = {
  apt: /^(install|reinstall|upgrade|full-upgrade|dist-upgrade)$/,
  'apt-get': /^(install|reinstall|upgrade|build-dep)$/,
  aptitude: /^(install|reinstall|upgrade|safe-upgrade|full-upgrade|dist-upgrade)$/,
};

function firstOperand(args: Word[]): string | null | undefined {
  const ops = operands(args, 'oc');
  return ops.length ? literal(ops[0]!) : undefined;
}

/** Built-in findings for one command (argv after the wrappers around it are removed). */
export function builtinFindings(program: string, argv: Word[], env: RuleEnv): Finding[] {
  const args = argv.slice(1);
  const t = texts(args);
  const out: Finding[] = [];
  const ctx = env.ctx;
  const prog0 = literal(argv[0]!) ?? '';

  // Programs run by path from outside the system directories were perhaps written by the model.
  if (prog0.includes('/')) {
    const norm = posix.normalize(prog0);
    if (!norm.startsWith('/') || !SYSTEM_BIN_DIRS.some((d) => norm.startsWith(d + '/')))
      out.push(byDefault('unlisted-program', `${prog0} is not an installed system program; its contents cannot be checked`));
  }


  const hostChange = wrapperHostChange(program, args);
  if (hostChange) out.push(confirm('host-wrapper', hostChange));
  for (const rule of RULES.get(program) ?? []) out.push(...rule.findings(program, args, env));

  if (/^mkfs(\..*)?$/.test(program) || ['mke2fs', 'mkdosfs', 'mkntfs', 'wipefs', 'blkdiscard', 'mkfs.xfs', 'mkfs.btrfs', 'zpool'].includes(program)) {
    if (program === 'zpool') {
      if (['destroy', 'labelclear', 'create', 'add', 'replace', 'split'].includes(firstOperand(args) ?? '')) out.push(deny('format-disk', `zpool ${firstOperand(args)} destroys or reformats a pool`));
    } else out.push(deny('format-disk', `${program} creates or wipes a filesystem: everything on the device is lost`));
  }
  if (program === 'mkswap') for (const w of operands(args, 'LUpc')) if (reachesBlockDevice(w) !== 'no') out.push(deny('format-disk', `mkswap ${w.raw} overwrites a block device`));
  if (['fdisk', 'sfdisk', 'cfdisk', 'gdisk', 'sgdisk', 'parted', 'cgdisk', 'partx', 'growpart'].includes(program)) {
    const listing = t.some((x) => x !== null && /^(-l|--list|-s|--show-size|-d|--dump|-p|--print|-J|--json|print|-V|--version|-h|--help)$/.test(x));
    if (!(listing && !t.some((x) => x === '--delete' || x === 'rm' || x === 'mklabel' || x === 'mkpart'))) {
      out.push(program === 'growpart' ? confirm('storage-change', 'growpart changes the partition table') : deny('format-disk', `${program} edits a partition table: a mistake loses the disk`));
    }
  }
  if (program === 'cryptsetup' && args.some((w) => /^(luksFormat|erase|luksErase|reencrypt|luksKillSlot|luksRemoveKey)$/.test(literal(w) ?? ''))) out.push(deny('format-disk', 'cryptsetup would destroy encrypted data or its keys'));
  if (['lvremove', 'vgremove', 'pvremove', 'lvreduce', 'vgreduce', 'lvresize', 'resize2fs', 'xfs_growfs', 'e2fsck', 'fsck', 'tune2fs', 'zfs'].includes(program) || /^fsck\./.test(program)) {
    if (program !== 'zfs' || ['destroy', 'rollback', 'rename', 'set', 'create'].includes(firstOperand(args) ?? '')) out.push(confirm('storage-change', `${program} changes storage volumes or filesystems`));
  }
  if (program === 'dd') {
    if (unknownArg(args)) out.push(confirm('unknown-target', `dd ${args.map((a) => a.raw).join(' ')}: an operand not known until run time could be of=<device>`, true));
    for (const w of args) {
      const x = wordText(w);
      if (x.startsWith('of=')) out.push(...fromTarget(checkWriteTarget({ cells: w.cells.slice(3), raw: w.raw.replace(/^of=/, '') }, 'dd writes', ctx, env.cwds)));
      if (x.startsWith('if=')) out.push(...fromTarget(checkSecretRead({ cells: w.cells.slice(3), raw: w.raw.replace(/^if=/, '') }, env.cwds)));
    }
  }
  if (program === 'shred') for (const w of operands(args, 'nsu')) {
    if (reachesBlockDevice(w) !== 'no') out.push(deny('block-device-write', `shred ${w.raw} overwrites a block device`));
    else out.push(...fromTarget(checkWriteTarget(w, 'shreds', ctx, env.cwds)), confirm('shred', `shred ${w.raw} destroys the file's contents beyond recovery`));
  }

  if (['shutdown', 'reboot', 'poweroff', 'halt', 'telinit', 'kexec', 'systemd-reboot'].includes(program)) {
    if (!(program === 'shutdown' && t.includes('-c')) && !t.some((x) => x === '--help' || x === '--version'))
      out.push(deny('power', `${program} reboots or powers off the machine; the operator does that, not the model`));
  }
  if (program === 'init' && t.some((x) => x !== null && /^[0126sSqQuU]$|^single$/.test(x))) out.push(deny('power', `init ${t.join(' ')} changes the runlevel (halt, reboot or single-user)`));
  if (program === 'loginctl' && t.some((x) => /^(poweroff|reboot|halt|suspend|hibernate|kill-session|kill-user|terminate-session|terminate-user)$/.test(x ?? '')))
    out.push(t.some((x) => /^(poweroff|reboot|halt|suspend|hibernate)$/.test(x ?? '')) ? deny('power', 'loginctl powers off or reboots the machine') : confirm('kill-process', 'loginctl terminates sessions'));
  if (program === 'systemctl') out.push(...systemctlFindings(args, ctx));
  if (program === 'service' && args.length >= 2) {
    const [unit, action] = [args[0]!, literal(args[1]!)];
    if (action !== null && /^(stop|restart|force-reload|disable)$/.test(action)) {
      const r = reachesSuiteUnit(unit, ctx);
      if (r !== 'no') out.push(action === 'restart' ? confirm('suite-unit', `service ${unit.raw} ${action} acts on linux-devops-mcp's own unit`) : deny('suite-unit', `service ${unit.raw} ${action} would stop linux-devops-mcp's own unit`));
      if (action === 'stop' || action === 'disable') out.push(confirm('service-stop', `service ${unit.raw} ${action} stops a service`));
    }
  }
  if (['kill', 'pkill', 'killall', 'killall5', 'skill', 'slay'].includes(program)) out.push(...killFindings(program, args, ctx));

  if (['rm', 'unlink', 'rmdir', 'srm'].includes(program)) out.push(...rmFindings(program, args, env));
  if (['chmod', 'chown', 'chgrp', 'chattr', 'setfacl', 'chcon'].includes(program)) out.push(...chmodFindings(program, args, env));
  if (['cp', 'mv', 'install', 'ln', 'rsync', 'scp'].includes(program)) out.push(...copyFindings(program, args, env));
  if (program === 'find') {
    const starts = findStartPaths(args);
    const deletes = t.includes('-delete');
    if (!deletes && unknownArg(args) && starts.some((st) => reachesCatastrophicRoot(st, env.cwds) !== 'no'))
      out.push(confirm('unknown-target', `find ${args.map((a) => a.raw).join(' ')}: arguments not known until run time could add -delete or -exec`, true));
    if (deletes) {
      for (const s of starts) if (reachesCatastrophicRoot(s, env.cwds) === 'yes') out.push(deny('rm-root', `find ${s.raw} -delete deletes inside a system directory`));
      out.push(confirm('rm-recursive', 'find -delete deletes every file it matches'));
    }
    for (let i = 0; i < args.length; i++) if (/^-(fprint|fprint0|fprintf|fls)$/.test(t[i] ?? '') && args[i + 1]) out.push(...fromTarget(checkWriteTarget(args[i + 1]!, 'writes', ctx, env.cwds)));
  }
  if (program === 'tee') for (const w of operands(args)) out.push(...fromTarget(checkWriteTarget(w, 'tee writes', ctx, env.cwds)));
  if (program === 'truncate') for (const w of operands(args, 'sr')) out.push(...fromTarget(checkWriteTarget(w, 'truncates', ctx, env.cwds)));
  if (program === 'touch' || program === 'mkdir' || program === 'mkfifo' || program === 'mknod') for (const w of operands(args, 'dtrm')) out.push(...fromTarget(checkWriteTarget(w, 'creates', ctx, env.cwds)));
  if (program === 'uniq') {
    const ops = operands(args, 'fsw');
    if (ops.length > 1) out.push(...fromTarget(checkWriteTarget(ops[1]!, 'writes', ctx, env.cwds)));
  }
  if (program === 'sed') {
    const sed = sedScripts(args);
    if (sed.inPlace) for (const w of sed.files) out.push(...fromTarget(checkWriteTarget(w, 'sed -i edits', ctx, env.cwds)));
  }
  if (/^perl/.test(program) && t.some((x) => x !== null && /^-[a-zA-Z]*i/.test(x))) {
    for (const w of operands(args, 'eEIM')) out.push(...fromTarget(checkWriteTarget(w, `${program} -i edits`, ctx, env.cwds)));
  }

  if (PACKAGE_REMOVE[program]) {
    const sub = firstOperand(args);
    if (sub === null || (sub !== undefined && PACKAGE_REMOVE[program]!.test(sub))) out.push(confirm('package-remove', `${program} ${sub ?? ''} removes packages`));
  }
  if (program === 'dpkg' && t.some((x) => x !== null && (/^-[a-zA-Z]*[rP]/.test(x) && !x.startsWith('--') || isLongOption(x, ['remove', 'purge'])))) out.push(confirm('package-remove', 'dpkg removes packages'));
  if (PACKAGE_CHANGE[program]) {
    const sub = firstOperand(args);
    if (sub !== undefined && sub !== null && PACKAGE_CHANGE[program]!.test(sub)) out.push(byDefault('package-install', `${program} ${sub} installs or upgrades packages, running their scripts as root`));
  }
  if (program === 'pacman' && t.some((x) => x !== null && /^-R/.test(x))) out.push(confirm('package-remove', 'pacman -R removes packages'));
  if (['userdel', 'deluser', 'groupdel', 'delgroup', 'usermod', 'passwd', 'chpasswd', 'chage', 'gpasswd', 'useradd', 'adduser', 'groupadd', 'addgroup', 'newusers', 'vipw', 'vigr', 'visudo', 'pwck', 'grpck'].includes(program)) {
    if (!(program === 'passwd' && t.some((x) => x === '-S' || x === '--status'))) out.push(confirm('accounts', `${program} changes user accounts or passwords`));
  }
  if (['iptables', 'ip6tables', 'iptables-legacy', 'ip6tables-legacy', 'iptables-nft', 'ip6tables-nft', 'iptables-restore', 'ip6tables-restore', 'nft', 'ufw', 'firewall-cmd', 'ebtables'].includes(program)) {
    const listing =
      (program.startsWith('ip') && !program.endsWith('restore') && t.every((x) => x !== null && /^(-L|-S|-n|-v|-x|--list|--list-rules|--numeric|--verbose|--line-numbers|-t|filter|nat|mangle|raw|security|INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING|-nL|-vnL|-nvL|-Ln|-Lnv|-L -n)$/.test(x)) && t.some((x) => /L|S|list/.test(x ?? ''))) ||
      (program === 'nft' && ['list', '-a', '-n', '-j'].includes(firstOperand(args) ?? 'list') && t.every((x) => x !== null && !/^(add|delete|flush|insert|replace|create|destroy|reset|-f)$/.test(x))) ||
      (program === 'ufw' && ['status', 'show', 'app', 'version'].includes(t[0] ?? '') && !(t[0] === 'app' && t[1] === 'update')) ||
      (program === 'firewall-cmd' && t.length > 0 && t.every((x) => x !== null && /^--(list-|get-|state|query-|info-|zone=|permanent$)/.test(x)));
    if (!listing) out.push(confirm('firewall-change', `${program} changes the firewall: a wrong rule can lock everyone out`));
  }
  if (program === 'ip') {
    if (t.some((x) => x !== null && /^(add|del|delete|change|replace|flush|set|append|prepend|save|restore|exec)$/.test(x))) out.push(confirm('network-change', `ip ${t.join(' ')} changes the network configuration: a mistake can cut the connection`));
  }
  if (['ifdown', 'ifup', 'ifconfig', 'route', 'netplan', 'nmcli', 'networkctl', 'dhclient', 'resolvectl', 'wg', 'wg-quick', 'brctl', 'ethtool', 'tc'].includes(program)) {
    const readOnlyUse = (program === 'ifconfig' && t.length <= 2 && !t.some((x) => /^(up|down|add|del)$/.test(x ?? '')) && !t.some((x) => /^\d+\.\d+/.test(x ?? ''))) ||
      (program === 'route' && t.every((x) => x === '-n' || x === '-e' || x === '-ee')) ||
      (program === 'netplan' && ['get', 'info', 'status', 'generate', '--debug'].includes(t[0] ?? '')) ||
      (program === 'nmcli' && !t.some((x) => /^(down|up|delete|del|modify|mod|add|off|disconnect|reload|connect)$/.test(x ?? ''))) ||
      (program === 'networkctl' && ['list', 'status', 'lldp', 'label', undefined].includes(t[0] ?? undefined)) ||
      (program === 'resolvectl' && ['status', 'query', 'statistics', 'dns', 'domain', undefined].includes(t[0] ?? undefined) && t.length <= 2) ||
      (program === 'wg' && ['show', 'showconf', undefined].includes(t[0] ?? undefined)) ||
      (program === 'ethtool' && t.every((x) => x !== null && !/^(-s|--change|-K|--features|--offload|-A|--pause|-C|--coalesce|-G|--set-ring|-E|--change-eeprom|-f|--flash|-r|--negotiate|-L|--set-channels|-X|--set-rxfh-indir|-N|-U|--config-nfc|--config-ntuple|-W|--set-dump|--set-eee|--reset|--set-fec|--set-priv-flags|-p|--identify)$/.test(x))) ||
      (program === 'tc' && ['-s', 'show', 'qdisc', 'class', 'filter', '-d', '-j'].includes(t[0] ?? '') && t.some((x) => x === 'show' || x === 'ls' || x === 'list'));
    if (!readOnlyUse) out.push(confirm('network-change', `${program} ${t.join(' ')} may change the network configuration: a mistake can cut the connection`));
  }
  if (['umount', 'swapoff', 'mount', 'losetup', 'swapon'].includes(program) && args.length > 0) {
    const listing = (program === 'mount' && t.every((x) => x === '-l' || x === '-t' || x === '--show-labels' || (x !== null && /^[a-z0-9,]+$/.test(x) && t.includes('-t')))) ||
      (program === 'swapon' && t.every((x) => x !== null && /^(-s|--summary|--show|--show=.*|--noheadings|--bytes|--raw)$/.test(x))) ||
      (program === 'losetup' && t.every((x) => x !== null && /^(-l|-a|--list|--all|-J|--json|-O|--output=.*|-n|--noheadings)$/.test(x)));
    if (!listing) {
      for (const w of operands(args, 'tTOoLU')) {
        const r = checkWriteTarget(w, `${program} on`, ctx, env.cwds);
        if (r?.action === 'deny') out.push({ ...r, level: 'builtin' });
      }
      out.push(confirm('storage-change', `${program} ${t.join(' ')} changes mounts or swap`));
    }
  }
  if (program === 'sysctl' && (t.some((x) => x !== null && (/^-[a-zA-Z]*[wp]/.test(x) && !x.startsWith('--') || isLongOption(x, ['write', 'load', 'system']))) || args.some((w) => wordText(w).includes('='))))
    out.push(confirm('kernel-write', 'sysctl changes kernel settings'));
  if (['modprobe', 'rmmod', 'insmod'].includes(program)) {
    if (!(program === 'modprobe' && t.every((x) => x !== null && /^(-n|--dry-run|-c|--showconfig|-D|--show-depends|-V|--version|-R|--resolve-alias)$/.test(x)) && t.length))
      out.push(confirm('kernel-write', `${program} loads or unloads kernel modules`));
  }
  if (['docker', 'podman', 'nerdctl', 'crictl', 'ctr'].includes(program)) {
    const words = t.filter((x): x is string => x !== null && !x.startsWith('-'));
    const sub = words.slice(0, 3);
    if (sub.some((x) => /^(rm|rmi|kill|stop|prune|down)$/.test(x))) out.push(confirm('container-remove', `${program} ${sub.join(' ')} stops or deletes containers, images or volumes`));
    if ((sub[0] === 'run' || sub[0] === 'create' || (sub[0] === 'container' && sub[1] === 'run')) && args.some((w) => /^--privileged$|^--pid=host$|^--net(work)?=host$|^(-v|--volume)$|^(-v|--volume=)\/(:|$)|^\/:/.test(wordText(w))))
      out.push(confirm('container-privileged', `${program} run with host access (--privileged, host namespaces or bind mounts) can change the host`));
  }
  if (program === 'crontab' && !t.every((x) => x === '-l' || x === '-u' || x === null || !x.startsWith('-') && t.includes('-l'))) out.push(confirm('scheduled-job', 'crontab installs, edits or removes scheduled jobs'));
  if (program === 'at' || program === 'batch' || program === 'systemd-run' && t.some((x) => /^--on-/.test(x ?? ''))) {
    if (!t.some((x) => x === '-l' || x === '-c')) out.push(confirm('scheduled-job', `${program} schedules commands to run later, where this policy cannot see them`));
  }
  if (['vi', 'vim', 'nvim', 'nano', 'emacs', 'ed', 'ex', 'pico', 'joe', 'mcedit', 'sudoedit', 'vipw'].includes(program) || (program === 'sudo' && hasFlag(args, 'e', ['edit'])))
    out.push(confirm('interactive-editor', `${program} is an interactive editor (it can also run commands); use the file tools to edit files`));
  if (program === 'setcap') out.push(confirm('setuid', 'setcap gives a program capabilities (root powers)'));
  if (['timedatectl', 'hostnamectl', 'localectl'].includes(program) && t.some((x) => /^set-/.test(x ?? ''))) out.push(confirm('system-settings', `${program} changes system settings`));
  if (program === 'journalctl' && t.some((x) => isLongOption(x, ['vacuum-size', 'vacuum-time', 'vacuum-files', 'rotate', 'flush', 'relinquish-var', 'setup-keys', 'update-catalog']))) out.push(confirm('log-delete', 'journalctl --vacuum/--rotate deletes or moves logs'));
  if (program === 'git' && t.some((x) => x === 'clean') && t.some((x) => x !== null && /^-[a-zA-Z]*[fxX]/.test(x))) out.push(confirm('rm-recursive', 'git clean deletes untracked files'));
  // Builtins that take variable names evaluate array subscripts: read 'a[$(cmd)]' runs cmd.
  if (['test', '[', 'printf', 'read', 'unset', 'declare', 'typeset', 'local', 'export', 'readonly', 'wait', 'mapfile', 'readarray', 'getopts'].includes(program) && args.some((w) => /\[[^\]]*[$`]/.test(wordText(w))))
    out.push(deny('shell-state', `${program} would evaluate an array subscript that contains an expansion`));
  if (program === 'let' || (['declare', 'typeset', 'local'].includes(program) && t.some((x) => x !== null && /^-[a-zA-Z]*[iaA]/.test(x))))
    out.push(deny('shell-state', `${program} evaluates arithmetic, which can run commands hidden in variable values`));
  if (program === 'alias' || program === 'unalias' || program === 'hash' && t.some((x) => x === '-p') || program === 'enable' || program === 'shopt')
    out.push(deny('shell-state', `${program} changes how later command names are resolved; this policy cannot follow that`));
  if (['export', 'declare', 'typeset', 'local', 'readonly'].includes(program)) {
    if (t.some((x) => x !== null && /^-[a-zA-Z]*f/.test(x))) out.push(deny('shell-state', `${program} -f defines or exports shell functions`));
    for (const w of args) out.push(...assignmentFindings(w));
  }
  if (program === 'env') for (const w of args) if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(wordText(w))) out.push(...assignmentFindings(w));

  if (INTERPRETERS.test(program)) out.push(...interpreterFindings(program, args));
  // Files that wrappers and tools write as a side effect.
  if (program === 'script') {
    const files = operands(args, 'cEIOBTtm');
    for (const w of files) out.push(...fromTarget(checkWriteTarget(w, 'script writes', ctx, env.cwds)));
  }
  if (program === 'unzip' || program === 'cpio') {
    const dirIdx = t.findIndex((x) => x === '-d' || x === '-D' || x === '--directory');
    const dir = dirIdx !== -1 ? args[dirIdx + 1] : args.find((w) => /^--directory=/.test(wordText(w)));
    const target = dir ? (wordText(dir).startsWith('--directory=') ? { cells: dir.cells.slice(12), raw: dir.raw.slice(12) } : dir) : { cells: [{ ch: '.', quoted: true }], raw: '.' };
    if (reachesCatastrophicRoot(target, env.cwds) === 'yes')
      out.push(confirm('system-write', `${program} extracts into ${target.raw}, a system directory: the archive can overwrite any file below it`));
  }
  // Any literal argument naming a secret file is refused (ls/stat and friends only look at metadata).
  // Last, so that a more specific rule (rm, sed -i ...) gives the reason.
  if (!['ls', 'stat', 'file', 'namei', 'test', '[', 'du', 'find', 'realpath', 'readlink', 'dirname', 'basename', 'getfacl', 'lsattr'].includes(program))
    for (const w of args) out.push(...fromTarget(checkSecretRead(w, env.cwds)));
  return out;
}

/** awk programs that run commands (system, pipes to or from commands), write files (print > f) or load code (@load, @include). */
export const AWK_EFFECTS = /system\s*\(|(^|[^|])\|(?!\|)|print[f]?[^;}]*>|getline\s*<|@(load|include|namespace)/;
const AWK_OPTS = {
  short: 'fFvEeilW',
  optShort: 'dDop',
  long: ['file', 'field-separator', 'assign', 'exec', 'source', 'include', 'load'],
  optLong: ['dump-variables', 'debug', 'pretty-print', 'profile', 'lint'],
  flags: ['characters-as-bytes', 'traditional', 'copyright', 'gen-pot', 'help', 'bignum', 'use-lc-numeric', 'non-decimal-data', 'optimize', 'posix', 're-interval', 'no-optimize', 'sandbox', 'version'],
};

const INLINE_FLAGS: Record<string, RegExp> = {
  python: /^-[a-zA-Z]*c|^-m$/,
  perl: /^-[a-zA-Z]*[eE]/,
  ruby: /^-[a-zA-Z]*e/,
  node: /^(-e|--eval|-p|--print|-r|--require|--import|--loader)$/,
  php: /^-r$/,
  lua: /^-[el]$/,
};

function interpreterFindings(program: string, args: Word[]): Finding[] {
  const t = texts(args);
  if (t.length && t.every((x) => x !== null && /^(-V|--version|-v|-h|--help|-VV)$/.test(x))) return [];
  if (/awk$/.test(program)) {
    const { opts, rest } = splitOptions(args, AWK_OPTS);
    if (hasOpt(opts, 'f', 'file', 'E', 'exec', 'i', 'include', 'l', 'load'))
      return [byDefault('run-script', `${program} runs a program file or extension whose contents cannot be checked`)];
    // gawk -o/-p/-d[FILE] (pretty-print, profile, dump-variables) write files.
    if (hasOpt(opts, 'o', 'p', 'd', 'pretty-print', 'profile', 'dump-variables')) return [byDefault('inline-code', `${program} is asked to write a file (${args.map((a) => a.raw).join(' ')})`)];
    const sources = opts.filter((o) => (o.name === 'e' || o.name === 'source') && o.value).map((o) => o.value!);
    const programs = sources.length ? sources : rest.slice(0, 1);
    const texts = programs.map(literal);
    if (texts.some((x) => x === null)) return [byDefault('inline-code', `${program} program is not known until it runs`)];
    if (texts.some((x) => AWK_EFFECTS.test(x!))) return [byDefault('inline-code', `the ${program} program runs commands or writes files`)];
    return [];
  }
  const family = program.replace(/[0-9.]+$/, '').replace(/^pypy$/, 'python').replace(/^nodejs$/, 'node').replace(/^luajit$/, 'lua');
  const flag = INLINE_FLAGS[family];
  if (flag && t.some((x) => x !== null && flag.test(x))) return [byDefault('inline-code', `${program} runs inline code that this policy cannot check`)];
  if (operands(args).length === 0) return [byDefault('inline-code', `${program} reads its program from stdin`)];
  return [byDefault('run-script', `${program} runs a script whose contents cannot be checked`)];
}

const DANGEROUS_VARS = /^(PATH|LD_[A-Z_]+|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|GCONV_PATH|PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|PERL5OPT|PERL5LIB|PERLLIB|RUBYOPT|RUBYLIB|NODE_OPTIONS|NODE_PATH|GIT_SSH_COMMAND|GIT_EXEC_PATH|SUDO_ASKPASS|EDITOR|VISUAL|PAGER|SYSTEMD_EDITOR|SYSTEMD_PAGER|LESSOPEN|LESSCLOSE|MANPAGER|BROWSER|HOSTALIASES|TMPDIR)$/;

/** NAME=value before a command, or in export/env: some names change what runs. */
export function assignmentFindings(w: Word): Finding[] {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(wordText(w));
  if (!m) return [];
  const name = m[1]!;
  if (name === 'IFS') return [deny('ifs', 'assigning IFS changes how words are split; this policy cannot follow that')];
  if (DANGEROUS_VARS.test(name)) return [byDefault('environment', `setting ${name} changes which program or code runs`)];
  return [];
}
