// Programs that run another command: sudo, env, timeout, xargs, sh -c, find -exec, nsenter ...
// WRAPPERS is the table: for each wrapper, how to find what it runs (so the inner command is
// checked like any other) and what the wrapper itself changes on the host. Option tables list
// the options that take a value, because they decide where the inner command starts.
import type { Word } from './shell-parse';
import { wordText } from './shell-parse';
import { dynamicWord, literal, literalWord } from './shell-words';
import { findOpt, hasOpt, splitOptions, type OptSpec, type ParsedOpt } from './split-options';

export { splitOptions } from './split-options';

export type Unwrapped =
  | { kind: 'none' }
  /**
   * Runs this argv directly. `scripts`: shell scripts it also runs (strace -o '|cmd').
   * `cwdUnknown`: the inner command runs in a directory the text does not fix (env -C, sudo -D).
   */
  | { kind: 'exec'; argv: Word[]; scripts?: Word[][]; cwdUnknown?: boolean }
  /** Runs a shell script given as text (sh -c, su -c, eval, ssh host cmd, trap). */
  | { kind: 'script'; script: Word[] }
  /** A shell that reads its commands from stdin (or interactively). */
  | { kind: 'stdin-shell' }
  /** A shell or `source` running a script file whose contents cannot be seen here. */
  | { kind: 'script-file'; file: Word }
  /** Several commands (find -exec ... \; -exec ... \;). */
  | { kind: 'multi'; argvs: Word[][] }
  /** A wrapper used in a way this policy does not understand: refused. */
  | { kind: 'unknown'; reason: string };

export const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'pdksh', 'ash', 'posh', 'yash', 'rbash', 'fish', 'csh', 'tcsh', 'hush']);

interface Wrapper {
  unwrap: (args: Word[]) => Unwrapped;
  /** What running the wrapper changes on the host by itself (its own namespaces, ids, units, other processes), if anything. */
  hostChange?: (args: Word[]) => string | null;
}

const execOrNone = (rest: Word[]): Unwrapped => (rest.length ? { kind: 'exec', argv: rest } : { kind: 'none' });
const withCwd = (u: Unwrapped, unknown: boolean): Unwrapped => (u.kind === 'exec' && unknown ? { ...u, cwdUnknown: true } : u);

interface Simple {
  opts: OptSpec;
  /** Operands the wrapper reads before the inner command (timeout's duration, taskset's mask). */
  skip?: number;
  /** Options with which it acts on an existing process or only reports: it runs nothing. */
  noneWith?: string[];
  /** Options whose value is a shell command line it runs. */
  scriptWith?: string[];
  /** Options that change the directory the inner command starts in. */
  cwdWith?: string[];
  /** Without an inner command it runs this (default: nothing). */
  bare?: Unwrapped;
  /** Options (or always, with []) that make the wrapper change the host itself, and why. */
  host?: { with?: string[]; reason: string };
}

/** A wrapper described by its options alone: [opts] [skip operands] command [args]. */
function simple(s: Simple): Wrapper {
  const parse = (args: Word[]): { opts: ParsedOpt[]; rest: Word[] } => splitOptions(args, s.opts);
  return {
    unwrap(args) {
      const { opts, rest } = parse(args);
      const script = s.scriptWith && findOpt(opts, ...s.scriptWith);
      if (script) return script.value ? { kind: 'script', script: [script.value] } : { kind: 'unknown', reason: `${script.name} without a command` };
      if (s.noneWith && hasOpt(opts, ...s.noneWith)) return { kind: 'none' };
      const inner = rest.slice(s.skip ?? 0);
      if (!inner.length) return s.bare ?? { kind: 'none' };
      return withCwd({ kind: 'exec', argv: inner }, !!s.cwdWith && hasOpt(opts, ...s.cwdWith));
    },
    ...(s.host ? { hostChange: (args: Word[]) => (!s.host!.with || hasOpt(parse(args).opts, ...s.host!.with) ? s.host!.reason : null) } : {}),
  };
}

