import type { Backend } from './sandbox-launcher';
import type { SandboxConfig } from './sandbox-config';

/** What choosing a backend looks at; tests answer from a table. */
export interface ChooseDeps {
  /** The server runs as root: only root may start units in the system manager. */
  isRoot: boolean;
  /** /run/systemd/system exists: systemd is PID 1. */
  systemdIsInit(): Promise<boolean>;
  /** Absolute path of a program on PATH, or null. */
  which(name: string): Promise<string | null>;
  /** Runs `true` under bubblewrap as the sandbox will (user namespaces may be off). */
  bwrapWorks(bins: { bwrap: string; prlimit: string; setpriv: string }): Promise<string | null>;
}

export type Choice =
  | { backend: Backend; systemdRun: string; bwrap: { bwrap: string; prlimit: string; setpriv: string } }
  | { unavailable: string };

const HOW =
  'Install bubblewrap (apt-get install bubblewrap) on a host without systemd, make sure systemd-run is there on one with it, ' +
  'or set policy.mode to "unrestricted" in the config to run commands without containment.';

/** Picks the backend the config asks for, or the best one this host has ('auto'). */
export async function chooseBackend(wanted: SandboxConfig['backend'], deps: ChooseDeps): Promise<Choice> {
  const [init, systemdRun, bwrap, prlimit, setpriv] = await Promise.all([
    deps.systemdIsInit(),
    deps.which('systemd-run'),
    deps.which('bwrap'),
    deps.which('prlimit'),
    deps.which('setpriv'),
  ]);
  const why: string[] = [];
  if (wanted !== 'bubblewrap') {
    if (init && systemdRun && deps.isRoot) return { backend: 'systemd', systemdRun, bwrap: { bwrap: bwrap ?? 'bwrap', prlimit: prlimit ?? 'prlimit', setpriv: setpriv ?? 'setpriv' } };
    why.push(!init ? 'systemd is not PID 1 here (no /run/systemd/system)' : !systemdRun ? 'systemd-run was not found on PATH' : 'the server does not run as root, and only root may start units');
  }
  if (wanted !== 'systemd') {
    if (bwrap && prlimit && setpriv) {
      const bins = { bwrap, prlimit, setpriv };
      const failure = await deps.bwrapWorks(bins);
      if (!failure) return { backend: 'bubblewrap', systemdRun: systemdRun ?? 'systemd-run', bwrap: bins };
      why.push(`bubblewrap cannot run here (${failure})`);
    } else why.push(`${[!bwrap && 'bwrap', !prlimit && 'prlimit', !setpriv && 'setpriv'].filter(Boolean).join(', ')} not found on PATH`);
  }
  return { unavailable: `Commands run only inside a sandbox, and this host has none that works (policy.sandbox.backend ${wanted}): ${why.join('; ')}. ${HOW}` };
}
