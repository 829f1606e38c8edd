// The machine's power, its services and its processes, and above all the suite's own: the model may
// not switch off the watchdog that watches it.
import { posix } from 'node:path';
import type { Word } from './shell-parse';
import { wordText } from './shell-parse';
import { hasExpansion, isLiteral, literal, wordRegex } from './shell-words';
import type { PolicyContext } from './types';
import { splitOptions } from './split-options';
import { confirm, deny, type BuiltinRule, type Finding } from './command-rule-table';
import { hasFlag, operands, texts } from './command-args';

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

/** Could the unit argument name one of the suite's units? */
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


const power: BuiltinRule = {
  id: 'power',
  programs: ['shutdown', 'reboot', 'poweroff', 'halt', 'telinit', 'kexec', 'systemd-reboot'],
  findings(program, args) {
    const t = texts(args);
    if ((program === 'shutdown' && t.includes('-c')) || t.some((x) => x === '--help' || x === '--version')) return [];
    return [deny('power', `${program} reboots or powers off the machine; the operator does that, not the model`)];
  },
};

const init: BuiltinRule = {
  id: 'init',
  programs: ['init'],
  findings(_program, args) {
    const t = texts(args);
    return t.some((x) => x !== null && /^[0126sSqQuU]$|^single$/.test(x)) ? [deny('power', `init ${t.join(' ')} changes the runlevel (halt, reboot or single-user)`)] : [];
  },
};

const loginctl: BuiltinRule = {
  id: 'loginctl',
  programs: ['loginctl'],
  findings(_program, args) {
    const t = texts(args);
    if (!t.some((x) => /^(poweroff|reboot|halt|suspend|hibernate|kill-session|kill-user|terminate-session|terminate-user)$/.test(x ?? ''))) return [];
    return [t.some((x) => /^(poweroff|reboot|halt|suspend|hibernate)$/.test(x ?? '')) ? deny('power', 'loginctl powers off or reboots the machine') : confirm('kill-process', 'loginctl terminates sessions')];
  },
};

const systemctl: BuiltinRule = { id: 'systemctl', programs: ['systemctl'], findings: (_program, args, env) => systemctlFindings(args, env.ctx) };

const service: BuiltinRule = {
  id: 'service',
  programs: ['service'],
  findings(_program, args, env) {
    if (args.length < 2) return [];
    const out: Finding[] = [];
    const [unit, action] = [args[0]!, literal(args[1]!)];
    if (action !== null && /^(stop|restart|force-reload|disable)$/.test(action)) {
      const r = reachesSuiteUnit(unit, env.ctx);
      if (r !== 'no') out.push(action === 'restart' ? confirm('suite-unit', `service ${unit.raw} ${action} acts on linux-devops-mcp's own unit`) : deny('suite-unit', `service ${unit.raw} ${action} would stop linux-devops-mcp's own unit`));
      if (action === 'stop' || action === 'disable') out.push(confirm('service-stop', `service ${unit.raw} ${action} stops a service`));
    }
    return out;
  },
};

const kill: BuiltinRule = { id: 'kill', programs: ['kill', 'pkill', 'killall', 'killall5', 'skill', 'slay'], findings: (program, args, env) => killFindings(program, args, env.ctx) };

export const SERVICE_RULES: readonly BuiltinRule[] = [power, init, loginctl, systemctl, service, kill];
