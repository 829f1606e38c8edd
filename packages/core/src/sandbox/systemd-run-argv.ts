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

// The hardening of every model command. User=nobody rather than DynamicUser=yes: a dynamic uid that
// NSS cannot resolve (no libnss-systemd, as in Debian's minimal images) is refused by dbus-daemon,
// and `systemctl status` is an everyday read. The rest is what DynamicUser= would imply, plus more.
const HARDENING = [
  'User=nobody',
  'Group=nogroup',
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
  'TimeoutStopSec=2s',
  'UMask=0077',
];

/**
 * Pure: the systemd-run command line that runs `run` in a transient, hardened unit and passes its
 * stdin, stdout and stderr through (--pipe). systemd-run is not --quiet: its report of how the unit
 * ended (systemd-run-report.ts) is the only faithful exit status and signal.
 */
export function systemdRunArgv(plan: SandboxPlan, run: SandboxRun, unit: string, systemdRun = 'systemd-run'): string[] {
  const props = [...HARDENING];
  if (plan.groups.length) props.push(`SupplementaryGroups=${plan.groups.map((g) => g.name).join(' ')}`);
  props.push(`MemoryMax=${plan.memoryMax}`, `TasksMax=${plan.tasksMax}`, `RuntimeMaxSec=${plan.runtimeMaxSec}`);
  if (!plan.cgroupCaps) props.push(`LimitAS=${plan.memoryMaxBytes}`, `LimitNPROC=${plan.tasksMax}`);
  for (const h of plan.hidden) props.push(`InaccessiblePaths=${unitPath('-', h.path)}`);
  for (const w of plan.writable) props.push(`ReadWritePaths=${unitPath('-', w)}`);
  props.push(`WorkingDirectory=${run.cwd}`);
  const env = Object.entries(run.env).map(([k, v]) => `--setenv=${k}=${v}`);
  return [
    systemdRun, '--pipe', '--wait', '--collect', '--service-type=exec', `--unit=${unit}`, '--description=ldm model command',
    ...props.flatMap((p) => ['-p', p]), ...env, '--', ...run.argv.map(escapeUnitArg),
  ];
}
