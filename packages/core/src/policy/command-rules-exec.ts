// Programs that run a command of their own as a side effect of an option or of their input:
// tar checkpoint actions, sed's e command, apt hooks, dpkg maintainer scripts, git's pagers and
// transports, pagers' shell escapes. What they run cannot be seen here, so they need approval
// (default:confirm:inline-code / run-script; a config allow rule can lift them).
import type { Word } from './shell-parse';
import { wordText } from './shell-parse';
import { literal } from './shell-words';
import { isLongOption } from './long-option';
import { splitOptions, hasOpt, findOpt } from './split-options';
import { byDefault, type BuiltinRule, type Finding } from './command-rule-table';
import { readTarOptions } from './tar-options';

const TAR_EXEC = ['I', 'F', 'checkpoint-action', 'to-command', 'use-compress-program', 'info-script', 'new-volume-script', 'rsh-command', 'rmt-command'];

const SED_SPEC = { short: 'efl', optShort: 'i', long: ['expression', 'file', 'line-length'], optLong: ['in-place'], flags: ['quiet', 'silent', 'regexp-extended', 'separate', 'null-data', 'zero-terminated', 'posix', 'debug', 'sandbox', 'follow-symlinks', 'unbuffered'] };

/** The sed scripts given (-e/--expression values, else the first operand) and whether one comes from a file. */
export function sedScripts(args: Word[]): { scripts: (string | null)[]; fromFile: boolean; inPlace: boolean; files: Word[] } {
  const { opts, rest } = splitOptions(args, { ...SED_SPEC, permute: true });
  const exprs = opts.filter((o) => (o.name === 'e' || o.name === 'expression') && !!o.value).map((o) => literal(o.value!));
  const fromFile = hasOpt(opts, 'f', 'file');
  const scripts = exprs.length || fromFile ? exprs : rest.length ? [literal(rest[0]!)] : [];
  const files = exprs.length || fromFile ? rest : rest.slice(1);
  return { scripts, fromFile, inPlace: hasOpt(opts, 'i', 'in-place'), files };
}

// e (execute), w/W (write a file) as commands, or as flags of s///.
const SED_COMMAND_EW = /(^|[;\n{}])\s*([0-9$]+|\/[^/]*\/)?(,([0-9$]+|\/[^/]*\/))?\s*!?\s*[ewW]/;
const SED_S_FLAGS_EW = /s(.)(?:\\.|(?!\1).)*\1(?:\\.|(?!\1).)*\1[a-zA-Z0-9]*[ewW]/;

const sed: BuiltinRule = {
  id: 'sed-exec-write',
  programs: ['sed', 'gsed'],
  findings(program, args) {
    const { scripts, fromFile } = sedScripts(args);
    if (fromFile) return [byDefault('run-script', `${program} -f runs a script file whose contents cannot be checked (it can run commands or write files)`)];
    if (scripts.some((s) => s === null)) return [byDefault('inline-code', `the ${program} script is not known until it runs (it can run commands or write files)`)];
    if (scripts.some((s) => SED_COMMAND_EW.test(s!) || SED_S_FLAGS_EW.test(s!))) return [byDefault('inline-code', `the ${program} script runs commands (e) or writes files (w)`)];
    return [];
  },
};

const tar: BuiltinRule = {
  id: 'tar-exec',
  programs: ['tar', 'gtar', 'bsdtar'],
  findings: (program, args) => (readTarOptions(args).some((o) => TAR_EXEC.includes(o.name)) ? [byDefault('inline-code', `${program} is given an option that runs a command of its own (${args.map((a) => a.raw).join(' ')})`)] : []),
};

