// The built-in lists of paths the model may not read or write, shared by the file tools'
// decisions (decidePath) and the command decisions (redirections, tee, cp ...).
import { posix } from 'node:path';
import type { PolicyContext } from './types';
import { isPathWithin } from './path-match';

/** Files whose contents are secrets: never read or written by the model. */
export function isSecretFile(p: string): boolean {
  const base = posix.basename(p);
  if (['/etc/shadow', '/etc/gshadow', '/etc/shadow-', '/etc/gshadow-', '/etc/security/opasswd'].includes(p)) return true;
  if (isPathWithin(p, '/etc/ssl/private') && p !== '/etc/ssl/private') return true;
  if (/^\/etc\/ssh\/ssh_host_[a-z0-9]+_key$/.test(p)) return true;
  // Private SSH keys in any home (~/.ssh/id_rsa, id_ed25519_sk ...), not the .pub halves.
  if (/^id_[a-z0-9_]+$/.test(base) && posix.basename(posix.dirname(p)) === '.ssh') return true;
  if (/^privkey.*\.pem$/.test(base) && isPathWithin(p, '/etc/letsencrypt')) return true;
  if (/\.(key|pem)$/.test(base) && isPathWithin(p, '/etc/ssl/private')) return true;
  return false;
}

/** Directories whose listing alone reveals nothing, but whose entries are secrets. */
export function isSecretDir(p: string): boolean {
  return p === '/etc/ssl/private';
}

/** Writing these grants access or root: never written by the model. */
export function isAccessControlFile(p: string): boolean {
  const base = posix.basename(p);
  if (['/etc/shadow', '/etc/gshadow', '/etc/passwd', '/etc/group', '/etc/sudoers', '/etc/doas.conf'].includes(p)) return true;
  if (isPathWithin(p, '/etc/sudoers.d')) return true;
  if (isPathWithin(p, '/etc/pam.d')) return true;
  if (base === 'authorized_keys' || base === 'authorized_keys2') return true;
  return false;
}

const UNIT_DIRS = ['/etc/systemd', '/lib/systemd', '/usr/lib/systemd', '/run/systemd', '/usr/local/lib/systemd'];

const unitBase = (u: string): string => u.replace(/\.(service|timer|socket|path|target|mount)$/, '');

/** The suite's config, its protected directories and its unit files (incl. drop-ins): never written. */
export function isSuiteFile(p: string, ctx: PolicyContext): boolean {
  if (ctx.configFile && (p === ctx.configFile || isPathWithin(p, posix.dirname(ctx.configFile)))) return true;
  if (ctx.protectedPaths.some((d) => isPathWithin(p, d))) return true;
  if (UNIT_DIRS.some((d) => isPathWithin(p, d))) {
    const names = ctx.suiteUnits.map(unitBase);
    return p
      .split('/')
      .some((seg) => names.some((n) => seg === n || seg.startsWith(n + '.') || seg.startsWith(n + '@')));
  }
  return false;
}

/** Kernel and device interfaces: writing them through a file tool is never what an operator means. */
export function isKernelInterface(p: string): boolean {
  return ['/proc', '/sys', '/dev'].some((d) => isPathWithin(p, d));
}

const STARTUP_FILES = new Set(['.bashrc', '.profile', '.bash_profile', '.bash_login', '.bash_logout', '.zshrc', '.zprofile', '.zshenv', '.zlogin', '.kshrc', '.cshrc', '.tcshrc', '.login', '.xprofile', '.xsessionrc', '.pam_environment']);

/** Files a login or shell start runs or trusts: writing them plants commands for later. */
export function isStartupFile(p: string): boolean {
  const base = posix.basename(p);
  if (STARTUP_FILES.has(base)) return true;
  // ~/.ssh/config (ProxyCommand), ~/.ssh/rc, ~/.ssh/environment.
  if (posix.basename(posix.dirname(p)) === '.ssh' && ['config', 'rc', 'environment'].includes(base)) return true;
  return p.includes('/.config/autostart/') || p.includes('/.config/systemd/');
}

/** Locations where a write changes the system's configuration or software: ask the human. */
export const SYSTEM_WRITE_ROOTS = ['/etc', '/boot', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/var/lib/dpkg', '/var/spool/cron', '/snap'];

export function isSystemLocation(p: string): boolean {
  return SYSTEM_WRITE_ROOTS.some((d) => isPathWithin(p, d));
}
