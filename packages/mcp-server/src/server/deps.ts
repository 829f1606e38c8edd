import type {
  HostRunner,
  CommandDecision,
  Config,
  DocumentStore,
  JobRegistry,
  Logger,
  PathDecision,
  PolicyConfig,
  PolicyContext,
  ProcSource,
  SandboxChoice,
} from '@ldm/core';
import type { IncidentEngine } from '@ldm/core';
import { configDirOf, notifySecretFiles } from '@ldm/core';
import type { AuditLog } from '../audit/audit-log';
import type { HostSampler } from '../host/host-sampler';

/**
 * The policy engine's functions (packages/core/src/policy), injected so tests can see every call.
 * The decisions may come back as promises: the server loads the engine on its first decision.
 */
export interface PolicyPort {
  /** `cwd`: the absolute directory the command will run in, so relative targets are judged where they land. */
  decideCommand(input: ({ command: string } | { argv: string[] }) & { cwd?: string }, policy: PolicyConfig, ctx: PolicyContext): CommandDecision | Promise<CommandDecision>;
  /** run_command with host: true (core/src/policy/decide-host-command.ts). */
  decideHostCommand(input: ({ command: string } | { argv: string[] }) & { cwd?: string }, policy: PolicyConfig, ctx: PolicyContext): CommandDecision | Promise<CommandDecision>;
  decidePath(path: string, op: 'read' | 'write' | 'list', policy: PolicyConfig, ctx: PolicyContext): PathDecision | Promise<PathDecision>;
  /** Absolute, symlinks resolved (the parent's, for a file that does not exist yet). */
  resolvePathForPolicy(path: string): Promise<string>;
  redactSecrets(text: string): string;
}

/** What the incident tools ask of the incident engine (packages/core/src/learn/incident-engine.ts). */
export type IncidentPort = Pick<IncidentEngine, 'record' | 'resolve' | 'findKnownFixes'>;

/** Programs the service and journal tools run; tests point them at fakes. */
export interface Binaries {
  systemctl: string;
  journalctl: string;
  bash: string;
  /** package_action runs it; the environment it gets is fixed by the tool. */
  aptGet: string;
}

/** Everything the server touches, passed in: createServer has no other inputs and no top-level side effects. */
export interface ServerDeps {
  config: Config;
  paths: { stateDir: string; logDir: string; configFile: string };
  /** Where the suite is installed; protected from the file tools. */
  installPrefix: string;
  store: DocumentStore;
  engine: IncidentPort;
  logger: Logger;
  policy: PolicyPort;
  jobs: JobRegistry;
  /** Where the model's commands run: the sandbox (chosen on first use), or why there is none. */
  sandbox: () => Promise<SandboxChoice>;
  audit: AuditLog;
  bin: Binaries;
  /** Runs the typed tools' programs on the host; defaults to core's runOnHost. */
  runHost?: HostRunner;
  proc: ProcSource;
  now: () => Date;
  version: string;
  /** Called on every request; the heartbeat throttles its own writes. */
  onActivity?: () => void;
  /** Shared by all sessions of one process (HTTP), so CPU use is measured since any session's last look. */
  hostSampler?: HostSampler;
  /** How often a call waiting for a human sends progress (default policy/progress-keepalive.ts); tests shorten it. */
  progressEveryMs?: number;
}

// One definition for the server and the healthcheck's remediation: packages/core/src/policy/suite-context.ts.
export { DEFAULT_INSTALL_PREFIX, policyContextOf, SUITE_UNITS } from '@ldm/core';

/** What the sandbox hides of the suite itself: the config dir (HTTP token), the state dir (approvals) and the notification secrets. */
export function suiteSecretsOf(deps: Pick<ServerDeps, 'paths'> & { config?: Pick<ServerDeps['config'], 'notify' | 'heartbeat'> }): { configDir: string; stateDir: string; files: string[] } {
  return { configDir: configDirOf(deps.paths.configFile), stateDir: deps.paths.stateDir, files: deps.config ? notifySecretFiles(deps.config) : [] };
}
