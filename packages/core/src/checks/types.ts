import type { Config } from '../config/schema';
import { CHECK_STATUSES, type CheckStatus } from '../state/check-state';

export { CHECK_STATUSES, type CheckStatus };
import type { ProcSource } from '../probe/proc-root';
import type { StatfsLike } from '../probe/disk';
import type { PatternCheck, StateDoc, Severity } from '../state/schemas';

export type OverallStatus = 'ok' | 'warn' | 'crit';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunCommandOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs argv without a shell. Rejects with code ENOENT when the program is not installed. */
export type RunCommand = (argv: string[], options?: RunCommandOptions) => Promise<CommandResult>;

/** Everything a check may touch outside the process; tests replace any of it. */
export interface CheckDeps {
  proc: ProcSource;
  runCommand: RunCommand;
  statfs: (path: string) => Promise<StatfsLike>;
  fetch: typeof fetch;
  now: () => Date;
  readFile: (path: string) => Promise<string>;
  fileExists: (path: string) => Promise<boolean>;
  /** sd_booted(3): whether systemd is PID 1, so systemctl/journalctl/timedatectl can answer. */
  systemdRunning: () => Promise<boolean>;
  /** Runs argv in the containment sandbox (the owner's Nagios plugins); absent when none is available. */
  runContained?: RunCommand;
}

/** A problem a check found. Each one becomes its own incident (dedup and known fixes are per subject). */
export interface Finding {
  /** What the problem is about, e.g. a mount point or a unit name ("nginx.service"). */
  subject: string;
  severity: Exclude<Severity, 'info'>;
  /** Must not change with the severity or the numbers' position: it is the incident's fingerprint. */
  summary: string;
  evidence?: string[];
  /** How to tell the problem is gone, learned into its pattern (the boot check runs these first). */
  checks?: PatternCheck[];
  /** Summary and evidence are journal lines (so their signature's absence is a check). */
  fromJournal?: boolean;
  /** Summary and evidence report a unit's state, not its cause: they identify no fix alone (learn/line-role.ts). */
  stateOnly?: boolean;
}

export interface CheckResult {
  status: CheckStatus;
  message: string;
  metrics: Record<string, number>;
  /** Problems found; when a warn/crit result has none, one is made from the message. */
  findings?: Finding[];
  /** Kept in state.json until the next run (e.g. the journal cursor of the OOM check). */
  memory?: unknown;
}

export interface CheckSettings {
  enabled?: boolean;
  warn?: number;
  crit?: number;
  [key: string]: unknown;
}

export interface CheckContext {
  deps: CheckDeps;
  config: Config;
  settings: CheckSettings;
  /** This check's `memory` from its previous run. */
  previous: unknown;
  /** A snapshot of state.json at the start of the run. */
  state: StateDoc;
  /** Aborted when the check's time is up. */
  signal: AbortSignal;
}

/** One health check, one file; see registry.ts for the list. */
export interface HealthCheck {
  id: string;
  /** The kind of an owner's check (healthcheck.custom); built-in checks have none. */
  kind?: string;
  /** Its own time limit, instead of healthcheck.checkTimeoutMs (an owner's check's timeoutMs). */
  timeoutMs?: number;
  defaultEnabled: boolean;
  run(ctx: CheckContext): Promise<CheckResult>;
}

/** A check's result as published (state.json, --json). */
export interface CheckReport {
  id: string;
  status: CheckStatus;
  message: string;
  metrics: Record<string, number>;
  findings: Finding[];
  durationMs: number;
  /** Set on the owner's checks (healthcheck.custom), so reports can show them apart. */
  kind?: string;
}
