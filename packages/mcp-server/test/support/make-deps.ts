import { mkdtempSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigSchema,
  DocumentStore,
  keepBriefingDigests,
  IncidentEngine,
  JobRegistry,
  redactSecrets,
  silentLogger,
  startProcess,
  type Sandbox,
  type SandboxChoice,
  type CommandDecision,
  type PathDecision,
} from '@ldm/core';
import { AuditLog } from '../../src/audit/audit-log';
import type { PolicyPort, ServerDeps } from '../../src/server/deps';

/** A stand-in policy with obvious rules, so the enforcement is tested apart from the real policy's logic. */
export function fakePolicy(calls: unknown[] = []): PolicyPort {
  return {
    decideCommand(input, _policy, ctx) {
      calls.push({ kind: 'command', input, ctx });
      const text = 'command' in input ? input.command : input.argv.join(' ');
      const commands = ['command' in input ? text.split(' ') : input.argv];
      const d = (action: CommandDecision['action'], rule: string, reason: string): CommandDecision => ({ action, rule, reason, commands });
      if (/\brm\b/.test(text)) return d('deny', 'fake:deny:rm', 'rm is denied by the fake policy');
      if (/confirm-me/.test(text) || /^systemctl stop/.test(text)) return d('confirm', 'default:confirm:fake', 'needs a human');
      if (ctx.suiteUnits.some((u) => text.includes(u))) return d('deny', 'fake:deny:suite-unit', 'suite unit');
      return d('allow', 'fake:allow', 'allowed');
    },
    decideHostCommand(input, policy) {
      calls.push({ kind: 'host-command', input });
      const text = 'command' in input ? input.command : input.argv.join(' ');
      const commands = ['command' in input ? text.split(' ') : input.argv];
      if (policy.mode === 'read-only') return { action: 'deny', rule: 'mode:read-only', reason: 'read-only', commands };
      if (/\brm\b/.test(text)) return { action: 'deny', rule: 'fake:deny:rm', reason: 'rm is denied by the fake policy', commands };
      if (/host-allowed/.test(text) || policy.mode === 'unrestricted') return { action: 'allow', rule: 'fake:allow:host', reason: 'allowed', commands };
      return { action: 'confirm', rule: 'host:confirm', reason: 'on the host', commands };
    },
    decidePath(path, op, _policy, ctx): PathDecision {
      calls.push({ kind: 'path', path, op });
      if (op === 'write' && ctx.protectedPaths.some((p) => path === p || path.startsWith(`${p}/`))) {
        return { action: 'deny', rule: 'fake:deny:protected', reason: 'suite files', path };
      }
      if (path.includes('forbidden')) return { action: 'deny', rule: 'fake:deny:forbidden', reason: 'forbidden path', path };
      if (op === 'write' && path.includes('confirm-me')) return { action: 'confirm', rule: 'fake:confirm:path', reason: 'needs a human', path };
      return { action: 'allow', rule: 'fake:allow', reason: 'allowed', path };
    },
    resolvePathForPolicy: async (p) => {
      if (!p.startsWith('/')) throw new Error(`path ${JSON.stringify(p)} is relative: give an absolute path`);
      return p;
    },
    redactSecrets,
  };
}

export interface TestEnv {
  dir: string;
  deps: ServerDeps;
  policyCalls: unknown[];
}

/** Real store, engine, jobs and audit log in a temp dir; fake systemctl/journalctl scripts. */
/**
 * Stands in for the sandbox where a test is about the gate and the tools, not containment: commands
 * start directly. Containment is tested through the real backends (sandbox.test.ts, run.sh).
 */
export const directSandbox = async (): Promise<SandboxChoice> => ({
  sandbox: { backend: 'direct (test)' as Sandbox['backend'], plan: {} as Sandbox['plan'], launch: startProcess },
});

export function makeDeps(overrides: { config?: unknown; policy?: PolicyPort; sandbox?: ServerDeps['sandbox'] } = {}): TestEnv {
  const dir = mkdtempSync(join(tmpdir(), 'ldm-mcp-'));
  const stateDir = join(dir, 'state');
  const logDir = join(dir, 'log');
  const binDir = join(dir, 'bin');
  mkdirSync(binDir);
  const fake = (name: string, body: string) => {
    const file = join(binDir, name);
    writeFileSync(file, `#!/bin/bash\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const systemctl = fake(
    'systemctl',
    `echo "$@" >> ${join(dir, 'systemctl.calls')}
case "$1" in
  show) printf 'Id=%s\\nDescription=Fake unit\\nLoadState=loaded\\nActiveState=failed\\nSubState=failed\\nUnitFileState=enabled\\nResult=exit-code\\nMainPID=0\\nExecMainStatus=1\\nNRestarts=3\\nFragmentPath=/lib/systemd/system/x.service\\nMemoryCurrent=[not set]\\n' "\${@: -1}";;
  list-units) echo "nginx.service loaded failed failed A high performance web server";;
  *) exit 0;;
esac`,
  );
  const journalctl = fake(
    'journalctl',
    `echo "$@" >> ${join(dir, 'journalctl.calls')}
echo "2026-11-24T04:00:00+0000 host nginx[123]: nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)"
echo "2026-11-24T04:00:01+0000 host app[9]: connecting with password=hunter2"`,
  );
  // Records "argv<TAB>..." and the frontend; what it answers is set by writing ok|fail|lock|lock-once to apt-get.mode.
  const aptGet = fake(
    'apt-get',
    `mode=$(cat ${join(dir, 'apt-get.mode')} 2>/dev/null || echo ok)
{ printf 'DEBIAN_FRONTEND=%s' "$DEBIAN_FRONTEND"; printf '\t%s' "$@"; echo; } >> ${join(dir, 'apt-get.calls')}
if [ "$mode" = lock-once ]; then echo ok > ${join(dir, 'apt-get.mode')}; mode=lock; fi
case "$mode" in
  ok) echo "Reading package lists..."; echo "0 upgraded, 1 newly installed, 0 to remove and 3 not upgraded.";;
  lock) echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2
        echo "E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?" >&2; exit 100;;
  *) echo "Reading package lists..."; echo "E: Unable to locate package nosuchpkg" >&2; exit 100;;
esac`,
  );
  const config = ConfigSchema.parse(overrides.config ?? {});
  const store = new DocumentStore({ stateDir, logger: silentLogger, onWritten: keepBriefingDigests });
  const policyCalls: unknown[] = [];
  const deps: ServerDeps = {
    config,
    paths: { stateDir, logDir, configFile: join(dir, 'etc', 'config.json') },
    installPrefix: join(dir, 'opt'),
    store,
    engine: new IncidentEngine(store, { minConfidence: config.learn.suggestionMinConfidence }),
    logger: silentLogger,
    policy: overrides.policy ?? fakePolicy(policyCalls),
    jobs: new JobRegistry({ maxJobs: config.mcp.maxJobs, bufferBytes: config.mcp.jobBufferBytes }),
    sandbox: overrides.sandbox ?? directSandbox,
    audit: new AuditLog({ file: join(logDir, 'audit.log'), maxBytes: config.mcp.auditMaxBytes, files: 3, redact: redactSecrets }),
    bin: { systemctl, journalctl, bash: '/bin/bash', aptGet },
    proc: { procRoot: '/proc' },
    now: () => new Date(),
    version: '0.0.0-test',
  };
  return { dir, deps, policyCalls };
}
