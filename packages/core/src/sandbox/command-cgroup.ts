// Each command in the persistent sandbox gets its own cgroup inside the sandbox unit's delegated
// subtree (Delegate=yes), made and written by the server, as root, from outside: the unit sees
// /sys/fs/cgroup read-only (ProtectControlGroups=yes), so no command can leave or widen its own.
// The cgroup is what a timeout or job_kill kills (cgroup.kill: also what left the process group),
// and, where the memory and pids controllers exist (cgroup v2), what holds the caps.
import { join } from 'node:path';

/** The few cgroupfs operations; tests point them at a plain directory. */
export interface CgroupFs {
  mkdir(path: string): Promise<void>;
  write(path: string, text: string): Promise<void>;
  read(path: string): Promise<string>;
  rmdir(path: string): Promise<void>;
}

export interface CommandCaps {
  memoryMaxBytes: number;
  tasksMax: number;
}

/** Pure: the unit's cgroup under the v2 mount, from /proc/PID/cgroup of a process in it. */
export function unitCgroupDir(procCgroup: string, v2Mount: string): string {
  const line = procCgroup.split('\n').find((l) => l.startsWith('0::'));
  const rel = line?.slice(3).trim();
  if (!rel || !rel.startsWith('/') || rel.split('/').includes('..')) throw new Error(`no cgroup v2 path in /proc/PID/cgroup: ${JSON.stringify(procCgroup.slice(0, 300))}`);
  return join(v2Mount, rel);
}

/** Pure: whether memory.events says the OOM killer acted in the cgroup. */
export function oomKilled(memoryEvents: string): boolean {
  return Number(/^oom_kill (\d+)$/m.exec(memoryEvents)?.[1] ?? 0) > 0;
}

const RMDIR_TRIES = 50;

export class CommandCgroups {
  constructor(
    readonly unitDir: string,
    private readonly fs: CgroupFs,
    /** null: no memory/pids controllers here (cgroup v1 hosts); the caps are rlimits instead. */
    private readonly caps: CommandCaps | null,
    /** The cgroup directory a pid is in now (from /proc/PID/cgroup). */
    private readonly cgroupOf: (pid: number) => Promise<string>,
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Moves the helper into a leaf of its own: v2 allows controllers for children only of a cgroup without processes. */
  async adoptHelper(pid: number): Promise<void> {
    const leaf = join(this.unitDir, 'helper');
    await this.fs.mkdir(leaf);
    await this.fs.write(join(leaf, 'cgroup.procs'), String(pid));
    if (this.caps) await this.fs.write(join(this.unitDir, 'cgroup.subtree_control'), '+memory +pids');
  }

  /** A fresh cgroup for command `id`, with its caps. */
  async create(id: number): Promise<string> {
    const dir = join(this.unitDir, `c${id}`);
    await this.fs.mkdir(dir);
    if (this.caps) {
      await this.fs.write(join(dir, 'memory.max'), String(this.caps.memoryMaxBytes));
      await this.fs.write(join(dir, 'memory.swap.max'), '0').catch(() => {}); // absent without swap accounting
      await this.fs.write(join(dir, 'memory.oom.group'), '1');
      await this.fs.write(join(dir, 'pids.max'), String(this.caps.tasksMax));
    }
    return dir;
  }

  /**
   * Moves a new command's pid into its cgroup. The pid comes from the helper, which shares a uid
   * with the commands and so could be made to lie: only a process still in the helper's own leaf
   * (started by it, not yet placed) is moved, never any other process of the host.
   */
  async place(dir: string, pid: number): Promise<void> {
    const now = await this.cgroupOf(pid).catch(() => null);
    if (now !== join(this.unitDir, 'helper')) throw new Error(`pid ${pid} is not a process the sandbox helper started (its cgroup is ${now ?? 'unknown'})`);
    await this.fs.write(join(dir, 'cgroup.procs'), String(pid));
  }

  /** SIGKILL to everything in the cgroup; never rejects (the cgroup may be gone already). */
  kill(dir: string): Promise<void> {
    return this.fs.write(join(dir, 'cgroup.kill'), '1').catch(() => {});
  }

  async oomKilled(dir: string): Promise<boolean> {
    if (!this.caps) return false;
    return oomKilled(await this.fs.read(join(dir, 'memory.events')).catch(() => ''));
  }

  /** Kills what is left and removes the cgroup once it is empty (bounded: about a second). */
  async remove(dir: string): Promise<void> {
    await this.kill(dir);
    for (let i = 0; i < RMDIR_TRIES; i++) {
      try {
        await this.fs.rmdir(dir);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return;
        if (code !== 'EBUSY' || i === RMDIR_TRIES - 1) throw new Error(`couldn't remove the command cgroup ${dir}`, { cause: err });
        await this.wait(20);
      }
    }
  }
}
