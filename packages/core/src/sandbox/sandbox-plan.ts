import { posix } from 'node:path';
import { parseByteSize, type SandboxConfig } from './sandbox-config';
import { builtinSecretPaths, type SuiteSecrets } from './secret-paths';

/** Everything a backend needs to build its command line; resolved again for each command (open-sandbox.ts). */
export interface SandboxPlan {
  /** Writable besides the private /tmp: existing directories only. Empty in read-only mode. */
  writable: string[];
  /**
   * Secrets to hide. `kind` tells bubblewrap whether to mount an empty directory or an empty file
   * over it; null: absent when planned (a per-command unit still names it). A persistent sandbox
   * is replaced when this list changes, so a secret made later is hidden from the next command.
   */
  hidden: Array<{ path: string; kind: 'dir' | 'file' | null }>;
  memoryMax: string;
  memoryMaxBytes: number;
  tasksMax: number;
  /** Who commands run as: the dedicated ldm-sandbox system user setup creates, else nobody. */
  user: SandboxUser;
  /** Supplementary groups that may read logs (adm, systemd-journal), those that exist on this host. */
  groups: Array<{ name: string; gid: number }>;
  /** A backstop against a unit the server lost track of (systemd RuntimeMaxSec=). */
  runtimeMaxSec: number;
  /**
   * Whether systemd can enforce MemoryMax= and TasksMax= here (cgroup v2 with the memory and pids
   * controllers). Without them (cgroup v1 hosts, some containers) the caps fall back to rlimits.
   */
  cgroupCaps: boolean;
}

/** The few reads the plan needs; tests point them at a fixture. */
export interface PlanDeps {
  /** 'dir', 'file', or null when the path does not exist. */
  kind(path: string): Promise<'dir' | 'file' | null>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<string>;
}

const LOG_GROUPS = ['adm', 'systemd-journal'];

export interface SandboxUser {
  name: string;
  uid: number;
  gid: number;
}

/** The user scripts/setup_mcp.sh creates for the sandbox alone (no other daemon shares its uid). */
export const SANDBOX_USER = 'ldm-sandbox';
const NOBODY: SandboxUser = { name: 'nobody', uid: 65534, gid: 65534 };

/** Pure: ldm-sandbox from /etc/passwd text when it is there, else nobody. */
export function sandboxUserFrom(etcPasswd: string): SandboxUser {
  for (const line of etcPasswd.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === SANDBOX_USER && /^\d+$/.test(uid ?? '') && /^\d+$/.test(gid ?? '') && Number(uid) !== 0) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return NOBODY;
}

/** Pure: gid of each named group in /etc/group text, those that exist. */
export function groupsFrom(etcGroup: string, names: string[]): Array<{ name: string; gid: number }> {
  const out: Array<{ name: string; gid: number }> = [];
  for (const line of etcGroup.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && names.includes(name) && /^\d+$/.test(gid ?? '')) out.push({ name, gid: Number(gid) });
  }
  return out;
}

/** Resolves the config into a plan: which secrets exist here, which groups, which writable paths. */
export async function planSandbox(
  config: SandboxConfig,
  mode: 'standard' | 'read-only' | 'unrestricted',
  suite: SuiteSecrets,
  runtimeMaxSec: number,
  deps: PlanDeps,
): Promise<SandboxPlan> {
  const listing = (dir: string) => deps.readdir(dir).catch(() => [] as string[]);
  const [homes, ssh, etcGroup, etcPasswd, controllers] = await Promise.all([
    listing('/home'),
    listing('/etc/ssh'),
    deps.readFile('/etc/group').catch(() => ''),
    deps.readFile('/etc/passwd').catch(() => ''),
    deps.readFile('/sys/fs/cgroup/cgroup.controllers').catch(() => ''),
  ]);
  const secrets = [...new Set([...builtinSecretPaths(suite, homes, ssh), ...config.hiddenPaths.map((p) => posix.normalize(p))])];
  const kinds = await Promise.all(secrets.map(async (path) => ({ path, kind: await deps.kind(path).catch(() => null) })));
  const writable = mode === 'read-only' ? [] : config.writablePaths.map((p) => posix.normalize(p));
  const writableKinds = await Promise.all(writable.map(async (p) => ({ p, kind: await deps.kind(p).catch(() => null) })));
  const missing = writableKinds.filter((w) => w.kind !== 'dir').map((w) => w.p);
  if (missing.length) throw new Error(`policy.sandbox.writablePaths must name existing directories; not one: ${missing.join(', ')}`);
  return {
    writable,
    hidden: kinds,
    memoryMax: config.memoryMax,
    memoryMaxBytes: parseByteSize(config.memoryMax),
    tasksMax: config.tasksMax,
    user: sandboxUserFrom(etcPasswd),
    groups: groupsFrom(etcGroup, LOG_GROUPS),
    runtimeMaxSec,
    cgroupCaps: /\bmemory\b/.test(controllers) && /\bpids\b/.test(controllers),
  };
}
