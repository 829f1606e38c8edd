// The command policy: parse, find every command that would run (through pipelines, substitutions,
// sh -c, sudo, xargs, find -exec ...), apply the built-in and configured rules, combine.
// Pure: no I/O, no clock. The MCP server calls this before running anything.
import { posix } from 'node:path';
import type { PolicyConfig } from './policy-config';
import type { CommandDecision, PolicyAction, PolicyContext } from './types';
import { parseShell, wordText, type Redirect, type SimpleCommand, type Word } from './shell-parse';
import { braceExpand, BraceExpansionError, hasExpansion, literal, literalWord } from './shell-words';
import { unwrap } from './command-wrappers';
import { assignmentFindings, builtinFindings, DOWNLOADERS, INTERPRETERS, type Finding, type RuleEnv } from './command-builtin-rules';
import { ANY_CWD, HOME_UNKNOWN, checkSecretRead, checkWriteTarget } from './command-targets';
import { parseCommandRule, ruleMatches, type CommandRule } from './command-rule';
import { isReadOnlyCommand, READ_ONLY_WRAPPERS } from './read-only-commands';

/** A command found in the input, with the findings that concern it. */
interface Invocation {
  program: string;
  argv: Word[];
  /** It runs another command that is checked on its own (sudo, sh -c, xargs ...). */
  wrapper: boolean;
  findings: Finding[];
}

interface Walk {
  invocations: Invocation[];
  /** Findings about the input as a whole (parse errors, functions). */
  global: Finding[];
  cwds: string[];
  hasDownloader: boolean;
}

const MAX_NESTED_SCRIPTS = 8;

