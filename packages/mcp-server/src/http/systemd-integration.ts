import { execFile } from 'node:child_process';

/** The first socket systemd passed (LISTEN_FDS, starting at fd 3), when it was meant for this process. */
export function listenFdFromEnv(env: NodeJS.ProcessEnv, pid: number): number | null {
  const fds = Number(env.LISTEN_FDS ?? 0);
  if (!(fds >= 1)) return null;
  // LISTEN_PID guards against inheriting a socket meant for a parent.
  if (env.LISTEN_PID !== undefined && Number(env.LISTEN_PID) !== pid) return null;
  return 3;
}

/** Half of WatchdogSec, in ms, when systemd asked for watchdog pings; null otherwise. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | null {
  const usec = Number(env.WATCHDOG_USEC ?? 0);
  if (!(usec > 0)) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(500, Math.floor(usec / 2000));
}

export type Notify = (state: string) => Promise<void>;

/**
 * sd_notify through the systemd-notify binary. Node has no unix datagram sockets, and a native
 * module would cost more than this occasional child process; it needs NotifyAccess=all because
 * the message comes from a child of the main process.
 */
export function systemdNotify(env: NodeJS.ProcessEnv, bin = 'systemd-notify'): Notify {
  return (state) =>
    new Promise((resolve) => {
      if (!env.NOTIFY_SOCKET) return resolve();
      execFile(bin, [state], { env, timeout: 5000 }, () => resolve());
    });
}

/** Pings the watchdog at half its interval until stopped. The timer never keeps the process alive. */
export function startWatchdog(intervalMs: number, notify: Notify, isHealthy: () => boolean): () => void {
  const timer = setInterval(() => {
    if (isHealthy()) void notify('WATCHDOG=1');
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
