// Programs that run another command: sudo, env, timeout, xargs, sh -c, find -exec ...
// unwrap() says what each one runs, so the inner command is checked like any other. Option
// tables list the options that take a value, because they decide where the inner command starts.
import type { Word } from './shell-parse';
import { wordText } from './shell-parse';
import { dynamicWord, literal } from './shell-words';

export type Unwrapped =
  | { kind: 'none' }
  /** Runs this argv directly. `stdinArgs`: xargs appends arguments read from its input. */
  | { kind: 'exec'; argv: Word[] }
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

interface OptSpec {
  /** Short options that take a value (next argument, or the rest of the cluster). */
  short?: string;
  /** Long options that take a value (next argument unless written --opt=value). */
  long?: string[];
}

/** Splits `args` into options and the operands after them (stops at the first operand or `--`). */
export function splitOptions(args: Word[], spec: OptSpec): { opts: { name: string; value: Word | null }[]; rest: Word[] } {
  const opts: { name: string; value: Word | null }[] = [];
  let i = 0;
  while (i < args.length) {
    const w = args[i]!;
    const t = literal(w);
    if (t === null || t === '-' || !t.startsWith('-')) break;
    if (t === '--') {
      i++;
      break;
    }
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq === -1 ? t.slice(2) : t.slice(2, eq);
      if (eq !== -1) opts.push({ name, value: { cells: w.cells.slice(eq + 1), raw: w.raw } });
      else if (spec.long?.includes(name)) {
        opts.push({ name, value: args[i + 1] ?? null });
        i++;
      } else opts.push({ name, value: null });
      i++;
      continue;
    }
    // A cluster like -abc or -ufoo.
    let consumedNext = false;
    for (let k = 1; k < t.length; k++) {
      const ch = t[k]!;
      if (spec.short?.includes(ch)) {
        if (k + 1 < t.length) opts.push({ name: ch, value: { cells: w.cells.slice(k + 1), raw: w.raw } });
        else {
          opts.push({ name: ch, value: args[i + 1] ?? null });
          consumedNext = true;
        }
        break;
      }
      opts.push({ name: ch, value: null });
    }
    i += consumedNext ? 2 : 1;
  }
  return { opts, rest: args.slice(i) };
}

const has = (opts: { name: string }[], ...names: string[]): boolean => opts.some((o) => names.includes(o.name));

const execOrNone = (rest: Word[]): Unwrapped => (rest.length ? { kind: 'exec', argv: rest } : { kind: 'none' });

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