/** Words that set (or declare, read, loop over) a variable that decides where cd and ~ lead. */
const CWD_VARS = /(^|[^$A-Za-z0-9_{])(HOME|PWD|OLDPWD|CDPATH)(\+?=|$)/;

const denyFinding = (rule: string, reason: string): Finding => ({ action: 'deny', rule: `builtin:deny:${rule}`, reason, level: 'builtin' });

/**
 * Decides whether a command may run. `command` is a shell string; `argv` an exec vector (not run by
 * a shell). `cwd` is the directory it will run in, when the caller knows it: relative paths are then
 * checked against it too (without it they count as "anywhere").
 */
export function decideCommand(input: { command?: string; argv?: string[]; cwd?: string }, policy: PolicyConfig, ctx: PolicyContext): CommandDecision {
  const walk: Walk = { invocations: [], global: [], cwds: [], hasDownloader: false };
  if (input.cwd !== undefined) {
    if (typeof input.cwd !== 'string' || !input.cwd.startsWith('/') || input.cwd.includes('\0'))
      return { action: 'deny', rule: 'builtin:deny:parse', reason: `cwd must be an absolute path, got ${JSON.stringify(input.cwd)}`, commands: [] };
    walk.cwds.push(posix.normalize(input.cwd));
  } else walk.cwds.push(ANY_CWD);
  const hasCommand = typeof input.command === 'string';
  const hasArgv = Array.isArray(input.argv);
  if (!hasCommand && !hasArgv) return { action: 'deny', rule: 'builtin:deny:empty', reason: 'no command given', commands: [] };
  if (hasCommand) {
    if (input.command!.trim() === '') return { action: 'deny', rule: 'builtin:deny:empty', reason: 'the command is empty', commands: [] };
    walkScript(input.command!, 0, walk, false);
  }
  if (hasArgv) {
    const argv = input.argv!;
    if (argv.length === 0 || typeof argv[0] !== 'string' || argv[0] === '') walk.global.push(denyFinding('empty', 'argv is empty'));
    else if (argv.some((a) => typeof a !== 'string' || a.includes('\0'))) walk.global.push(denyFinding('parse', 'argv contains a non-string or a NUL byte'));
    else {
      const words = argv.map(literalWord);
      prescan([{ assignments: [], words, redirects: [], pipedInput: false, context: 'top' }], walk);
      walkCommand(words, { assignments: [], words, redirects: [], pipedInput: false, context: 'top' }, 0, walk);
    }
  }
  return combine(walk, policy, ctx);
}

function walkScript(text: string, depth: number, walk: Walk, fromString: boolean): void {
  if (depth > MAX_NESTED_SCRIPTS) {
    walk.global.push(denyFinding('parse', `commands nested more than ${MAX_NESTED_SCRIPTS} levels deep`));
    return;
  }
  const parsed = parseShell(text, depth);
  if (!parsed.ok) {
    walk.global.push(denyFinding('parse', `${fromString ? 'the inner script ' + JSON.stringify(text.slice(0, 80)) : 'the command'} cannot be parsed (${parsed.error}); nothing was run`));
    return;
  }
  for (const f of parsed.functions) {
    const recursive = f.body.some((c) => c.words.some((w) => literal(w) === f.name));
    walk.global.push(
      recursive
        ? denyFinding('fork-bomb', `the function ${JSON.stringify(f.name)} calls itself: a fork bomb`)
        : denyFinding('function', `defines the shell function ${JSON.stringify(f.name)}; calls to it cannot be checked`),
    );
  }
  prescan(parsed.simple, walk);
  for (const c of parsed.simple) {
    let words: Word[];
    try {
      words = c.words.flatMap(braceExpand);
    } catch (err) {
      if (!(err instanceof BraceExpansionError)) throw err;
      walk.global.push(denyFinding('parse', err.message));
      continue;
    }
    walkCommand(words, c, depth, walk);
  }
  // After the commands, so that a command found inside the arithmetic gives its own reason first.
  if (parsed.evaluates.length)
    walk.invocations.push({
      program: '',
      argv: [],
      wrapper: false,
      findings: parsed.evaluates.map((e) => denyFinding('arithmetic', `the arithmetic ${JSON.stringify(e.slice(0, 80))} evaluates a variable, parameter or command output as an expression; a value like a[$(cmd)] would run cmd, and the value is not known until it runs`)),
    });
}

/** Facts about the whole line that rules need: literal `cd` targets and whether anything downloads. */
function prescan(cmds: SimpleCommand[], walk: Walk): void {
  for (const c of cmds) {
    const names = c.words.map((w) => literal(w)).filter((x): x is string => x !== null).map((x) => posix.basename(x));
    if (names.some((n) => DOWNLOADERS.has(n) && n !== 'git' && n !== 'rsync' && n !== 'scp')) walk.hasDownloader = true;
    // HOME, PWD, OLDPWD or CDPATH set anywhere in the line: ~ and cd targets are no longer known.
    if ([...c.assignments, ...c.words].some((w) => /HOME|PWD|CDPATH/.test(w.raw) && CWD_VARS.test(wordText(w)))) {
      for (const m of [ANY_CWD, HOME_UNKNOWN]) if (!walk.cwds.includes(m)) walk.cwds.push(m);
    }
    let k = 0;
    while (k < c.words.length && ['builtin', 'command'].includes(literal(c.words[k]!) ?? '')) k++;
    if (k < c.words.length && ['cd', 'pushd', 'popd', 'chdir'].includes(literal(c.words[k]!) ?? '')) {
      const cdArgs = c.words.slice(k + 1);
      // Options (-P resolves symlinks, -L, -e, -@) or anything but one literal directory: unknown.
      const dir = cdArgs.length === 1 && !(literal(cdArgs[0]!) ?? '-').startsWith('-') ? literal(cdArgs[0]!) : null;
      const known = walk.cwds.filter((d) => d.startsWith('/'));
      // Literal targets are followed (relative ones from every known cwd); anything else may be anywhere.
      const next = dir === null || literal(c.words[k]!) === 'popd' ? [ANY_CWD] : dir.startsWith('/') ? [posix.normalize(dir)] : known.map((d) => posix.join(d, dir));
      if (!dir?.startsWith('/') && walk.cwds.includes(ANY_CWD)) next.push(ANY_CWD);
      for (const n of next) if (!walk.cwds.includes(n)) walk.cwds.push(n);
    }
  }
}

function ruleEnv(walk: Walk, ctx: PolicyContext): RuleEnv {
  return { ctx, cwds: walk.cwds, hasDownloader: walk.hasDownloader };
}

function walkCommand(words: Word[], c: SimpleCommand, depth: number, walk: Walk): void {
  const assignmentFs = c.assignments.flatMap(assignmentFindings);
  const redirectInv: Invocation = { program: '', argv: [], wrapper: false, findings: [...assignmentFs] };
  // Redirections are checked when the whole walk is known (they need the cwds), via this marker.
  (redirectInv as Invocation & { redirects?: Redirect[] }).redirects = c.redirects;
  walk.invocations.push(redirectInv);
  if (words.length === 0) return;
  const stdinSource = c.redirects.some((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<' || r.op === '<' || r.op === '<&') || c.pipedInput;
  walkArgv(words, depth, walk, stdinSource, 0, stdinScript(c));
}

/**
 * The text a command reads on stdin when the line fixes it: a here-document or here-string
 * whose contents are literal. A shell fed this runs it, so it is parsed and checked like sh -c.
 */
function stdinScript(c: SimpleCommand): string | undefined {
  const input = c.redirects.filter((r) => ['<<', '<<-', '<<<', '<', '<&'].includes(r.op) && (r.fd === undefined || r.fd === 0)).pop();
  if (!input) return undefined;
  if (input.heredoc) {
    const { body, quoted } = input.heredoc;
    // Unquoted: $, ` and \ are expanded first; with none of them the text is what the shell reads.
    return quoted || !/[$`\\]/.test(body) ? body : undefined;
  }
  if (input.op === '<<<') {
    const text = literal(input.target);
    return text === null ? undefined : `${text}\n`;
  }
  return undefined;
}

function walkArgv(argv: Word[], depth: number, walk: Walk, stdinSource: boolean, hops: number, stdinText?: string): void {
  const w0 = argv[0]!;
  const name = literal(w0);
  if (name === null) {
    walk.invocations.push({
      program: '?',
      argv,
      wrapper: false,
      findings: [denyFinding('dynamic-command', `the command name ${JSON.stringify(w0.raw)} is not known until it runs (variable, substitution or glob), so it cannot be checked`)],
    });
    return;
  }
  const program = posix.basename(name);
  if (name === '' || program === '') {
    walk.invocations.push({ program: '?', argv, wrapper: false, findings: [denyFinding('dynamic-command', 'empty command name')] });
    return;
  }
  const inv: Invocation = { program, argv, wrapper: false, findings: [] };
  walk.invocations.push(inv);
  if (hops > 16) {
    inv.findings.push(denyFinding('parse', 'too many nested wrappers'));
    return;
  }
  const u = unwrap(program, argv.slice(1));
  const downloadRule = (what: string): Finding =>
    walk.hasDownloader
      ? denyFinding('download-exec', `${what}: it would run code downloaded from the network (curl|sh and the like)`)
      : denyFinding('dynamic-script', `${what}: the code it runs is not known until it runs`);
  switch (u.kind) {
    case 'none':
      break;
    case 'exec':
      inv.wrapper = true;
      // env -C, sudo -D, nsenter -w ...: relative paths of the inner command are then anywhere.
      if (u.cwdUnknown && !walk.cwds.includes(ANY_CWD)) walk.cwds.push(ANY_CWD);
      walkArgv(u.argv, depth, walk, stdinSource, hops + 1, stdinText);
      for (const s of u.scripts ?? []) walkInnerScript(program, s, depth, walk, inv, downloadRule);
      break;
    case 'multi':
      inv.wrapper = true;
      for (const a of u.argvs) walkArgv(a, depth, walk, false, hops + 1);
      break;
    case 'script':
      inv.wrapper = true;
      walkInnerScript(program, u.script, depth, walk, inv, downloadRule);
      break;
    case 'stdin-shell':
      inv.wrapper = true;
      if (stdinText !== undefined) {
        walkScript(stdinText, depth + 1, walk, true);
        break;
      }
      inv.findings.push(
        stdinSource
          ? downloadRule(`${program} reads the commands to run from its input (pipe, here-document or file)`)
          : denyFinding('shell-stdin', `${program} without a command starts an interactive shell; give the command itself`),
      );
      break;
    case 'script-file': {
      inv.wrapper = true;
      const f = u.file;
      const fromSubst = f.cells.some((c) => 'dyn' in c && c.commands !== undefined);
      const text = literal(f);
      if (fromSubst || text === '/dev/stdin' || text === '-' || (text !== null && /^\/dev\/fd\/|^\/proc\/self\/fd\//.test(text)))
        inv.findings.push(downloadRule(`${program} runs a script produced by another command (${f.raw})`));
      else inv.findings.push({ action: 'confirm', rule: 'default:confirm:run-script', reason: `${program} ${f.raw} runs a script whose contents cannot be checked`, level: 'default' });
      break;
    }
    case 'unknown':
      inv.wrapper = true;
      inv.findings.push(denyFinding('unknown-wrapper', u.reason));
      break;
  }
  // An interpreter fed from a pipe after a download: curl ... | python3
  if (stdinSource && walk.hasDownloader && INTERPRETERS.test(program) && !/awk$/.test(program) && u.kind === 'none') {
    const ops = argv.slice(1).filter((w) => !(literal(w) ?? 'x').startsWith('-'));
    if (ops.length === 0 || ops.some((w) => literal(w) === '-')) inv.findings.push(denyFinding('download-exec', `${program} runs code piped from a download`));
  }
}

/** A script a wrapper runs (sh -c, su -c, strace -o '|cmd'): parsed and walked when it is literal. */
function walkInnerScript(program: string, script: Word[], depth: number, walk: Walk, inv: Invocation, downloadRule: (what: string) => Finding): void {
  if (script.some(hasExpansion)) {
    inv.findings.push(downloadRule(`${program} runs the script ${script.map((w) => w.raw).join(' ')}, which contains expansions`));
    return;
  }
  walkScript(script.map(wordText).join(' '), depth + 1, walk, true);
}

const SEVERITY: Record<PolicyAction, number> = { allow: 0, confirm: 1, deny: 2 };

const WRITE_OPS = new Set(['>', '>>', '>|', '<>', '&>', '&>>', '>&']);

function redirectFindings(redirects: Redirect[], env: RuleEnv, mode: PolicyConfig['mode']): Finding[] {
  const out: Finding[] = [];
  for (const r of redirects) {
    const target = literal(r.target);
    if (r.op === '>&' || r.op === '<&') {
      if (target !== null && /^(\d+-?|-)$/.test(target)) continue;
      if (r.op === '<&') continue;
    }
    if (WRITE_OPS.has(r.op)) {
      const t = checkWriteTarget(r.target, 'writes', env.ctx, env.cwds);
      if (t) out.push({ ...t, level: 'builtin' });
      if (mode === 'read-only' && !(target !== null && ['/dev/null', '/dev/stdout', '/dev/stderr'].includes(target)))
        out.push({ action: 'deny', rule: 'mode:read-only', reason: `policy.mode is read-only: the redirection ${r.op} ${r.target.raw} writes a file`, level: 'builtin' });
    } else if (r.op === '<') {
      const t = checkSecretRead(r.target, env.cwds);
      if (t) out.push({ ...t, level: 'builtin' });
    }
  }
  return out;
}

function combine(walk: Walk, policy: PolicyConfig, ctx: PolicyContext): CommandDecision {
  const env = ruleEnv(walk, ctx);
  const rules = {
    deny: policy.deny.map(parseCommandRule),
    confirm: policy.confirm.map(parseCommandRule),
    allow: policy.allow.map(parseCommandRule),
  };
  const relaxed = new Set(policy.relaxBuiltin.map((n) => `builtin:deny:${n}`));
  const commands: string[][] = [];
  type Verdict = { action: PolicyAction; rule: string; reason: string };
  const verdicts: Verdict[] = [];

  for (const g of walk.global) verdicts.push(g);
  for (const inv of walk.invocations) {
    const findings = [...inv.findings];
    const redirects = (inv as Invocation & { redirects?: Redirect[] }).redirects;
    if (redirects) findings.push(...redirectFindings(redirects, env, policy.mode));
    if (inv.program && inv.program !== '?') findings.push(...builtinFindings(inv.program, inv.argv, env));
    if (inv.argv.length) commands.push(inv.argv.map(wordText));
    verdicts.push(decideInvocation(inv, findings, rules, relaxed, policy.mode));
  }
  let worst: Verdict = { action: 'allow', rule: 'default', reason: 'no rule matched; allowed by default' };
  let count = 0;
  for (const v of verdicts) {
    if (SEVERITY[v.action] > SEVERITY[worst.action]) {
      worst = v;
      count = 1;
    } else if (v.action === worst.action && v.action !== 'allow') count++;
  }
  if (worst.action === 'allow') {
    const a = verdicts.find((v) => v.rule.startsWith('config:'));
    if (a) worst = a;
    else if (policy.mode === 'read-only') worst = { action: 'allow', rule: 'mode:read-only', reason: 'every command is on the read-only list' };
  }
  const more = count > 1 ? ` (and ${count - 1} more ${worst.action === 'deny' ? 'refusals' : 'confirmations'})` : '';
  return { action: worst.action, rule: worst.rule, reason: worst.reason + more, commands };
}

function decideInvocation(
  inv: Invocation,
  findings: Finding[],
  rules: { deny: CommandRule[]; confirm: CommandRule[]; allow: CommandRule[] },
  relaxed: Set<string>,
  mode: PolicyConfig['mode'],
): { action: PolicyAction; rule: string; reason: string } {
  // 1. built-in deny (unless the config relaxed that named rule to confirm)
  const builtinDeny = findings.find((f) => f.action === 'deny' && !relaxed.has(f.rule));
  if (builtinDeny) return builtinDeny;
  const shown = inv.argv.map((w) => w.raw).join(' ');
  const program = inv.program;
  const args = inv.argv.slice(1).map(literal);
  const matchIdx = (list: CommandRule[], unknownMatches: boolean): number =>
    program && program !== '?' ? list.findIndex((r) => ruleMatches(r, program, args, unknownMatches)) : -1;
  // 2. config deny, 3. config confirm
  const d = matchIdx(rules.deny, true);
  if (d !== -1) return { action: 'deny', rule: `config:policy.deny[${d}]`, reason: `${shown} matches policy.deny rule ${JSON.stringify(rules.deny[d]!.source)}` };
  const c = matchIdx(rules.confirm, true);
  if (c !== -1) return { action: 'confirm', rule: `config:policy.confirm[${c}]`, reason: `${shown} matches policy.confirm rule ${JSON.stringify(rules.confirm[c]!.source)}` };
  // 4. built-in confirm (relaxed denies land here). Unrestricted mode skips these, except unknowable targets.
  const builtinConfirm = findings.find(
    (f) => f.level === 'builtin' && (f.action === 'confirm' || relaxed.has(f.rule)) && (mode !== 'unrestricted' || f.always || relaxed.has(f.rule)),
  );
  if (builtinConfirm) {
    // Anything that needs confirming changes the system: read-only mode refuses it outright.
    if (mode === 'read-only') return { action: 'deny', rule: 'mode:read-only', reason: `policy.mode is read-only: ${builtinConfirm.reason}` };
    return { ...builtinConfirm, action: 'confirm' };
  }
  // 5. config allow
  const a = matchIdx(rules.allow, false);
  if (a !== -1) return { action: 'allow', rule: `config:policy.allow[${a}]`, reason: `${shown} matches policy.allow rule ${JSON.stringify(rules.allow[a]!.source)}` };
  // 6. default
  if (mode === 'read-only') {
    const early = findings.find((f) => f.level === 'default');
    if (early) return { action: 'deny', rule: 'mode:read-only', reason: `policy.mode is read-only: ${early.reason}` };
    if (!program) return { action: 'allow', rule: 'mode:read-only', reason: 'redirections only' };
    const ok = inv.wrapper ? READ_ONLY_WRAPPERS.has(program) || isReadOnlyCommand(program, inv.argv.slice(1)) : isReadOnlyCommand(program, inv.argv.slice(1));
    if (!ok) return { action: 'deny', rule: 'mode:read-only', reason: `policy.mode is read-only and ${shown} is not on the read-only list` };
    const dflt = findings.find((f) => f.level === 'default');
    if (dflt) return { action: 'deny', rule: 'mode:read-only', reason: `policy.mode is read-only: ${dflt.reason}` };
    return { action: 'allow', rule: 'mode:read-only', reason: 'on the read-only list' };
  }
  if (mode === 'standard') {
    const dflt = findings.find((f) => f.level === 'default');
    if (dflt) return dflt;
  }
  return { action: 'allow', rule: 'default', reason: 'no rule matched; allowed by default' };
}