function unwrapShell(args: Word[]): Unwrapped {
  // sh [-abefhkmnptuvxBCHP] [-o opt] [-c string [name [arg...]] | script [arg...] | -s [arg...]]
  let i = 0;
  let dashC = false;
  let dashS = false;
  while (i < args.length) {
    const t = literal(args[i]!);
    if (t === null) break;
    if (t === '--' || t === '-') {
      i++;
      break;
    }
    if (t.startsWith('--')) {
      if (['rcfile', 'init-file'].includes(t.slice(2))) i++;
      i++;
      continue;
    }
    if (!/^[-+]/.test(t) || t.length < 2) break;
    if (/^[-+][oO]$/.test(t)) {
      i += 2;
      continue;
    }
    if (t.startsWith('-')) {
      if (t.includes('c')) dashC = true;
      if (t.includes('s')) dashS = true;
    }
    i++;
  }
  const rest = args.slice(i);
  if (dashC) return rest.length ? { kind: 'script', script: [rest[0]!] } : { kind: 'unknown', reason: 'sh -c without a command string' };
  if (dashS || rest.length === 0) return { kind: 'stdin-shell' };
  return { kind: 'script-file', file: rest[0]! };
}

const SUDO: OptSpec = { short: 'ugCDhprtUTR', long: ['user', 'group', 'close-from', 'chdir', 'host', 'prompt', 'role', 'type', 'other-user', 'command-timeout', 'chroot'], flags: ['shell', 'login', 'edit', 'list', 'validate'] };
const SU: OptSpec = { short: 'cgGsuwC', long: ['command', 'group', 'supp-group', 'shell', 'user', 'whitelist-environment', 'session-command'], flags: ['login', 'preserve-environment', 'pty'], permute: true };
const STRACE: OptSpec = { short: 'abeEIoOpPsSuUX', long: ['attach', 'output', 'user', 'env', 'trace', 'signal', 'string-limit', 'trace-path', 'status', 'quiet', 'decode-fds'] };
const LTRACE: OptSpec = { short: 'aAeoplnsuwxFDL', long: ['output', 'align', 'library', 'indent', 'config'] };
const XARGS: OptSpec = {
  short: 'adEILnPs',
  optShort: 'eil',
  long: ['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
  optLong: ['replace', 'eof', 'max-lines'],
  flags: ['null', 'no-run-if-empty', 'interactive', 'verbose', 'exit', 'open-tty', 'show-limits'],
};
const NSENTER: OptSpec = {
  short: 'tSGW',
  optShort: 'mutinpUCTrw',
  long: ['target', 'setuid', 'setgid', 'wdns', 'env'],
  optLong: ['mount', 'uts', 'ipc', 'net', 'pid', 'user', 'cgroup', 'time', 'root', 'wd'],
  flags: ['all', 'preserve-credentials', 'no-fork', 'follow-context', 'user-parent', 'join-cgroup', 'keep-caps'],
};
const UNSHARE: OptSpec = {
  short: 'SGRw',
  optShort: 'mutinpUCT',
  long: ['setuid', 'setgid', 'root', 'wd', 'propagation', 'setgroups', 'map-user', 'map-group', 'map-users', 'map-groups', 'load-interp', 'monotonic', 'boottime'],
  optLong: ['mount', 'uts', 'ipc', 'net', 'pid', 'user', 'cgroup', 'time', 'mount-proc', 'mount-binfmt', 'kill-child', 'map-auto', 'map-subids'],
  flags: ['fork', 'map-root-user', 'map-current-user', 'keep-caps'],
};
const SYSTEMD_RUN: OptSpec = {
  short: 'pEHMuC',
  long: ['property', 'setenv', 'host', 'machine', 'unit', 'description', 'slice', 'uid', 'gid', 'working-directory', 'nice', 'on-active', 'on-boot', 'on-startup', 'on-unit-active', 'on-unit-inactive', 'on-calendar', 'timer-property', 'path-property', 'socket-property', 'service-type', 'expand-environment', 'json', 'capsule', 'background'],
  flags: ['same-dir', 'scope', 'user', 'system', 'shell', 'wait', 'pipe', 'pty', 'collect', 'remain-after-exit', 'no-block', 'on-clock-change', 'on-timezone-change'],
};
const PRLIMIT_RESOURCES = ['core', 'data', 'nice', 'fsize', 'sigpending', 'memlock', 'rss', 'nofile', 'msgqueue', 'rtprio', 'stack', 'cpu', 'nproc', 'as', 'locks', 'rttime'];

/** strace/ltrace: the traced command, plus `-o '|cmd'` / `-o '!cmd'`, which pipes the trace into a shell command. */
function tracer(spec: OptSpec): Wrapper {
  return {
    unwrap(args) {
      const { opts, rest } = splitOptions(args, spec);
      const scripts: Word[][] = [];
      for (const o of opts) {
        if (!(o.name === 'o' || o.name === 'output') || !o.value) continue;
        const first = o.value.cells[0];
        if (!first || !('ch' in first)) scripts.push([dynamicWord(`<${o.value.raw}>`)]);
        else if (first.ch === '|' || first.ch === '!') scripts.push([{ cells: o.value.cells.slice(1), raw: o.value.raw }]);
      }
      if (hasOpt(opts, 'p', 'attach') && !rest.length) return scripts.length ? { kind: 'exec', argv: [literalWord('true')], scripts } : { kind: 'none' };
      if (!rest.length) return { kind: 'none' };
      return scripts.length ? { kind: 'exec', argv: rest, scripts } : { kind: 'exec', argv: rest };
    },
    hostChange: (args) => (hasOpt(splitOptions(args, spec).opts, 'p', 'attach') ? 'attaches to a running process (it can change its memory and registers)' : null),
  };
}

function unwrapSu(program: string, args: Word[]): Unwrapped {
  const { opts, rest } = splitOptions(args, SU);
  const cmd = findOpt(opts, 'c', 'command', 'session-command');
  if (cmd) return cmd.value ? { kind: 'script', script: [cmd.value] } : { kind: 'unknown', reason: `${program} -c without a command` };
  if (program === 'runuser' && hasOpt(opts, 'u', 'user')) return execOrNone(rest);
  // su [-] [user [shell-args...]]: the arguments after the user go to the shell.
  const after = rest.filter((w) => literal(w) !== '-').slice(1);
  return after.length ? unwrapShell(after) : { kind: 'stdin-shell' };
}

function unwrapEnv(args: Word[]): Unwrapped {
  const { opts, rest } = splitOptions(args, { short: 'uCSPa', long: ['unset', 'chdir', 'split-string', 'default-signal', 'ignore-signal', 'block-signal', 'argv0'], flags: ['ignore-environment', 'null', 'debug', 'list-signal-handling'] });
  const split = findOpt(opts, 'S', 'split-string');
  let i = 0;
  while (i < rest.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(wordText(rest[i]!))) i++;
  if (split) return split.value ? { kind: 'script', script: [split.value, ...rest.slice(i)] } : { kind: 'unknown', reason: 'env -S without a command' };
  return withCwd(execOrNone(rest.slice(i)), hasOpt(opts, 'C', 'chdir'));
}

function unwrapXargs(args: Word[]): Unwrapped {
  const { opts, rest } = splitOptions(args, XARGS);
  const inner = rest.length ? rest : [literalWord('echo')];
  const repl = findOpt(opts, 'I', 'i', 'replace');
  const replText = repl ? (repl.value ? literal(repl.value) : '{}') : null;
  if (repl && replText === null) return { kind: 'unknown', reason: `xargs ${repl.name} with a replacement string not known until it runs` };
  // The arguments come from stdin: unknown. With -I they replace the marker anywhere, the program name too.
  const argv = replText
    ? inner.map((w) => (wordText(w).includes(replText) ? dynamicWord(`<xargs input in ${w.raw}>`) : w))
    : [...inner, dynamicWord('<xargs input>')];
  return { kind: 'exec', argv };
}

function unwrapStartStopDaemon(args: Word[]): Unwrapped {
  const { opts, rest } = splitOptions(args, {
    short: 'xapnugsRcrdNPIkOe',
    long: ['exec', 'startas', 'pidfile', 'name', 'user', 'group', 'signal', 'retry', 'chuid', 'chroot', 'chdir', 'nicelevel', 'procsched', 'iosched', 'umask', 'output', 'notify-timeout', 'ppid'],
    flags: ['start', 'stop', 'status', 'test', 'background', 'make-pidfile', 'remove-pidfile', 'oknodo', 'quiet', 'verbose', 'no-close', 'notify-await'],
    permute: true,
  });
  if (!hasOpt(opts, 'S', 'start')) return { kind: 'none' };
  const prog = findOpt(opts, 'a', 'startas') ?? findOpt(opts, 'x', 'exec');
  if (!prog?.value) return { kind: 'unknown', reason: 'start-stop-daemon --start without --exec or --startas' };
  return withCwd({ kind: 'exec', argv: [prog.value, ...rest] }, hasOpt(opts, 'd', 'chdir', 'r', 'chroot'));
}

function unwrapFlock(args: Word[]): Unwrapped {
  const spec: OptSpec = { short: 'wEc', long: ['timeout', 'wait', 'conflict-exit-code', 'command'], flags: ['shared', 'exclusive', 'unlock', 'nonblock', 'close', 'no-fork', 'verbose'] };
  const { opts, rest } = splitOptions(args, spec);
  const c = findOpt(opts, 'c', 'command');
  if (c) return c.value ? { kind: 'script', script: [c.value] } : { kind: 'unknown', reason: 'flock -c without a command' };
  // flock FILE -c CMD: options after the file too.
  const after = splitOptions(rest.slice(1), spec);
  const c2 = findOpt(after.opts, 'c', 'command');
  if (c2) return c2.value ? { kind: 'script', script: [c2.value] } : { kind: 'unknown', reason: 'flock -c without a command' };
  return execOrNone(after.rest);
}

function unwrapSudo(program: string, args: Word[]): Unwrapped {
  const { opts, rest } = splitOptions(args, SUDO);
  if (program === 'sudoedit' || hasOpt(opts, 'e', 'edit', 'l', 'list', 'v', 'validate')) return { kind: 'none' };
  if (hasOpt(opts, 's', 'shell', 'i', 'login')) return rest.length ? { kind: 'script', script: rest } : { kind: 'stdin-shell' };
  return withCwd(execOrNone(rest), hasOpt(opts, 'D', 'chdir', 'R', 'chroot'));
}

const cannotSee = (program: string): Wrapper => ({ unwrap: () => ({ kind: 'unknown', reason: `${program} runs commands this policy cannot see` }) });

/** Every wrapper the policy knows, by program basename. */
export const WRAPPERS: Record<string, Wrapper> = {
  sudo: { unwrap: (a) => unwrapSudo('sudo', a) },
  sudoedit: { unwrap: (a) => unwrapSudo('sudoedit', a) },
  doas: {
    unwrap(args) {
      const { opts, rest } = splitOptions(args, { short: 'uC' });
      return hasOpt(opts, 's') ? { kind: 'stdin-shell' } : execOrNone(rest);
    },
  },
  su: { unwrap: (a) => unwrapSu('su', a) },
  runuser: { unwrap: (a) => unwrapSu('runuser', a) },
  env: { unwrap: unwrapEnv },
  nice: simple({ opts: { short: 'n', long: ['adjustment'] } }),
  ionice: simple({ opts: { short: 'cnpPu', long: ['class', 'classdata', 'pid', 'pgid', 'uid'] }, noneWith: ['p', 'P', 'u', 'pid', 'pgid', 'uid'], host: { with: ['p', 'P', 'u', 'pid', 'pgid', 'uid'], reason: 'ionice changes the I/O priority of running processes' } }),
  timeout: simple({ opts: { short: 'sk', long: ['signal', 'kill-after'], flags: ['foreground', 'preserve-status', 'verbose'] }, skip: 1 }),
  nohup: simple({ opts: {} }),
  builtin: simple({ opts: {} }),
  setsid: simple({ opts: { flags: ['ctty', 'fork', 'wait'] } }),
  stdbuf: simple({ opts: { short: 'ioe', long: ['input', 'output', 'error'] } }),
  command: simple({ opts: {}, noneWith: ['v', 'V'] }),
  exec: simple({ opts: { short: 'a' } }),
  busybox: simple({ opts: { long: ['install'] }, noneWith: ['install', 'list', 'list-full'] }),
  toybox: simple({ opts: {}, noneWith: ['help', 'version', 'long'] }),
  time: simple({ opts: { short: 'fo', long: ['format', 'output'], flags: ['append', 'portability', 'verbose', 'quiet'] } }),
  'systemd-inhibit': simple({ opts: { long: ['what', 'who', 'why', 'mode'], flags: ['list', 'no-pager', 'no-legend', 'no-ask-password'] }, noneWith: ['list'] }),
  chroot: {
    unwrap(args) {
      const { rest } = splitOptions(args, { long: ['userspec', 'groups'], flags: ['skip-chdir'] });
      if (rest.length === 0) return { kind: 'unknown', reason: 'chroot without a new root' };
      return rest.length > 1 ? { kind: 'exec', argv: rest.slice(1), cwdUnknown: true } : { kind: 'stdin-shell' };
    },
    hostChange: () => 'chroot runs a command with another directory as its root',
  },
  setpriv: simple({
    opts: {
      long: ['reuid', 'regid', 'ruid', 'rgid', 'euid', 'egid', 'groups', 'inh-caps', 'ambient-caps', 'bounding-set', 'securebits', 'pdeathsig', 'selinux-label', 'apparmor-profile', 'landlock-access', 'landlock-rule', 'seccomp-filter', 'ptracer'],
      flags: ['dump', 'no-new-privs', 'nnp', 'clear-groups', 'keep-groups', 'init-groups', 'reset-env'],
    },
    noneWith: ['d', 'dump'],
    host: { reason: 'setpriv runs a command with other user ids, groups or capabilities' },
  }),
  prlimit: simple({
    opts: { short: 'po', optShort: 'cdefilmnqrstuvxyT', long: ['pid', 'output'], optLong: PRLIMIT_RESOURCES, flags: ['noheadings', 'raw', 'verbose'] },
    noneWith: ['p', 'pid'],
    host: { with: ['p', 'pid'], reason: 'prlimit --pid changes the resource limits of a running process' },
  }),
  choom: simple({ opts: { short: 'pn', long: ['pid', 'adjust'] }, noneWith: ['p', 'pid'], host: { with: ['p', 'pid'], reason: 'choom -p changes how the kernel picks a running process to kill when memory runs out' } }),
  taskset: simple({ opts: { flags: ['all-tasks', 'pid', 'cpu-list'] }, skip: 1, noneWith: ['p', 'pid'], host: { with: ['p', 'pid'], reason: 'taskset -p changes the CPU affinity of a running process' } }),
  chrt: simple({
    opts: { short: 'TPD', long: ['sched-runtime', 'sched-period', 'sched-deadline'], flags: ['pid', 'max', 'all-tasks', 'fifo', 'rr', 'batch', 'idle', 'other', 'deadline', 'reset-on-fork', 'verbose'] },
    skip: 1,
    noneWith: ['p', 'pid', 'm', 'max'],
    host: { with: ['p', 'pid', 'f', 'fifo', 'r', 'rr', 'd', 'deadline'], reason: 'chrt gives real-time scheduling, which can starve the rest of the machine, or changes a running process' },
  }),
  nsenter: simple({ opts: NSENTER, cwdWith: ['w', 'wd', 'r', 'root', 'W', 'wdns'], bare: { kind: 'stdin-shell' }, host: { reason: "nsenter enters other processes' namespaces (PID 1's are the host's own)" } }),
  unshare: simple({ opts: UNSHARE, cwdWith: ['w', 'wd', 'R', 'root'], bare: { kind: 'stdin-shell' }, host: { reason: 'unshare runs a command in new namespaces, where it can be root and mount over paths' } }),
  'systemd-run': {
    unwrap(args) {
      const { opts, rest } = splitOptions(args, SYSTEMD_RUN);
      if (hasOpt(opts, 'S', 'shell')) return { kind: 'stdin-shell' };
      return withCwd(execOrNone(rest), true);
    },
    hostChange: () => 'systemd-run starts a transient unit from PID 1, outside the caller and its limits',
  },
  'start-stop-daemon': { unwrap: unwrapStartStopDaemon, hostChange: () => 'start-stop-daemon starts or stops system daemons' },
  strace: tracer(STRACE),
  ltrace: tracer(LTRACE),
  xargs: { unwrap: unwrapXargs },
  watch: {
    unwrap(args) {
      const { opts, rest } = splitOptions(args, { short: 'nq', optShort: 'd', long: ['interval', 'equexit'], optLong: ['differences'], flags: ['exec', 'no-title', 'beep', 'errexit', 'chgexit', 'color', 'no-wrap', 'precise', 'no-rerun'] });
      if (!rest.length) return { kind: 'none' };
      return hasOpt(opts, 'x', 'exec') ? { kind: 'exec', argv: rest } : { kind: 'script', script: rest };
    },
  },
  flock: { unwrap: unwrapFlock },
  sg: {
    unwrap(args) {
      const { rest } = splitOptions(args, {});
      const after = rest.slice(1);
      if (after.length && literal(after[0]!) === '-c') return after[1] ? { kind: 'script', script: [after[1]] } : { kind: 'unknown', reason: 'sg -c without a command' };
      return after.length ? { kind: 'script', script: after } : { kind: 'stdin-shell' };
    },
  },
  script: {
    unwrap(args) {
      const { opts } = splitOptions(args, { short: 'cEIOBTtm', long: ['command', 'echo', 'log-in', 'log-out', 'log-io', 'log-timing', 'logging-format', 'output-limit'], permute: true });
      const c = findOpt(opts, 'c', 'command');
      return c?.value ? { kind: 'script', script: [c.value] } : { kind: 'stdin-shell' };
    },
  },
  ssh: {
    unwrap(args) {
      const { rest } = splitOptions(args, { short: 'BbcDEeFIiJLlmOoPpQRSWw' });
      return rest.length > 1 ? { kind: 'script', script: rest.slice(1) } : { kind: 'none' };
    },
  },
  eval: { unwrap: (args) => (args.length ? { kind: 'script', script: args } : { kind: 'none' }) },
  trap: {
    unwrap(args) {
      const { rest } = splitOptions(args, {});
      return rest.length < 2 ? { kind: 'none' } : { kind: 'script', script: [rest[0]!] };
    },
  },
  source: { unwrap: (args) => (args.length ? { kind: 'script-file', file: args[0]! } : { kind: 'unknown', reason: 'source without a file' }) },
  '.': { unwrap: (args) => (args.length ? { kind: 'script-file', file: args[0]! } : { kind: 'unknown', reason: '. without a file' }) },
  find: { unwrap: unwrapFind },
  parallel: cannotSee('parallel'),
  expect: cannotSee('expect'),
  tmux: cannotSee('tmux'),
  screen: cannotSee('screen'),
  dtach: cannotSee('dtach'),
};

/** What `program args` runs, if anything. `program` is the basename. */
export function unwrap(program: string, args: Word[]): Unwrapped {
  if (SHELLS.has(program)) return unwrapShell(args);
  return WRAPPERS[program]?.unwrap(args) ?? { kind: 'none' };
}

/** What the wrapper `program args` changes on the host by itself (a reason), or null. */
export function wrapperHostChange(program: string, args: Word[]): string | null {
  return WRAPPERS[program]?.hostChange?.(args) ?? null;
}

/** The directories find starts from (the operands before the first expression). */
export function findStartPaths(args: Word[]): Word[] {
  const out: Word[] = [];
  let i = 0;
  // Leading -H -L -P -D opts -O level.
  while (i < args.length && /^-(H|L|P|D|O\d?)$/.test(literal(args[i]!) ?? '')) i += literal(args[i]!) === '-D' ? 2 : 1;
  for (; i < args.length; i++) {
    const t = literal(args[i]!);
    if (t !== null && (t.startsWith('-') || t === '(' || t === '!' || t === ')')) break;
    out.push(args[i]!);
  }
  return out.length ? out : [{ cells: [{ ch: '.', quoted: true }], raw: '.' }];
}

function unwrapFind(args: Word[]): Unwrapped {
  const starts = findStartPaths(args);
  const argvs: Word[][] = [];
  for (let i = 0; i < args.length; i++) {
    const t = literal(args[i]!);
    if (t === '-exec' || t === '-execdir' || t === '-ok' || t === '-okdir') {
      const cmd: Word[] = [];
      let j = i + 1;
      for (; j < args.length; j++) {
        const u = literal(args[j]!);
        if (u === ';' || (u === '+' && j > i + 1 && literal(args[j - 1]!) === '{}')) break;
        cmd.push(args[j]!);
      }
      if (j >= args.length) return { kind: 'unknown', reason: `find ${t} is not terminated by ";" or "+"` };
      if (!cmd.length) return { kind: 'unknown', reason: `find ${t} without a command` };
      // {} is each found path: somewhere under a start path.
      for (const start of starts) {
        argvs.push(
          cmd.map((w, k) => {
            const text = wordText(w);
            if (k > 0 && text === '{}') return underAny(start);
            if (text.includes('{}')) return dynamicWord(`<find path in ${w.raw}>`);
            return w;
          }),
        );
      }
      i = j;
    }
  }
  return argvs.length ? { kind: 'multi', argvs } : { kind: 'none' };
}

/** A glob word for "any entry directly under `dir`": the first entry find yields at depth 1. */
function underAny(dir: Word): Word {
  const cells = [...dir.cells];
  const last = cells[cells.length - 1];
  if (!(last && 'ch' in last && last.ch === '/')) cells.push({ ch: '/', quoted: true });
  cells.push({ ch: '*', quoted: false });
  return { cells, raw: `${dir.raw}/{}` };
}
