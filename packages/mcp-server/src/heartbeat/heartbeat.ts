import { parsePidStat, readProcFile, readUptimeSeconds, type DocumentStore, type Logger, type ProcSource } from '@ldm/core';

export interface HeartbeatOptions {
  store: DocumentStore;
  logger: Logger;
  pid: number;
  bootId?: string;
  transport?: 'stdio' | 'http';
  now?: () => Date;
  /** Activity is written at most this often. */
  throttleMs?: number;
  /** A beat is written this often even when idle, so the healthcheck can tell alive from hung. */
  intervalMs?: number;
  /**
   * Where to read this process's start (PID/stat) and the boot clock (uptime). With it, the
   * healthcheck judges identity and silence without the wall clock, which NTP or a resume may step.
   */
  proc?: ProcSource;
  /** How many background jobs run now; written with every beat. */
  runningJobs?: () => number;
}

/** Boot-clock fields of a heartbeat; absent when /proc cannot tell. */
interface BootStamp {
  startTicks?: number;
  beatUptimeSec?: number;
}

/**
 * This session's entry in state.json `sessions`: written at start, refreshed on activity
 * (throttled) and periodically, removed on exit.
 */
export class Heartbeat {
  private readonly now: () => Date;
  private readonly startedAt: string;
  private lastWritten = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;
  private lastRequest: string | null = null;
  private startTicks: number | undefined;

  constructor(private readonly options: HeartbeatOptions) {
    this.now = options.now ?? (() => new Date());
    this.startedAt = this.now().toISOString();
  }

  /** Writes the first beat and starts the periodic ones; a second call does nothing. */
  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    if (this.options.proc) {
      this.startTicks = await readProcFile(this.options.proc, `${this.options.pid}/stat`).then((t) => parsePidStat(t).startTicks, () => undefined);
    }
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Call on every request; writes only when started and the last write is older than the throttle. */
  touch(): void {
    this.lastRequest = this.now().toISOString();
    if (!this.started || this.stopped || this.now().getTime() - this.lastWritten < (this.options.throttleMs ?? 10_000)) return;
    void this.beat();
  }

  /** Resolves when every write started so far has finished (what a caller waits for instead of a delay). */
  settled(): Promise<void> {
    return this.writing;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (!this.started) return; // nothing of ours was ever written
    await this.writing;
    await this.options.store
      .update('state', (doc) => {
        doc.sessions = doc.sessions.filter((s) => s.pid !== this.options.pid);
      })
      .catch((err: unknown) => this.options.logger.warn(`couldn't remove the heartbeat of pid ${this.options.pid}: ${(err as Error).message}`));
  }

  private beat(): Promise<void> {
    if (this.stopped) return this.writing;
    const at = this.now();
    this.lastWritten = at.getTime();
    this.writing = this.writing
      .then(() => this.bootStamp())
      .then((stamp) =>
        this.options.store.update('state', (doc) => {
          if (this.stopped) return;
          const mine = doc.sessions.find((s) => s.pid === this.options.pid);
          // lastActivity is the liveness stamp the healthcheck reads (a live idle session keeps
          // beating); lastRequest is when the model last asked for something.
          const request = this.lastRequest ? { lastRequest: this.lastRequest } : {};
          const jobs = this.options.runningJobs ? { runningJobs: this.options.runningJobs() } : {};
          if (mine) Object.assign(mine, { lastActivity: at.toISOString(), ...request, ...jobs, ...stamp });
          else
            doc.sessions.push({
              pid: this.options.pid,
              startedAt: this.startedAt,
              lastActivity: at.toISOString(),
              transport: this.options.transport ?? 'stdio',
              ...request,
              ...jobs,
              ...(this.options.bootId ? { bootId: this.options.bootId } : {}),
              ...stamp,
            });
        }),
      )
      .catch((err: unknown) => this.options.logger.warn(`couldn't write the heartbeat: ${(err as Error).message}`));
    return this.writing;
  }

  private async bootStamp(): Promise<BootStamp> {
    if (!this.options.proc) return {};
    const uptime = await readUptimeSeconds(this.options.proc).catch(() => NaN);
    return {
      ...(this.startTicks !== undefined && Number.isInteger(this.startTicks) ? { startTicks: this.startTicks } : {}),
      ...(Number.isFinite(uptime) && uptime >= 0 ? { beatUptimeSec: uptime } : {}),
    };
  }
}