/** What `program args` runs, if anything. `program` is the basename. */
export function unwrap(program: string, args: Word[]): Unwrapped {
  if (SHELLS.has(program)) return unwrapShell(args);
  switch (program) {
    case 'sudo':
    case 'sudoedit': {
      const { opts, rest } = splitOptions(args, { short: 'ugCDhprtUTR', long: ['user', 'group', 'close-from', 'chdir', 'host', 'prompt', 'role', 'type', 'other-user', 'command-timeout', 'chroot'] });
      if (program === 'sudoedit' || has(opts, 'e', 'edit')) return { kind: 'none' };
      if (has(opts, 's', 'shell', 'i', 'login')) return rest.length ? { kind: 'script', script: rest } : { kind: 'stdin-shell' };
      return execOrNone(rest);
    }
    case 'doas': {
      const { opts, rest } = splitOptions(args, { short: 'uC' });
      if (has(opts, 's')) return { kind: 'stdin-shell' };
      return execOrNone(rest);
    }
    case 'su':
    case 'runuser': {
      const { opts, rest } = splitOptions(args, { short: 'cgGsuwC', long: ['command', 'group', 'supp-group', 'shell', 'user', 'whitelist-environment', 'session-command'] });
      const cmd = opts.find((o) => ['c', 'command', 'session-command'].includes(o.name));
      if (cmd) return cmd.value ? { kind: 'script', script: [cmd.value] } : { kind: 'unknown', reason: `${program} -c without a command` };
      if (program === 'runuser' && has(opts, 'u', 'user')) return execOrNone(rest);
      return { kind: 'stdin-shell' };
    }
    case 'env': {
      const { opts, rest } = splitOptions(args, { short: 'uCSP', long: ['unset', 'chdir', 'split-string', 'default-signal', 'ignore-signal', 'block-signal'] });
      const split = opts.find((o) => o.name === 'S' || o.name === 'split-string');
      let i = 0;
      while (i < rest.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(wordText(rest[i]!))) i++;
      if (split?.value) return { kind: 'script', script: [split.value, ...rest.slice(i)] };
      return execOrNone(rest.slice(i));
    }
    case 'nice':
      return execOrNone(splitOptions(args, { short: 'n', long: ['adjustment'] }).rest);
    case 'ionice': {
      const { opts, rest } = splitOptions(args, { short: 'cnpPu', long: ['class', 'classdata', 'pid', 'pgid', 'uid'] });
      if (has(opts, 'p', 'P', 'u', 'pid', 'pgid', 'uid')) return { kind: 'none' };
      return execOrNone(rest);
    }
    case 'timeout': {
      const { rest } = splitOptions(args, { short: 'sk', long: ['signal', 'kill-after'] });
      return execOrNone(rest.slice(1));
    }
    case 'nohup':
    case 'builtin':
      return execOrNone(splitOptions(args, {}).rest);
    case 'stdbuf':
      return execOrNone(splitOptions(args, { short: 'ioe', long: ['input', 'output', 'error'] }).rest);
    case 'chroot': {
      const { rest } = splitOptions(args, { long: ['userspec', 'groups'] });
      if (rest.length === 0) return { kind: 'unknown', reason: 'chroot without a new root' };
      return rest.length > 1 ? { kind: 'exec', argv: rest.slice(1) } : { kind: 'stdin-shell' };
    }
    case 'setsid':
      return execOrNone(splitOptions(args, {}).rest);
    case 'command': {
      const { opts, rest } = splitOptions(args, {});
      if (has(opts, 'v', 'V')) return { kind: 'none' };
      return execOrNone(rest);
    }
    case 'exec':
      return execOrNone(splitOptions(args, { short: 'a' }).rest);
    case 'busybox': {
      const { rest } = splitOptions(args, {});
      return execOrNone(rest);
    }
    case 'time':
      return execOrNone(splitOptions(args, { short: 'fo', long: ['format', 'output'] }).rest);
    case 'xargs': {
      const { opts, rest } = splitOptions(args, {
        short: 'adEIiLlnPs',
        long: ['arg-file', 'delimiter', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
      });
      const inner = rest.length ? rest : [{ cells: [...'echo'].map((ch) => ({ ch, quoted: true })), raw: 'echo' } as Word];
      const repl = opts.find((o) => o.name === 'I' || o.name === 'i' || o.name === 'replace');
      const replText = repl ? (repl.value && repl.name === 'I' ? literal(repl.value) : repl.value ? literal(repl.value) : '{}') : null;
      // The arguments come from stdin: unknown. With -I they replace the marker inside arguments.
      const argv = replText
        ? inner.map((w, k) => (k > 0 && wordText(w).includes(replText) ? dynamicWord(`<xargs input in ${w.raw}>`) : w))
        : [...inner, dynamicWord('<xargs input>')];
      return { kind: 'exec', argv };
    }
    case 'watch': {
      const { opts, rest } = splitOptions(args, { short: 'nq', long: ['interval', 'equexit'] });
      if (!rest.length) return { kind: 'none' };
      return has(opts, 'x', 'exec') ? { kind: 'exec', argv: rest } : { kind: 'script', script: rest };
    }
    case 'flock': {
      const { opts, rest } = splitOptions(args, { short: 'wEc', long: ['timeout', 'wait', 'conflict-exit-code', 'command'] });
      const c = opts.find((o) => o.name === 'c' || o.name === 'command');
      if (c) return c.value ? { kind: 'script', script: [c.value] } : { kind: 'unknown', reason: 'flock -c without a command' };
      const after = rest.slice(1);
      if (after.length && (literal(after[0]!) === '-c' || literal(after[0]!) === '--command'))
        return after[1] ? { kind: 'script', script: [after[1]] } : { kind: 'unknown', reason: 'flock -c without a command' };
      return execOrNone(after);
    }
    case 'nsenter':
    case 'unshare': {
      const { rest } = splitOptions(args, { short: 'tSGwRr', long: ['target', 'setuid', 'setgid', 'wd', 'root', 'propagation', 'setgroups', 'map-user', 'map-group', 'map-users', 'map-groups'] });
      return rest.length ? { kind: 'exec', argv: rest } : { kind: 'stdin-shell' };
    }
    case 'systemd-run': {
      const { rest } = splitOptions(args, {
        short: 'pEHMu',
        long: ['property', 'setenv', 'host', 'machine', 'unit', 'description', 'slice', 'uid', 'gid', 'working-directory', 'nice', 'on-active', 'on-boot', 'on-startup', 'on-unit-active', 'on-unit-inactive', 'on-calendar', 'on-timezone-change', 'on-clock-change', 'timer-property', 'path-property', 'socket-property', 'service-type', 'expand-environment'],
      });
      return execOrNone(rest);
    }
    case 'strace': {
      const { opts, rest } = splitOptions(args, { short: 'abeEIoOpPsSuUX', long: ['attach', 'output', 'user', 'env', 'trace', 'signal', 'string-limit'] });
      if (has(opts, 'p', 'attach') && !rest.length) return { kind: 'none' };
      return execOrNone(rest);
    }
    case 'taskset': {
      const { opts, rest } = splitOptions(args, {});
      if (has(opts, 'p', 'pid')) return { kind: 'none' };
      return execOrNone(rest.slice(1));
    }
    case 'chrt': {
      const { opts, rest } = splitOptions(args, { short: 'TPD', long: ['sched-runtime', 'sched-period', 'sched-deadline'] });
      if (has(opts, 'p', 'pid', 'm', 'max')) return { kind: 'none' };
      return execOrNone(rest.slice(1));
    }
    case 'sg': {
      const { rest } = splitOptions(args, {});
      const after = rest.slice(1);
      if (after.length && literal(after[0]!) === '-c') return after[1] ? { kind: 'script', script: [after[1]] } : { kind: 'unknown', reason: 'sg -c without a command' };
      return after.length ? { kind: 'script', script: after } : { kind: 'stdin-shell' };
    }
    case 'script': {
      const { opts } = splitOptions(args, { short: 'cEIOBTtm', long: ['command', 'echo', 'log-in', 'log-out', 'log-io', 'log-timing', 'logging-format'] });
      const c = opts.find((o) => o.name === 'c' || o.name === 'command');
      return c?.value ? { kind: 'script', script: [c.value] } : { kind: 'stdin-shell' };
    }
    case 'ssh': {
      const { rest } = splitOptions(args, { short: 'BbcDEeFIiJLlmOoPpQRSWw' });
      return rest.length > 1 ? { kind: 'script', script: rest.slice(1) } : { kind: 'none' };
    }
    case 'eval':
      return args.length ? { kind: 'script', script: args } : { kind: 'none' };
    case 'trap': {
      const { rest } = splitOptions(args, {});
      if (rest.length < 2) return { kind: 'none' };
      return { kind: 'script', script: [rest[0]!] };
    }
    case 'source':
    case '.':
      return args.length ? { kind: 'script-file', file: args[0]! } : { kind: 'unknown', reason: `${program} without a file` };
    case 'find':
      return unwrapFind(args);
    case 'parallel':
    case 'expect':
    case 'tmux':
    case 'screen':
    case 'dtach':
      return { kind: 'unknown', reason: `${program} runs commands this policy cannot see` };
    default:
      return { kind: 'none' };
  }
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
