// What package_action runs: the exact apt-get argv and environment. Pure; the tool does the I/O.

export const PACKAGE_ACTIONS = ['update', 'install', 'remove', 'upgrade'] as const;
export type PackageAction = (typeof PACKAGE_ACTIONS)[number];

/**
 * A Debian package name (policy §5.6.1: lower case letters, digits, + - ., two or more, starting
 * alphanumeric), optionally :arch and =version. Never ending in -: apt reads `install foo-` as
 * "remove foo" (checked: apt 2.6), and a name from the model never gets to change the verb.
 */
export const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]*[a-z0-9+.](:[a-z0-9][a-z0-9-]*)?(=[A-Za-z0-9.+~:-]+)?$/;

/** A local .deb by absolute path, in plain characters (it is shown to the human who approves it). */
export const DEB_PATH = /^\/[A-Za-z0-9._+~@:/-]*\.deb$/;

/**
 * Pure: why one entry of `packages` is refused for an action, or null when it is fine. The error
 * names the entry, as the model sent it.
 */
export function packageProblem(action: PackageAction, spec: string): string | null {
  const shown = JSON.stringify(spec);
  if (spec.startsWith('/')) {
    if (action !== 'install') return `${shown}: a .deb file can only be installed`;
    return DEB_PATH.test(spec) ? null : `${shown}: a local package must be an absolute path ending in .deb, in letters, digits and ._+~@:/- only`;
  }
  if (spec.endsWith('.deb')) return `${shown}: give a local package as an absolute path`;
  if (!PACKAGE_NAME.test(spec)) {
    if (spec.startsWith('-')) return `${shown}: options are not accepted, only package names (name[:arch][=version]) or /path/to/file.deb`;
    return `${shown} is not a Debian package name (lower case letters, digits, + - ., optionally :arch and =version, not ending in -)`;
  }
  // apt reads `remove foo+` as "install foo" when no package is called foo+.
  if (action === 'remove' && /\+(:|$)/.test(spec)) return `${shown}: a name ending in + is not removed by this tool (apt could read it as "install"); remove it by hand`;
  if (action === 'remove' && spec.includes('=')) return `${shown}: remove takes no version`;
  return null;
}

export interface AptSettings {
  /** mcp.packageInstallRecommends: false adds --no-install-recommends to install. */
  installRecommends: boolean;
}

/**
 * Pure: the argv (with "apt-get" first, as the policy and the human see it) for an action whose
 * packages were validated. `--` ends the options, so no package can be read as one. install never
 * removes a package to make room (--no-remove): that would be more than the human approved.
 */
export function aptArgv(action: PackageAction, packages: string[], settings: AptSettings): string[] {
  // The verb first, as config rules are written ("apt-get install **"); apt takes options after it.
  switch (action) {
    case 'update':
      return ['apt-get', 'update', '-q'];
    case 'upgrade':
      return ['apt-get', 'upgrade', '-y', '-q'];
    case 'install':
      return ['apt-get', 'install', '-y', '-q', '--no-remove', ...(settings.installRecommends ? [] : ['--no-install-recommends']), '--', ...packages];
    case 'remove':
      return ['apt-get', 'remove', '-y', '-q', '--', ...packages];
  }
}

/**
 * The environment apt-get runs with, fixed here and never taken from the model: no prompts (debconf
 * takes the defaults; a changed config file keeps the local version), no listchanges pager, and
 * needrestart only lists what needs a restart instead of restarting services itself.
 */
export const APT_ENV: Record<string, string> = {
  DEBIAN_FRONTEND: 'noninteractive',
  APT_LISTCHANGES_FRONTEND: 'none',
  NEEDRESTART_MODE: 'l',
  UCF_FORCE_CONFFOLD: '1',
  // dpkg's own defaults (security-mac, downgrade) plus: keep changed config files, no question.
  DPKG_FORCE: 'security-mac,downgrade,confdef,confold',
};

/** Pure: apt or dpkg could not get their lock (another apt, dpkg or unattended-upgrades is running). */
export function isLockContention(output: string): boolean {
  return /Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory|is another process using it\?/i.test(output);
}

/** Pure: dpkg was stopped half-way before; only a human's `dpkg --configure -a` mends it. */
export function dpkgInterrupted(output: string): boolean {
  return /dpkg was interrupted/i.test(output);
}

/** Pure: apt's "N upgraded, N newly installed, N to remove and N not upgraded." line, if any. */
export function aptSummary(stdout: string): string | null {
  const m = /^\d+ upgraded, \d+ newly installed, \d+ to remove and \d+ not upgraded\.$/m.exec(stdout);
  return m ? m[0] : null;
}

/** Pure: the last `n` non-empty lines of apt's output, stderr after stdout (apt prints its E: lines there). */
export function lastLines(stdout: string, stderr: string, n: number): string[] {
  return [...stdout.split('\n'), ...stderr.split('\n')].map((l) => l.trimEnd()).filter(Boolean).slice(-n);
}
