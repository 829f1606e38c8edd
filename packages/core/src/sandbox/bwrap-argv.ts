import type { SandboxPlan } from './sandbox-plan';

/** What one sandboxed run needs besides the plan. */
export interface SandboxRun {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface BwrapBinaries {
  bwrap: string;
  prlimit: string;
  setpriv: string;
}

/**
 * Pure: the bubblewrap command line, for hosts where systemd is not PID 1. As root it first drops to
 * the sandbox user (setpriv), so that unix permissions refuse what the mounts leave open; the limits
 * come from prlimit and are rlimits, not a cgroup: RLIMIT_AS caps the address space of each
 * process (not their sum), and RLIMIT_NPROC counts every process of that uid on the host.
 */
export function bwrapArgv(plan: SandboxPlan, run: SandboxRun, asRoot: boolean, bin: BwrapBinaries): string[] {
  const limits = [bin.prlimit, `--as=${plan.memoryMaxBytes}`, `--nproc=${plan.tasksMax}`, '--core=0', '--'];
  const drop = asRoot
    ? [
        bin.setpriv, `--reuid=${plan.user.uid}`, `--regid=${plan.user.gid}`,
        plan.groups.length ? `--groups=${plan.groups.map((g) => g.gid).join(',')}` : '--clear-groups',
        '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--',
      ]
    : [];
  const mounts = ['--ro-bind', '/', '/', '--dev', '/dev', '--tmpfs', '/tmp'];
  for (const w of plan.writable) mounts.push('--bind', w, w);
  for (const h of plan.hidden) {
    if (h.kind === 'dir') mounts.push('--perms', '0000', '--tmpfs', h.path, '--remount-ro', h.path);
    else if (h.kind === 'file') mounts.push('--ro-bind', '/dev/null', h.path);
  }
  const env = Object.entries(run.env).flatMap(([k, v]) => ['--setenv', k, v]);
  // No --proc: the host's /proc stays visible (ps aux), and another uid's /proc/N/root and environ
  // stay closed by the kernel's ptrace check. The pid namespace makes one kill reach every
  // descendant, even one that left the process group; no --new-session, so the group stays ours.
  const ns = ['--unshare-user', '--disable-userns', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup', '--die-with-parent', '--cap-drop', 'ALL'];
  return [...limits, ...drop, bin.bwrap, ...mounts, ...ns, '--clearenv', ...env, '--chdir', run.cwd, '--', ...run.argv];
}
