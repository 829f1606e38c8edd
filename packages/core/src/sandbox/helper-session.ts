import type { Readable, Writable } from 'node:stream';
import { TailBuffer } from '../exec/tail-buffer';
import type { ProcessExit, ProcessHandle, StartOptions } from '../exec/start-process';
import type { CommandCgroups } from './command-cgroup';
import { encodeRequest, FRAME_EVENT, FRAME_STDOUT, FrameDecoder, type HelperEvent, type HelperRequest } from './helper-protocol';

/** The helper as the server sees it: its unit's client process (systemd-run --pipe), or in tests node itself. */
export interface HelperProcess {
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  once(event: 'close', listener: () => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

interface Entry {
  stdout: TailBuffer;
  stderr: TailBuffer;
  events: HelperEvent[];
  wake: (() => void) | null;
}

/** What a command needs from a session besides its options. */
export interface SessionDeps {
  /** The command cgroups, set up once the helper said hello with its pid. */
  cgroups(helperPid: number): Promise<CommandCgroups>;
  /** Argv prefix that sets a command's own rlimits where there is no cgroup to hold its caps (prlimit ...), else []. */
  limitPrefix: string[];
  env: Record<string, string>;
  /** How long the helper may take to say hello (a cold unit plus a Node start). */
  readyTimeoutMs: number;
  /** Adds what the cap explains to an exit (allocationFailed). */
  explain(exit: ProcessExit, stderr: string, oomKilled: boolean): ProcessExit;
}

/**
 * One running helper and the commands it runs for the server. Commands are multiplexed over its
 * pipes by id; each has its own cgroup, so a kill or a cap reaches exactly that command.
 */
export class HelperSession {
  private readonly entries = new Map<number, Entry>();
  private readonly decoder = new FrameDecoder();
  private seq = 0;
  private running = 0;
  private retired = false;
  private deadReason: string | null = null;
  readonly ready: Promise<CommandCgroups>;

  constructor(
    /** Identifies the plan the unit was started with; a different plan needs a new session. */
    readonly key: string,
    private readonly child: HelperProcess,
    private readonly deps: SessionDeps,
  ) {
    const hello = this.entry(0);
    let stderrTail = '';
    child.stderr?.on('data', (b: Buffer) => (stderrTail = (stderrTail + b.toString()).slice(-2000)));
    child.stdout?.on('data', (chunk: Buffer) => {
      try {
        for (const f of this.decoder.push(chunk)) {
          const e = this.entries.get(f.id);
          if (!e) continue;
          if (f.kind === FRAME_EVENT) this.deliver(e, f.event);
          else (f.kind === FRAME_STDOUT ? e.stdout : e.stderr).push(f.data);
        }
      } catch (err) {
        this.die((err as Error).message);
        child.kill('SIGKILL');
      }
    });
    child.stdin?.on('error', () => {});
    child.once('close', () => this.die(`the sandbox helper ended${stderrTail.trim() ? `: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
    this.ready = (async () => {
      const first = await Promise.race([
        this.nextEvent(0),
        new Promise<HelperEvent>((r) => setTimeout(() => r({ ev: 'error', message: `the sandbox helper did not start within ${deps.readyTimeoutMs} ms` }), deps.readyTimeoutMs).unref()),
      ]);
      this.entries.delete(0);
      if (first.ev !== 'hello') throw new Error(first.ev === 'error' ? first.message : `the sandbox helper began with ${first.ev}, not hello`);
      return deps.cgroups(first.pid);
    })();
    this.ready.catch(() => this.close());
    void hello;
  }

  get dead(): boolean {
    return this.deadReason !== null;
  }

  /** No new commands; the helper (and its unit) end once the running ones have. */
  retire(): void {
    this.retired = true;
    if (this.running === 0) this.close();
  }

  private close(): void {
    this.child.stdin?.end();
  }

  private entry(id: number, maxBytes = 64): Entry {
    const e: Entry = { stdout: new TailBuffer(maxBytes), stderr: new TailBuffer(maxBytes), events: [], wake: null };
    this.entries.set(id, e);
    return e;
  }

  private deliver(e: Entry, ev: HelperEvent): void {
    e.events.push(ev);
    e.wake?.();
  }

  private die(reason: string): void {
    if (this.deadReason) return;
    this.deadReason = reason;
    for (const e of this.entries.values()) this.deliver(e, { ev: 'error', message: reason, code: 'EHELPER' });
  }

  private async nextEvent(id: number): Promise<HelperEvent> {
    const e = this.entries.get(id)!;
    while (!e.events.length) await new Promise<void>((r) => (e.wake = r));
    e.wake = null;
    return e.events.shift()!;
  }

  private send(req: HelperRequest): void {
    if (this.deadReason) return;
    this.child.stdin?.write(encodeRequest(req));
  }

  /** Starts one command in the sandbox; the handle behaves as startProcess's does. */
  run(options: StartOptions, cwd: string): ProcessHandle {
    const id = ++this.seq;
    const started = Date.now();
    const e = this.entry(id, options.maxBufferBytes);
    const grace = options.killGraceMs ?? 2000;
    this.running++;
    let pid: number | undefined;
    let cgroup: string | undefined;
    let cgroups: CommandCgroups | undefined;
    let killAt: number | null = null;
    let outcome: ProcessExit | null = null;
    const failed = (message: string, code?: string): ProcessExit => ({
      exitCode: null, signal: null, durationMs: Date.now() - started, spawnError: message, ...(code ? { spawnErrorCode: code } : {}),
    });
    const hardKill = () => {
      if (cgroup && cgroups) void cgroups.kill(cgroup);
      this.send({ t: 'kill', id, signal: 'SIGKILL' });
    };
    const softKill = () => {
      this.send({ t: 'kill', id, signal: 'SIGTERM' });
      setTimeout(() => !outcome && hardKill(), grace).unref();
    };
    const lifecycle = async (): Promise<ProcessExit> => {
      try {
        cgroups = await this.ready;
      } catch (err) {
        return failed(`couldn't start the sandbox: ${(err as Error).message}`, 'ESANDBOX');
      }
      if (this.deadReason) return failed(`couldn't run the command: ${this.deadReason}`, 'ESANDBOX');
      cgroup = await cgroups.create(id);
      this.send({ t: 'run', id, argv: [...this.deps.limitPrefix, ...options.argv], cwd, env: this.deps.env, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) });
      const spawned = await this.nextEvent(id);
      if (spawned.ev === 'error') return failed(spawned.message, spawned.code);
      if (spawned.ev !== 'spawned') return failed(`the sandbox helper answered ${spawned.ev} to a new command`, 'ESANDBOX');
      pid = spawned.pid;
      try {
        await cgroups.place(cgroup, pid);
      } catch (err) {
        hardKill();
        await this.nextEvent(id);
        return failed(`couldn't place the command in its cgroup: ${(err as Error).message}`, 'ESANDBOX');
      }
      this.send({ t: 'go', id });
      if (killAt !== null) softKill();
      const end = await this.nextEvent(id);
      if (end.ev !== 'exit') return failed(end.ev === 'error' ? end.message : `the sandbox helper answered ${end.ev}`, end.ev === 'error' ? end.code : 'ESANDBOX');
      const oom = await cgroups.oomKilled(cgroup);
      return this.deps.explain({ exitCode: end.code, signal: end.signal, durationMs: Date.now() - started }, e.stderr.text(false), oom);
    };
    const exited = lifecycle().then((exit) => {
      outcome = exit;
      this.entries.delete(id);
      if (cgroup && cgroups) void cgroups.remove(cgroup).catch(() => {});
      if (--this.running === 0 && this.retired) this.close();
      return exit;
    });
    return {
      get pid() {
        return pid;
      },
      argv: options.argv,
      startedAt: new Date(started),
      stdout: e.stdout,
      stderr: e.stderr,
      exited,
      result: () => outcome,
      kill: () => {
        if (outcome || killAt !== null) return;
        killAt = Date.now();
        if (pid !== undefined) softKill();
      },
    };
  }
}
