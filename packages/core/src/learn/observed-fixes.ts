import * as z from 'zod';
import type { Incident } from '../state/schemas';

// Fixes learned from what was done: when an incident clears (or is resolved without commands), the
// changing tool calls the MCP audit log holds between its opening and its end are candidate fixes.
// Pure; the audit log is read by audit-actions.ts.

/** A change made on the host through a tool call. */
export interface HostAction {
  time: string;
  /** What was done, as a fix's action: a command line, or "write_file <path>". */
  action: string;
  /** Commands that repeat it; empty when it is not a command (a file write). */
  commands: string[];
  /** Units, paths and packages it touched, to judge which incident it belongs to. */
  subjects: string[];
}

export interface ObservedFix {
  action: string;
  commands: string[];
  /** How sure the attribution is: same subject 0.9, the only changes made meanwhile 0.5. */
  confidence: number;
}

/** The audit line fields read (mcp-server/src/audit/audit-log.ts writes them). */
export const AuditEntrySchema = z.looseObject({
  time: z.string(),
  tool: z.string(),
  args: z.unknown(),
  decision: z.string().optional(),
  exitCode: z.number().nullable().optional(),
  isError: z.boolean(),
});
export type AuditEntryFields = z.infer<typeof AuditEntrySchema>;

const MAX_COMMANDS = 10;
const MAX_UNRELATED = 3;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * Pure: the change an audited tool call made, or null for a call that changed nothing: refused,
 * failed, read-only, or run_command in its sandbox (which cannot change the host; `host: true` can).
 */
export function hostActionOf(e: AuditEntryFields): HostAction | null {
  if (e.isError || (e.decision !== undefined && e.decision !== 'allow') || (e.exitCode != null && e.exitCode !== 0)) return null;
  const args = (e.args ?? {}) as Record<string, unknown>;
  switch (e.tool) {
    case 'service_action': {
      const unit = str(args.unit);
      const action = str(args.action);
      if (!unit || !action) return null;
      const full = unit.includes('.') ? unit : `${unit}.service`;
      return { time: e.time, action: `systemctl ${action} ${full}`, commands: [`systemctl ${action} ${full}`], subjects: [full] };
    }
    case 'write_file': {
      const path = str(args.path);
      return path ? { time: e.time, action: `write_file ${path}`, commands: [], subjects: [path] } : null;
    }
    case 'package_action': {
      const action = str(args.action);
      const packages = Array.isArray(args.packages) ? args.packages.filter((p): p is string => typeof p === 'string') : [];
      if (!action) return null;
      const command = `apt-get ${action}${action === 'update' ? '' : ' -y'}${packages.length ? ` ${packages.join(' ')}` : ''}`;
      return { time: e.time, action: command, commands: [command], subjects: packages };
    }
    case 'run_command': {
      if (args.host !== true) return null;
      const command = str(args.command) ?? (Array.isArray(args.argv) ? args.argv.filter((a) => typeof a === 'string').join(' ') : null);
      return command ? { time: e.time, action: command, commands: [command], subjects: [] } : null;
    }
    default:
      return null;
  }
}

const unitBase = (s: string): string => s.replace(/\.service$/, '').replace(/^oom:/, '');

/** Pure: whether an action touched what an incident is about (its unit, a path under it, or names it). */
export function touches(action: HostAction, subject: string): boolean {
  if (subject.startsWith('/')) {
    // "/" is the whole host: only a path subject deeper than the root says anything.
    if (subject === '/') return false;
    return action.subjects.some((s) => s === subject || s.startsWith(`${subject.replace(/\/$/, '')}/`)) || action.action.includes(subject);
  }
  const base = unitBase(subject);
  if (base.length < 2) return false;
  if (action.subjects.some((s) => unitBase(s) === base)) return true;
  const word = new RegExp(`(^|[^\\w.@-])${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.service)?($|[^\\w@-])`);
  return word.test(action.action);
}

/**
 * Pure: the fix an incident's clearing teaches, from the changes made while it was open (after it
 * opened, up to `until`): those that touched its subject, in order (0.9); with none, the changes
 * made meanwhile when there were few (0.5); else nothing.
 */
export function observedFix(incident: Pick<Incident, 'time' | 'subject'>, actions: readonly HostAction[], until: string): ObservedFix | null {
  const during = actions.filter((a) => a.time >= incident.time && a.time <= until);
  if (!during.length) return null;
  const related = incident.subject ? during.filter((a) => touches(a, incident.subject!)) : [];
  const chosen = related.length ? related : during.length <= MAX_UNRELATED ? during : [];
  if (!chosen.length) return null;
  const steps = chosen.slice(-MAX_COMMANDS);
  return {
    action: steps.map((a) => a.action).join(' && '),
    commands: steps.flatMap((a) => a.commands),
    confidence: related.length ? 0.9 : 0.5,
  };
}