const APT = ['apt', 'apt-get', 'aptitude', 'apt-cache', 'apt-mark'];
const apt: BuiltinRule = {
  id: 'apt-hooks',
  programs: APT,
  findings(program, args) {
    const { opts, rest } = splitOptions(args, { short: 'ocqt', long: ['option', 'config-file', 'target-release', 'default-release'], permute: true });
    const out: Finding[] = [];
    // -o can set hooks (APT::Update::Pre-Invoke, DPkg::Pre-Invoke, Dir::Bin::dpkg ...) that run as root.
    if (hasOpt(opts, 'o', 'option', 'c', 'config-file')) out.push(byDefault('inline-code', `${program} -o/-c sets configuration, which can name commands for apt to run (hooks)`));
    // A path instead of a package name: a local .deb, whose maintainer scripts run as root.
    if (['install', 'reinstall'].includes(literal(rest[0] ?? { cells: [], raw: '' }) ?? '') && rest.slice(1).some((w) => /[/]|\.deb$/.test(wordText(w))))
      out.push(byDefault('run-script', `${program} installs a local package file, whose maintainer scripts cannot be checked`));
    return out;
  },
};

const dpkg: BuiltinRule = {
  id: 'dpkg-install',
  programs: ['dpkg'],
  findings(program, args) {
    const t = args.map(literal);
    const installs = t.some((x) => x !== null && (/^-[a-zA-Z]*i/.test(x) && !x.startsWith('--') || isLongOption(x, ['install', 'unpack', 'configure', 'triggers-only'])));
    return installs ? [byDefault('run-script', `${program} installs or configures packages: their maintainer scripts run as root and cannot be checked`)] : [];
  },
};

const runParts: BuiltinRule = {
  id: 'run-parts',
  programs: ['run-parts'],
  findings(program, args) {
    const { opts } = splitOptions(args, { short: 'u', long: ['umask', 'arg', 'regex'], flags: ['test', 'list', 'report', 'reverse', 'exit-on-error', 'lsbsysinit', 'new-session', 'verbose'] });
    return hasOpt(opts, 'test', 'list') ? [] : [byDefault('run-script', `${program} runs every script in a directory; their contents cannot be checked`)];
  },
};

/** Subcommand options that name a program to run: the remote side's upload-pack, hooks from a template, config. */
const GIT_SUB_EXEC: Record<string, { short: string; long: string[] }> = {
  clone: { short: 'uc', long: ['upload-pack', 'template', 'config'] },
  fetch: { short: '', long: ['upload-pack'] },
  pull: { short: '', long: ['upload-pack'] },
  'ls-remote': { short: '', long: ['upload-pack'] },
  push: { short: '', long: ['receive-pack', 'exec'] },
  'send-pack': { short: '', long: ['receive-pack', 'exec'] },
  archive: { short: '', long: ['exec'] },
  init: { short: '', long: ['template'] },
};

const git: BuiltinRule = {
  id: 'git-exec',
  programs: ['git'],
  findings(program, args) {
    const t = args.map(literal);
    // Global options come before the subcommand: -c k=v (core.pager, alias.x=!cmd ...), --config-env, --exec-path.
    let i = 0;
    let hit = false;
    for (; i < t.length; i++) {
      const x = t[i];
      if (x === null || x === undefined || !x.startsWith('-')) break;
      if (x === '-c' || /^-c./.test(x) || isLongOption(x, ['config-env', 'exec-path'])) hit = true;
      if (x === '-c' || x === '-C' || (/^--(git-dir|work-tree|namespace|super-prefix|config-env)$/.test(x))) i++;
    }
    const sub = GIT_SUB_EXEC[t[i] ?? ''];
    if (sub) for (const x of t.slice(i + 1)) if (x !== null && ((x.length === 2 && x[0] === '-' && sub.short.includes(x[1]!)) || isLongOption(x, sub.long))) hit = true;
    // ext:: remotes run a command; fd:: reads from descriptors the caller set up.
    if (t.some((x) => x !== null && /^(ext|fd)::/.test(x))) hit = true;
    return hit ? [byDefault('inline-code', `${program} is given an option or remote that runs a command of its own (${args.map((a) => a.raw).join(' ')})`)] : [];
  },
};

