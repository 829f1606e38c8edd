// What no sandboxed command may read, whatever its uid: hidden by the sandbox (InaccessiblePaths=,
// or an empty file or directory mounted over it), not merely refused by a parser.
import { posix } from 'node:path';

/** The suite's own places: its config (with the HTTP token) and its state (with pending approvals). */
export interface SuiteSecrets {
  configDir: string;
  stateDir: string;
  /** Secret files the config names outside the config dir (notification URLs, tokens, passwords). */
  files?: string[];
}

const FIXED = [
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/shadow-',
  '/etc/gshadow-',
  '/etc/security/opasswd',
  '/etc/ssl/private',
  '/etc/letsencrypt/archive',
  '/etc/letsencrypt/keys',
  '/root',
];

/**
 * Pure: the built-in secret paths. `homes` are the directories under /home and `sshEntries` the
 * names in /etc/ssh, both listed at start-up: a home's .ssh and the host's private keys are hidden,
 * while sshd_config and the .pub halves stay readable.
 */
export function builtinSecretPaths(suite: SuiteSecrets, homes: string[], sshEntries: string[]): string[] {
  const keys = sshEntries.filter((n) => /^ssh_host_[a-z0-9]+_key$/.test(n)).map((n) => `/etc/ssh/${n}`);
  const dotSsh = homes.filter((h) => h && !h.includes('/')).map((h) => `/home/${h}/.ssh`);
  return unique([...FIXED, ...keys, ...dotSsh, suite.configDir, suite.stateDir, ...(suite.files ?? [])].map((p) => posix.normalize(p)).filter((p) => p !== '/'));
}

function unique(paths: string[]): string[] {
  return [...new Set(paths)];
}
