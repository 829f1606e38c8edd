import { join } from 'node:path';
import { isNotInstalled, parseShow, statelessFingerprint, type CheckDeps, type CheckStatus, type Pattern, type PatternCheck } from '@ldm/core';

const UNIT_SUBJECT = /^[\w@.:\\-]+\.(service|socket|timer|mount|path)$/;

/** Pure: a pattern's own checks, or, for a pattern about a unit, "that unit is active". */
export function checksOf(pattern: Pattern): PatternCheck[] {
  if (pattern.checks.length) return pattern.checks;
  const subject = pattern.subject ?? pattern.subjects[0];
  if (subject && UNIT_SUBJECT.test(subject)) return [{ kind: 'unit-active', unit: subject }];
  return [];
}

// Each part found after the one before: what /a.*b.*c/ tests, in one pass. A regex of many `.*`
// backtracks exponentially on a long line that fails to match.
function partsInOrder(parts: readonly string[], text: string): boolean {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    if (at === -1) return false;
    from = at + part.length;
  }
  return true;
}

/** Pure: a signature as a test. A masked template's <*> matches anything; otherwise a case-insensitive substring. */
export function signatureMatcher(signature: string): (line: string) => boolean {
  if (signature.includes('<*>')) {
    const parts = signature.toLowerCase().split('<*>').filter(Boolean);
    return (line) => partsInOrder(parts, line.toLowerCase()) || partsInOrder(parts, statelessFingerprint(line).template.toLowerCase());
  }
  const needle = signature.toLowerCase();
  return (line) => line.toLowerCase().includes(needle);
}

/** Pure: a unit is healthy when active, or a oneshot that finished successfully. */
export function unitVerdict(props: Record<string, string>, unit: string): { status: CheckStatus; message: string } {
  if (props.LoadState === 'not-found') return { status: 'skipped', message: `${unit} is not installed any more` };
  const state = `${props.ActiveState ?? '?'}/${props.SubState ?? '?'}`;
  if (props.ActiveState === 'active' || props.ActiveState === 'reloading') return { status: 'ok', message: `${unit} is ${state}` };
  if (props.ActiveState === 'activating') return { status: 'ok', message: `${unit} is still starting (${state})` };
  if (props.ActiveState === 'inactive' && props.Result === 'success' && (props.Type === 'oneshot' || props.UnitFileState === 'disabled' || props.UnitFileState === 'static')) {
    return { status: 'ok', message: `${unit} is ${state} (finished or not meant to run)` };
  }
  return { status: 'warn', message: `${unit} is ${state}${props.Result && props.Result !== 'success' ? ` (result ${props.Result})` : ''}` };
}

export type ThresholdRunner = (check: string) => Promise<{ status: CheckStatus; metrics: Record<string, number> } | null>;

export interface PatternCheckDeps extends Pick<CheckDeps, 'runCommand' | 'fileExists' | 'systemdRunning'> {
  path: string;
  runThresholdCheck: ThresholdRunner;
}

async function findProgram(program: string, deps: PatternCheckDeps): Promise<string | null> {
  if (program.includes('/')) return (await deps.fileExists(program)) ? program : null;
  for (const dir of deps.path.split(':').filter(Boolean)) {
    const candidate = join(dir, program);
    if (await deps.fileExists(candidate)) return candidate;
  }
  return null;
}

const firstLine = (text: string) => text.trim().split('\n').slice(-3).join(' / ').slice(0, 300);

/** Whether the failure a pattern describes is present now. Nothing here runs through a shell. */
export async function runPatternCheck(check: PatternCheck, deps: PatternCheckDeps): Promise<{ status: CheckStatus; message: string }> {
  const journalOrSystemd = async (argv: string[]) => {
    try {
      return await deps.runCommand(argv, { timeoutMs: 30_000 });
    } catch (err) {
      if (isNotInstalled(err)) return null;
      throw err;
    }
  };
  switch (check.kind) {
    case 'unit-active': {
      if (!(await deps.systemdRunning())) return { status: 'skipped', message: 'systemd is not running' };
      const out = await journalOrSystemd(['systemctl', 'show', check.unit, '-p', 'LoadState,ActiveState,SubState,Result,Type,UnitFileState']);
      if (!out) return { status: 'skipped', message: 'systemctl is not installed' };
      if (out.exitCode !== 0) return { status: 'failed', message: `systemctl show ${check.unit} exited ${out.exitCode}: ${firstLine(out.stderr)}` };
      return unitVerdict(parseShow(out.stdout), check.unit);
    }
    case 'config-test': {
      const program = await findProgram(check.argv[0]!, deps);
      if (!program) return { status: 'skipped', message: `${check.argv[0]} is not installed` };
      const out = await deps.runCommand([program, ...check.argv.slice(1)], { timeoutMs: 30_000 });
      const text = firstLine(`${out.stderr}\n${out.stdout}`);
      return out.exitCode === 0
        ? { status: 'ok', message: `${check.argv.join(' ')} passed` }
        : { status: 'warn', message: `${check.argv.join(' ')} exited ${out.exitCode}: ${text}` };
    }
    case 'journal-absent': {
      const out = await journalOrSystemd(['journalctl', '-b', '0', '--no-pager', '-o', 'cat', '-n', '20000', ...(check.unit ? ['-u', check.unit] : [])]);
      if (!out) return { status: 'skipped', message: 'journalctl is not installed' };
      if (out.exitCode !== 0) return { status: 'skipped', message: `no journal of this boot: ${firstLine(out.stderr)}` };
      const matches = signatureMatcher(check.signature);
      const hit = out.stdout.split('\n').find((l) => l && matches(l));
      return hit
        ? { status: 'warn', message: `seen again since boot${check.unit ? ` in ${check.unit}` : ''}: ${hit.slice(0, 200)}` }
        : { status: 'ok', message: `not seen since boot${check.unit ? ` in ${check.unit}` : ''}` };
    }
    case 'threshold': {
      const result = await deps.runThresholdCheck(check.check);
      const value = result?.metrics[check.metric];
      if (!result || value === undefined) return { status: 'skipped', message: `check ${check.check} has no metric ${check.metric}` };
      const holds = check.op === '<' ? value < check.value : check.op === '<=' ? value <= check.value : check.op === '>' ? value > check.value : value >= check.value;
      return { status: holds ? 'ok' : 'warn', message: `${check.check}.${check.metric} = ${value} (${holds ? 'holds' : 'breaks'} ${check.op} ${check.value})` };
    }
  }
}

/** A short id for a pattern check, for the boot report. */
export function patternCheckId(check: PatternCheck): string {
  switch (check.kind) {
    case 'unit-active':
      return `unit-active:${check.unit}`;
    case 'config-test':
      return `config-test:${check.argv.join(' ')}`;
    case 'journal-absent':
      return `journal-absent:${check.unit ?? '*'}`;
    case 'threshold':
      return `threshold:${check.check}.${check.metric}${check.op}${check.value}`;
  }
}
