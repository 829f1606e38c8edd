import type { SandboxPlan } from './sandbox-plan';
import type { SandboxRun } from './bwrap-argv';

/** Quotes a path for a -p assignment the way systemd unquotes it (only when it has to). */
function unitPath(prefix: string, path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? `${prefix}${path}` : `"${prefix}${path.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** systemd expands $VAR and ${VAR} in a unit's command line; `$$` is a literal `$`. */
export function escapeUnitArg(arg: string): string {
  return arg.replace(/\$/g, '$$$$');
}

// The hardening of every model command. A real system user (ldm-sandbox, else nobody) rather than
// DynamicUser=yes: a dynamic uid that NSS cannot resolve (no libnss-systemd, as in Debian's minimal
// images) is refused by dbus-daemon, and `systemctl status` is an everyday read. The rest is what
// DynamicUser= would imply, plus more. Group= is left out: the user's own primary group.
const HARDENING = [
  'AmbientCapabilities=',
  'CapabilityBoundingSet=',
  'LockPersonality=yes',
  'MemorySwapMax=0',
  'NoNewPrivileges=yes',
  'PrivateDevices=yes',
  'PrivateTmp=yes',
  'ProtectClock=yes',
  'ProtectControlGroups=yes',
  'ProtectHome=read-only',
  'ProtectHostname=yes',
  'ProtectKernelLogs=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelTunables=yes',
  // ps aux is an everyday read: other processes stay listed; their /proc/N/root, environ and fds
  // stay closed to another uid by the kernel's ptrace check.
  'ProtectProc=default',
  'ProtectSystem=strict',
  'RestrictNamespaces=yes',
  'RestrictRealtime=yes',
  'RestrictSUIDSGID=yes',
  'SystemCallArchitectures=native',
  // Commands share one uid (and, in the persistent sandbox, one unit with the helper that starts
  // them): no ptrace, process_vm_readv or perf between them, so one cannot read or steer another.
  'SystemCallFilter=~@debug',
  'SystemCallErrorNumber=EPERM',
  'TimeoutStopSec=2s',
  'UMask=0077',
];

/**
 * Pure: the systemd-run command line that runs `run` in a transient, hardened unit and passes its
 * stdin, stdout and stderr through (--pipe). systemd-run is not --quiet: its report of how the unit
 * ended (systemd-run-report.ts) is the only faithful exit status and signal.
 */
export function systemdRunArgv(plan: SandboxPlan, run: SandboxRun, unit: string, systemdRun = 'systemd-run'): string[] {
  const props = containment(plan);
  props.push(`MemoryMax=${plan.memoryMax}`, `TasksMax=${plan.tasksMax}`, `RuntimeMaxSec=${plan.runtimeMaxSec}`);
  if (!plan.cgroupCaps) props.push(`LimitAS=${plan.memoryMaxBytes}`, `LimitNPROC=${plan.tasksMax}`);
  props.push(`WorkingDirectory=${run.cwd}`);
  const env = Object.entries(run.env).map(([k, v]) => `--setenv=${k}=${v}`);
  return [
    systemdRun, '--pipe', '--wait', '--collect', '--service-type=exec', `--unit=${unit}`, '--description=ldm model command',
    ...props.flatMap((p) => ['-p', p]), ...env, '--', ...run.argv.map(escapeUnitArg),
  ];
}

/** Room for the helper itself (one Node process) on top of the commands' own cap. */
export const HELPER_MEMORY_BYTES = 96 * 1024 ** 2;
const HELPER_TASKS = 32;

/**
 * Pure: the systemd-run command line of the persistent sandbox (persistent-sandbox.ts): the same
 * containment as a command's own unit, around one helper that starts the commands. All its
 * commands together stay under the unit's caps; each one also has its own (command-cgroup.ts, or
 * rlimits). No RuntimeMaxSec=: the unit ends with the server (the helper exits when its stdin closes).
 */
export function helperUnitArgv(plan: SandboxPlan, unit: string, helper: string[], systemdRun = 'systemd-run'): string[] {
  const props = containment(plan);
  props.push('Delegate=yes', `MemoryMax=${plan.memoryMaxBytes + HELPER_MEMORY_BYTES}`, `TasksMax=${plan.tasksMax + HELPER_TASKS}`, 'WorkingDirectory=/');
  return [
    systemdRun, '--pipe', '--wait', '--collect', '--quiet', '--service-type=exec', `--unit=${unit}`, '--description=ldm model command sandbox',
    ...props.flatMap((p) => ['-p', p]), '--setenv=PATH=/usr/sbin:/usr/bin:/sbin:/bin', '--', ...helper.map(escapeUnitArg),
  ];
}

function containment(plan: SandboxPlan): string[] {
  const props = [`User=${plan.user.name}`, ...HARDENING];
  if (plan.groups.length) props.push(`SupplementaryGroups=${plan.groups.map((g) => g.name).join(' ')}`);
  for (const h of plan.hidden) props.push(`InaccessiblePaths=${unitPath('-', h.path)}`);
  for (const w of plan.writable) props.push(`ReadWritePaths=${unitPath('-', w)}`);
  return props;
}