/** less/more/man: +cmd with a shell escape (!, |), a pager or preprocessor option, key bindings from a file. */
const pagers: BuiltinRule = {
  id: 'pager-escape',
  programs: ['less', 'more', 'most', 'man', 'zless', 'zmore'],
  findings(program, args) {
    const t = args.map(literal);
    const escape = args.some((w) => /^\+.*[!|]/.test(wordText(w)));
    const manPager = program === 'man' && t.some((x) => x !== null && (/^-[a-zA-Z]*[PHB]/.test(x) && !x.startsWith('--') || isLongOption(x, ['pager', 'html', 'browser', 'preprocessor'])));
    const lessKeys = program === 'less' && t.some((x) => x !== null && (/^-[a-zA-Z]*k/.test(x) && !x.startsWith('--') || isLongOption(x, ['lesskey-file', 'lesskey-src', 'lesskey-content'])));
    return escape || manPager || lessKeys ? [byDefault('inline-code', `${program} is given a shell escape, pager or key file that runs commands (${args.map((a) => a.raw).join(' ')})`)] : [];
  },
};

const rsyncSsh: BuiltinRule = {
  id: 'remote-shell',
  programs: ['rsync', 'ssh', 'scp', 'sftp'],
  findings(program, args) {
    const t = args.map(literal);
    const hit =
      ((program === 'ssh' || program === 'scp' || program === 'sftp') &&
        args.some((w, i) => (t[i - 1] === '-o' || t[i - 1] === '-F' ? /proxycommand|localcommand|knownhostscommand|^\//i.test(wordText(w)) : /^-o\s*(proxycommand|localcommand|knownhostscommand)/i.test(wordText(w))))) ||
      (program === 'rsync' &&
        (() => {
          const { opts } = splitOptions(args, { short: 'eBfMT', long: ['rsh', 'rsync-path', 'filter', 'temp-dir', 'config', 'remote-option'], permute: true });
          const rsh = findOpt(opts, 'e', 'rsh');
          return (!!rsh && !/^ssh(\s|$)/.test(rsh.value ? wordText(rsh.value) : '')) || hasOpt(opts, 'rsync-path', 'M', 'remote-option');
        })());
    return hit ? [byDefault('inline-code', `${program} is given an option that runs a command of its own (${args.map((a) => a.raw).join(' ')})`)] : [];
  },
};

/** An option whose value is a program the tool runs: sort --compress-program, scp -S, tcpdump -z, zip -TT, nmap --script. */
function programOption(id: string, programs: string[], short: string, long: string[]): BuiltinRule {
  return {
    id,
    programs,
    findings(program, args) {
      const t = args.map(literal);
      const hit = t.some((x) => x !== null && ((short !== '' && x.length >= 2 && x[0] === '-' && x[1] !== '-' && short.includes(x[1]!)) || isLongOption(x, long)));
      return hit ? [byDefault('inline-code', `${program} is given an option that runs a program of its own (${args.map((a) => a.raw).join(' ')})`)] : [];
    },
  };
}

/** Debuggers run shell commands from their command options (gdb -ex '!cmd', -x file). */
const debuggers: BuiltinRule = {
  id: 'debugger',
  programs: ['gdb', 'lldb', 'gdbserver'],
  findings: (program, args) => (args.every((w) => /^(--version|-v|--help|-h)$/.test(literal(w) ?? '')) && args.length ? [] : [byDefault('inline-code', `${program} can run shell commands and change running processes`)]),
};

/** logrotate runs the pre/postrotate scripts of the configuration it is given, as root. */
const logrotate: BuiltinRule = {
  id: 'logrotate',
  programs: ['logrotate'],
  findings: (program, args) => (args.some((w) => /^(-d|--debug)$/.test(literal(w) ?? '')) ? [] : [byDefault('run-script', `${program} runs the pre- and postrotate scripts of its configuration`)]),
};

export const EXEC_RULES: readonly BuiltinRule[] = [
  sed, tar, apt, dpkg, runParts, git, pagers, rsyncSsh, debuggers, logrotate,
  programOption('sort-compress', ['sort'], '', ['compress-program']),
  programOption('scp-program', ['scp', 'sftp'], 'SD', []),
  programOption('tcpdump-postrotate', ['tcpdump'], 'z', []),
  programOption('zip-test-command', ['zip'], '', ['unzip-command']),
  programOption('nmap-script', ['nmap'], '', ['script', 'script-args-file']),
];
