// The shell's own state (arithmetic, aliases, functions, dangerous variables) and interpreters
// running code this policy cannot read.
import type { Word } from './shell-parse';
import { wordText } from './shell-parse';
import { literal } from './shell-words';
import { splitOptions, hasOpt } from './split-options';
import { byDefault, deny, type BuiltinRule, type Finding } from './command-rule-table';
import { operands, texts } from './command-args';

export const INTERPRETERS = /^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*|luajit|tclsh[0-9.]*|wish|Rscript|julia|osascript|pwsh|powershell|gawk|mawk|nawk|awk|busybox-awk)$/;

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

// Builtins that take variable names evaluate array subscripts: read 'a[$(cmd)]' runs cmd.
const subscripts: BuiltinRule = {
  id: 'array-subscript',
  programs: ['test', '[', 'printf', 'read', 'unset', 'declare', 'typeset', 'local', 'export', 'readonly', 'wait', 'mapfile', 'readarray', 'getopts'],
  findings: (program, args) => (args.some((w) => /\[[^\]]*[$`]/.test(wordText(w))) ? [deny('shell-state', `${program} would evaluate an array subscript that contains an expansion`)] : []),
};

const arithmetic: BuiltinRule = {
  id: 'arithmetic',
  programs: ['let', 'declare', 'typeset', 'local'],
  findings(program, args) {
    if (program !== 'let' && !texts(args).some((x) => x !== null && /^-[a-zA-Z]*[iaA]/.test(x))) return [];
    return [deny('shell-state', `${program} evaluates arithmetic, which can run commands hidden in variable values`)];
  },
};

const nameResolution: BuiltinRule = {
  id: 'name-resolution',
  programs: ['alias', 'unalias', 'hash', 'enable', 'shopt'],
  findings(program, args) {
    if (program === 'hash' && !texts(args).some((x) => x === '-p')) return [];
    return [deny('shell-state', `${program} changes how later command names are resolved; this policy cannot follow that`)];
  },
};

const declarations: BuiltinRule = {
  id: 'declarations',
  programs: ['export', 'declare', 'typeset', 'local', 'readonly'],
  findings(program, args) {
    const out: Finding[] = [];
    if (texts(args).some((x) => x !== null && /^-[a-zA-Z]*f/.test(x))) out.push(deny('shell-state', `${program} -f defines or exports shell functions`));
    for (const w of args) out.push(...assignmentFindings(w));
    return out;
  },
};

const envAssignments: BuiltinRule = {
  id: 'env-assignments',
  programs: ['env'],
  findings: (_program, args) => args.filter((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(wordText(w))).flatMap(assignmentFindings),
};

const interpreters: BuiltinRule = { id: 'interpreters', programs: [], programPattern: INTERPRETERS, findings: (program, args) => interpreterFindings(program, args) };

export const SHELL_RULES: readonly BuiltinRule[] = [subscripts, arithmetic, nameResolution, declarations, envAssignments, interpreters];
